// What the generated resolver types use as parents (see @platform/codegen).
import type { Session } from './domain/authentication';

export type AuthPayloadMapper = Session;
