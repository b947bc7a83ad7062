import type { CompanyAssignmentResolvers } from '../../../generated/graphql';

export const CompanyAssignment: CompanyAssignmentResolvers = {
  /** Batched by the company loader; a deleted company reads as null. */
  company: (assignment, _args, { companyById }) => companyById.load(assignment.companyId),
  /** References the identity subgraph resolves (batched there). */
  user: (assignment) => ({ id: assignment.userId }),
  assignedBy: (assignment) => ({ id: assignment.assignedById }),
  assignedAt: (assignment) => assignment.createdAt,
};
