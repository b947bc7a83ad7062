import type { MutationResolvers } from '../../../../generated/graphql';

export const reindexDocument: NonNullable<MutationResolvers['reindexDocument']> = (
  _parent,
  { id },
  { auth, documents },
) => documents.reindex(auth, id);
