import type { ContactResolvers } from '../../../generated/graphql';

export const Contact: ContactResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  workflowRuns: (contact, _args, { workflowRunsBySubjectId }) => workflowRunsBySubjectId.load(contact.id),
};
