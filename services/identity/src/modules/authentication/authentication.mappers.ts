// What the generated resolver types use as parents (see @platform/codegen).
import type { Session } from './domain/authentication';
import type {
  MfaChallenge,
  MfaEnrollment,
  OrganizationSwitch,
  SessionView,
} from './domain/authentication-operations';

export type AuthPayloadMapper = Session;
export type OrganizationSwitchMapper = OrganizationSwitch;
export type MfaChallengeMapper = MfaChallenge;
export type MfaEnrollmentMapper = MfaEnrollment;
export type SessionMapper = SessionView;
