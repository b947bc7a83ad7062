import type { QueryResolvers } from '../../../../generated/graphql';

export const document: NonNullable<QueryResolvers['document']> = (
  _parent,
  { id },
  { auth, documents, documentById },
) => documents.get(auth, id, (key) => documentById.load(key));
