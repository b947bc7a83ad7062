/** Invoices as stored and shown, their numbers and events. No Prisma or GraphQL here. */
import { createEvent, INVOICE_STATUSES, type CloudEvent, type EventData } from '@platform/events/catalog';
import { enumObject } from '@platform/domain';
import type { PlanId } from '../../plan/domain/plan';
import type { Cents, InvoiceKind, InvoiceLineKind } from './proration';
import { EVENT_SOURCE } from './subscription';

/** draft → open → paid / void / uncollectible (a zero invoice is paid when it is issued). */
export const InvoiceStatus = enumObject(INVOICE_STATUSES);
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export interface InvoiceLineRecord {
  position: number;
  kind: InvoiceLineKind;
  description: string;
  planId: PlanId | null;
  seats: number | null;
  /** Metered lines: the quantity used in the period. */
  quantity: bigint | null;
  periodStart: Date | null;
  periodEnd: Date | null;
  amountCents: Cents;
}

export interface InvoiceRecord {
  id: string;
  organizationId: string;
  subscriptionId: string;
  /** Per organization, from 1, without gaps. */
  sequence: number;
  kind: InvoiceKind;
  status: InvoiceStatus;
  currency: string;
  subtotalCents: Cents;
  totalCents: Cents;
  amountDueCents: Cents;
  amountPaidCents: Cents;
  creditCarriedCents: Cents;
  periodStart: Date | null;
  periodEnd: Date | null;
  issuedAt: Date;
  paidAt: Date | null;
  voidedAt: Date | null;
  voidReason: string | null;
  /** Charges asked of the payment provider so far. */
  attemptCount: number;
  lines: InvoiceLineRecord[];
}

/** INV-000001: the organization's sequence, six digits at least. */
export function invoiceNumber(sequence: number): string {
  return `INV-${String(sequence).padStart(6, '0')}`;
}

/** Statuses an invoice can leave: draft and open. */
export function isSettled(status: InvoiceStatus): boolean {
  return status === 'paid' || status === 'void' || status === 'uncollectible';
}

type InvoiceIssued = CloudEvent<'billing.invoice.issued.v1', EventData<'billing.invoice.issued.v1'>>;
type InvoiceStatusChanged = CloudEvent<
  'billing.invoice.status_changed.v1',
  EventData<'billing.invoice.status_changed.v1'>
>;

function invoiceData(invoice: InvoiceRecord, at: Date) {
  return {
    invoiceId: invoice.id,
    organizationId: invoice.organizationId,
    subscriptionId: invoice.subscriptionId,
    number: invoiceNumber(invoice.sequence),
    kind: invoice.kind,
    status: invoice.status,
    currency: invoice.currency,
    totalCents: invoice.totalCents.toString(),
    amountDueCents: invoice.amountDueCents.toString(),
    at: at.toISOString(),
  };
}

export function invoiceIssued(invoice: InvoiceRecord): InvoiceIssued {
  return createEvent('billing.invoice.issued.v1', {
    source: EVENT_SOURCE,
    subject: invoice.id,
    tenantId: invoice.organizationId,
    time: invoice.issuedAt,
    data: invoiceData(invoice, invoice.issuedAt),
  });
}

export function invoiceStatusChanged(
  invoice: InvoiceRecord,
  previousStatus: InvoiceStatus,
  reason: string | null,
  at: Date,
): InvoiceStatusChanged {
  return createEvent('billing.invoice.status_changed.v1', {
    source: EVENT_SOURCE,
    subject: invoice.id,
    tenantId: invoice.organizationId,
    time: at,
    data: { ...invoiceData(invoice, at), previousStatus, reason },
  });
}
