import type { TaskResolvers } from '../../../generated/graphql';

export const Task: TaskResolvers = {
  __resolveReference: (reference, { taskById }) => taskById.load(reference.id),
  /** crm's own contact, batched by the contact module's loader; a deleted contact reads as null. */
  contact: (task, _args, { contactById }) => (task.contactId ? contactById.load(task.contactId) : null),
  /** References the identity subgraph resolves (batched there). */
  assignee: (task) => (task.assigneeId ? { id: task.assigneeId } : null),
  completedBy: (task) => (task.completedBy ? { id: task.completedBy } : null),
  createdBy: (task) => ({ id: task.createdBy }),
};
