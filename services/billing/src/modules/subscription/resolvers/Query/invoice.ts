import type { QueryResolvers } from '../../../../generated/graphql';

export const invoice: NonNullable<QueryResolvers['invoice']> = (_parent, { id }, { auth, subscriptions }) =>
  subscriptions.invoice(auth, id);
