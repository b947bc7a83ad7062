import type { SeatAssignmentResolvers } from '../../../generated/graphql';

export const SeatAssignment: SeatAssignmentResolvers = {
  user: (assignment) => ({ id: assignment.userId }),
  assignedBy: (assignment) => (assignment.assignedBy ? { id: assignment.assignedBy } : null),
  deactivatedBy: (assignment) => (assignment.deactivatedBy ? { id: assignment.deactivatedBy } : null),
};
