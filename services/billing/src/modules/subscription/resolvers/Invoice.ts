import type { InvoiceResolvers } from '../../../generated/graphql';
import { invoiceNumber } from '../domain/invoice';

export const Invoice: InvoiceResolvers = {
  number: (invoice) => invoiceNumber(invoice.sequence),
  subtotalCents: (invoice) => invoice.subtotalCents.toString(),
  totalCents: (invoice) => invoice.totalCents.toString(),
  amountDueCents: (invoice) => invoice.amountDueCents.toString(),
  amountPaidCents: (invoice) => invoice.amountPaidCents.toString(),
  creditCarriedCents: (invoice) => invoice.creditCarriedCents.toString(),
  payments: (invoice, _args, { paymentAttemptsByInvoiceId }) => paymentAttemptsByInvoiceId.load(invoice.id),
  async document(invoice, _args, { invoiceDocumentById }) {
    const document = await invoiceDocumentById.load(invoice.id);
    // Written with the invoice in one statement: an invoice without its document is broken data.
    if (document === null) throw new Error(`invoice ${invoice.id} has no document`);
    return document;
  },
};
