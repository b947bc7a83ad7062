import type { FieldCipher } from '@platform/service-kit';
import type { BillTo } from '../../billing-info/domain/billing-info';
import { billingInfoOf, invoiceCurrencyOf } from '../../billing-info/infra/billing-info-repository';
import { publishEntitlements } from '../../entitlements/infra/entitlements-repository';
import { paymentInFlight, requestPayment } from '../../payment/infra/payment-attempts';
import { assignedSeatCount, assignInitialSeat, releaseSeats, releaseSeatsOver } from '../../seat/infra/seats';
import { invoiceUsage } from '../../usage/domain/usage';
import { usageTotalsIn } from '../../usage/infra/usage-repository';
import type { SubscriptionCollaborators } from './subscription-repository';

/** The bill-to block of an invoice: name, email, address lines and tax ids, as printed. */
function billToLines(billTo: BillTo): string[] {
  const lines: string[] = [];
  if (billTo.name) lines.push(billTo.name);
  if (billTo.email) lines.push(billTo.email);
  const address = billTo.address;
  if (address) {
    lines.push(address.line1);
    if (address.line2) lines.push(address.line2);
    lines.push([address.postalCode, address.city, address.region].filter((part) => part).join(' '));
    lines.push(address.country);
  }
  for (const taxId of billTo.taxIds) lines.push(`${taxId.type.toUpperCase()} ${taxId.value}`);
  return lines;
}

/**
 * What a subscription's transaction asks of the modules beside it: payments (a charge to send after the
 * commit), entitlements (versioned and published), seats (the starter's seat, the count a seat change
 * may not go below, all released when the subscription is over), usage (a renewal's metered lines)
 * and billing info (the invoice's
 * bill-to, opened with billing's PII keyring; without one, invoices carry no bill-to).
 */
export function subscriptionCollaborators(cipher: FieldCipher | null = null): SubscriptionCollaborators {
  return {
    requestPayment: (tx, request) => requestPayment(tx, request),
    paymentInFlight: (tx, invoiceId) => paymentInFlight(tx, invoiceId),
    publishEntitlements: (tx, change) => publishEntitlements(tx, change),
    billingCurrency: (tx, organizationId, at) => invoiceCurrencyOf(tx, organizationId, at),
    billTo: async (tx, organizationId) =>
      cipher ? billToLines(await billingInfoOf(tx, organizationId, cipher)) : [],
    assignedSeatCount: (tx, organizationId) => assignedSeatCount(tx, organizationId),
    assignInitialSeat: async (tx, command) =>
      (await assignInitialSeat(tx, { ...command, assignedBy: command.userId })).events,
    releaseSeats: (tx, organizationId, at) => releaseSeats(tx, { organizationId, at }),
    releaseSeatsOver: (tx, command) => releaseSeatsOver(tx, command),
    usage: async (tx, organizationId, period) =>
      invoiceUsage(await usageTotalsIn(tx, organizationId, period)),
  };
}
