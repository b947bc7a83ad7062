// What the generated resolver types use as parents (see @platform/codegen).
import type { Session } from './domain/authentication';
import type { OrganizationSwitch } from './domain/authentication-operations';

export type AuthPayloadMapper = Session;
export type OrganizationSwitchMapper = OrganizationSwitch;
