// What the generated resolver types use as parents (see @platform/codegen).
import type { SeatAssignment } from './domain/seat';

export type SeatAssignmentMapper = SeatAssignment;
/** Users are identity's; billing only points at them by id. */
export type UserMapper = { id: string };
export { SeatReleaseCause } from './domain/seat';
