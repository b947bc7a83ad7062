import type { RoleAssignmentResolvers } from '../../../generated/graphql';

export const RoleAssignment: RoleAssignmentResolvers = {
  assignedBy: (assignment, _args, { userById }) =>
    assignment.assignedById ? userById.load(assignment.assignedById) : null,
};
