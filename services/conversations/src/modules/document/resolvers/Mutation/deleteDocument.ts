import type { MutationResolvers } from '../../../../generated/graphql';

export const deleteDocument: NonNullable<MutationResolvers['deleteDocument']> = (
  _parent,
  { id },
  { auth, documents },
) => documents.delete(auth, id);
