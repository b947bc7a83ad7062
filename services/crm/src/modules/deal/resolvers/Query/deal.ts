import type { QueryResolvers } from '../../../../generated/graphql';

export const deal: NonNullable<QueryResolvers['deal']> = (_parent, { id }, { auth, deals, dealById }) =>
  deals.get(auth, id, (key) => dealById.load(key));
