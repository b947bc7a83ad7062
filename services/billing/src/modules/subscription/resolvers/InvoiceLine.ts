import type { InvoiceLineResolvers } from '../../../generated/graphql';

export const InvoiceLine: InvoiceLineResolvers = {
  plan: async (line, _args, { planById }) => (line.planId === null ? null : planById.load(line.planId)),
  quantity: (line) => (line.quantity === null ? null : line.quantity.toString()),
  amountCents: (line) => line.amountCents.toString(),
};
