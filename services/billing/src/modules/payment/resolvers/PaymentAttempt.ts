import type { PaymentAttemptResolvers } from '../../../generated/graphql';

export const PaymentAttempt: PaymentAttemptResolvers = {
  /** Cents as a decimal string: exact at any size. */
  amountCents: (attempt) => attempt.amountCents.toString(),
};
