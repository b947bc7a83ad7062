// What the generated resolver types use as parents (see @platform/codegen).
import type { Invitation } from './domain/invitation';

export type InvitationMapper = Invitation;
export { InvitationStatus } from './domain/invitation';
