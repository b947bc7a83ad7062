import type { MutationResolvers } from '../../../../generated/graphql';

export const setPaymentMethod: NonNullable<MutationResolvers['setPaymentMethod']> = (
  _parent,
  { token },
  context,
) => context.payments.setPaymentMethod(context.auth, token);
