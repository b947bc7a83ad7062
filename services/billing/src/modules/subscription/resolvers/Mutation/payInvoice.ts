import type { MutationResolvers } from '../../../../generated/graphql';

export const payInvoice: NonNullable<MutationResolvers['payInvoice']> = (
  _parent,
  { id },
  { auth, subscriptions },
) => subscriptions.payInvoice(auth, id);
