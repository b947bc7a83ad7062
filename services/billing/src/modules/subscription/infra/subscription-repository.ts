import { randomUUID } from 'node:crypto';
import type { TenantDatabase } from '@platform/service-kit';
import { appendToOutbox, type CatalogEvent } from '@platform/events';
import { Prisma } from '../../../generated/prisma/client';
import { isPlanId, pricedIn } from '../../plan/domain/plan';
import { planRepository } from '../../plan/infra/plan-repository';
import type { InvoiceLineRecord, InvoiceRecord } from '../domain/invoice';
import { nextDeadline, type SubscriptionState } from '../domain/lifecycle';
import { LIVE_STATUSES, type Subscription } from '../domain/subscription';
import type {
  ChargeInFlight,
  EntitlementsChange,
  PaymentRequest,
  SubscriptionRepository,
  SubscriptionTransaction,
} from '../domain/subscription-repository';
import { renderInvoiceDocument } from './invoice-document';
import { parseState, serializeState } from './subscription-state';

type SubscriptionRow = Prisma.OrganizationSubscriptionGetPayload<object>;
type InvoiceRow = Prisma.InvoiceGetPayload<{ include: { lines: true } }>;

/** What the subscription's transaction asks of the modules beside it (payments, entitlements). */
export interface SubscriptionCollaborators {
  /** Records a charge for the payment module to send after the commit. */
  requestPayment(tx: Prisma.TransactionClient, request: PaymentRequest): Promise<void>;
  /** The status of the invoice's newest payment attempt that is not final yet, or null when none is. */
  paymentInFlight(tx: Prisma.TransactionClient, invoiceId: string): Promise<ChargeInFlight | null>;
  /** Versions, stores and publishes the organization's entitlements. */
  publishEntitlements(tx: Prisma.TransactionClient, change: EntitlementsChange): Promise<void>;
  /** The invoice's bill-to lines (billing contact and address), empty when none is set. */
  billTo(tx: Prisma.TransactionClient, organizationId: string): Promise<string[]>;
  assignedSeatCount(tx: Prisma.TransactionClient, organizationId: string): Promise<number>;
  assignInitialSeat(
    tx: Prisma.TransactionClient,
    command: { organizationId: string; subscriptionId: string; userId: string; at: Date },
  ): Promise<readonly CatalogEvent[]>;
  releaseSeats(
    tx: Prisma.TransactionClient,
    organizationId: string,
    at: Date,
  ): Promise<readonly CatalogEvent[]>;
  /** Releases the newest seats until at most `limit` remain (a step lowered the seats). */
  releaseSeatsOver(
    tx: Prisma.TransactionClient,
    command: { organizationId: string; limit: number; at: Date },
  ): Promise<readonly CatalogEvent[]>;
  /** The organization's billing currency, fixed from now on. */
  billingCurrency(tx: Prisma.TransactionClient, organizationId: string, at: Date): Promise<string>;
  /** What the organization used in a period, as invoice lines' descriptions and quantities. */
  usage(
    tx: Prisma.TransactionClient,
    organizationId: string,
    period: { from: Date; to: Date },
  ): Promise<Array<{ description: string; quantity: bigint }>>;
}

function metadataOf(value: Prisma.JsonValue): Record<string, string> {
  const result: Record<string, string> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, entry] of Object.entries(value)) {
      if (typeof entry === 'string') result[key] = entry;
    }
  }
  return result;
}

function toSubscription(row: SubscriptionRow): Subscription {
  // plan_id references plans(id), whose ids the migrations keep to the catalog's plan codes.
  if (!isPlanId(row.planId)) throw new Error(`subscription ${row.id} names unknown plan ${row.planId}`);
  return {
    id: row.id,
    organizationId: row.organizationId,
    planId: row.planId,
    status: row.status,
    billingCycle: row.billingCycle,
    seatsLimit: row.seatsLimit,
    startDate: row.startDate,
    endDate: row.endDate,
    createdBy: row.createdBy,
    externalReference: row.externalReference,
    currency: row.currency,
    metadata: metadataOf(row.metadata),
    state: parseState(row.state, row.id),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toInvoice(row: InvoiceRow): InvoiceRecord {
  const lines: InvoiceLineRecord[] = [...row.lines]
    .sort((a, b) => a.position - b.position)
    .map((line) => ({
      position: line.position,
      kind: line.kind,
      description: line.description,
      planId: line.planId !== null && isPlanId(line.planId) ? line.planId : null,
      seats: line.seats,
      quantity: line.quantity,
      periodStart: line.periodStart,
      periodEnd: line.periodEnd,
      amountCents: line.amountCents,
    }));
  return {
    id: row.id,
    organizationId: row.organizationId,
    subscriptionId: row.subscriptionId,
    sequence: row.sequence,
    kind: row.kind,
    status: row.status,
    currency: row.currency,
    subtotalCents: row.subtotalCents,
    totalCents: row.totalCents,
    amountDueCents: row.amountDueCents,
    amountPaidCents: row.amountPaidCents,
    creditCarriedCents: row.creditCarriedCents,
    periodStart: row.periodStart,
    periodEnd: row.periodEnd,
    issuedAt: row.issuedAt,
    paidAt: row.paidAt,
    voidedAt: row.voidedAt,
    voidReason: row.voidReason,
    attemptCount: row.attemptCount,
    lines,
  };
}

/**
 * When the scheduler is owed this subscription's next timed event. None while a renewal's invoice
 * awaits its payment result: the result saves the subscription again, and with it the next time.
 */
export function nextActionAt(state: SubscriptionState): Date | null {
  if (state.status === 'active' && state.openInvoice !== null) return null;
  return nextDeadline(state)?.at ?? null;
}

/** The columns a state is copied into. */
function stateColumns(subscription: Subscription) {
  const { state } = subscription;
  return {
    planId: subscription.planId,
    status: subscription.status,
    billingCycle: subscription.billingCycle,
    seatsLimit: subscription.seatsLimit,
    endDate: subscription.endDate,
    state: serializeState(state, subscription.id),
    seatPriceMonthlyCents: state.plan.seatPriceMonthlyCents,
    currentPeriodStart: state.period.start,
    currentPeriodEnd: state.period.end,
    trialEndsAt: state.status === 'active' ? state.trialEndsAt : null,
    cancelAtPeriodEnd: (state.status === 'active' || state.status === 'past_due') && state.cancelAtPeriodEnd,
    canceledAt: state.status === 'canceled' ? state.canceledAt : null,
    nextActionAt: nextActionAt(state),
  };
}

const NEWEST_FIRST = [{ createdAt: 'desc' }, { startDate: 'desc' }, { id: 'desc' }] as const;

/** Subscriptions and invoices inside an open tenant transaction. */
export function subscriptionTransaction(
  tx: Prisma.TransactionClient,
  collaborators?: SubscriptionCollaborators,
): SubscriptionTransaction {
  function collaborator(): SubscriptionCollaborators {
    if (!collaborators) throw new Error('this subscription transaction was opened for reading only');
    return collaborators;
  }

  async function lockedRow(where: Prisma.Sql): Promise<SubscriptionRow | null> {
    const [locked] = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM organization_subscriptions WHERE ${where}
      ORDER BY created_at DESC, start_date DESC, id DESC LIMIT 1 FOR UPDATE`;
    return locked ? tx.organizationSubscription.findUnique({ where: { id: locked.id } }) : null;
  }

  /**
   * A renewal reports what the period that just ended used (metered lines that cost nothing: plans
   * price seats): from the start of the period the previous period invoice billed to this one's start.
   */
  async function usageLines(subscriptionId: string, invoice: InvoiceRecord): Promise<InvoiceLineRecord[]> {
    const to = invoice.periodStart;
    if (invoice.kind !== 'renewal' || to === null) return [];
    const previous = await tx.invoice.findFirst({
      where: {
        organizationId: invoice.organizationId,
        subscriptionId,
        kind: { in: ['first_period', 'renewal', 'reactivation'] },
        periodStart: { lt: to },
      },
      orderBy: { sequence: 'desc' },
      select: { periodStart: true },
    });
    const from = previous?.periodStart;
    if (!from) return [];
    const used = await collaborator().usage(tx, invoice.organizationId, { from, to });
    return used.map((line, index) => ({
      position: invoice.lines.length + index,
      kind: 'usage',
      description: line.description,
      planId: null,
      seats: null,
      quantity: line.quantity,
      periodStart: from,
      periodEnd: to,
      amountCents: 0n,
    }));
  }

  async function invoiceById(organizationId: string, id: string): Promise<InvoiceRecord | null> {
    const row = await tx.invoice.findFirst({ where: { organizationId, id }, include: { lines: true } });
    return row ? toInvoice(row) : null;
  }

  return {
    async current(organizationId) {
      const row = await tx.organizationSubscription.findFirst({
        where: { organizationId, status: { in: [...LIVE_STATUSES] } },
        orderBy: [...NEWEST_FIRST],
      });
      return row ? toSubscription(row) : null;
    },

    async lockLatest(organizationId) {
      const row = await lockedRow(Prisma.sql`organization_id = ${organizationId}::uuid`);
      return row ? toSubscription(row) : null;
    },

    async lock(organizationId, id) {
      const row = await lockedRow(Prisma.sql`organization_id = ${organizationId}::uuid AND id = ${id}::uuid`);
      return row ? toSubscription(row) : null;
    },

    async plan(id) {
      const [plan] = await planRepository(tx).byIds([id]);
      if (!plan) throw new Error(`plan ${id} is missing from the plans table`);
      return plan;
    },

    async pricedPlan(id, currency) {
      const plans = planRepository(tx);
      const [[plan], [prices]] = await Promise.all([plans.byIds([id]), plans.pricesOf([id])]);
      if (!plan) throw new Error(`plan ${id} is missing from the plans table`);
      return pricedIn(plan, prices ?? [], currency);
    },

    billingCurrency: (organizationId, at) => collaborator().billingCurrency(tx, organizationId, at),

    async add(subscription) {
      const row = await tx.organizationSubscription.create({
        data: {
          id: subscription.id,
          organizationId: subscription.organizationId,
          startDate: subscription.startDate,
          createdBy: subscription.createdBy,
          externalReference: subscription.externalReference,
          currency: subscription.currency,
          metadata: subscription.metadata,
          ...stateColumns(subscription),
        },
        select: { createdAt: true, updatedAt: true },
      });
      return { ...subscription, ...row };
    },

    async save(subscription) {
      // The external reference is the provider sync's to write (after its calls, outside this step).
      const row = await tx.organizationSubscription.update({
        where: { id: subscription.id },
        data: { currency: subscription.currency, ...stateColumns(subscription) },
        select: { createdAt: true, updatedAt: true, externalReference: true },
      });
      return { ...subscription, ...row };
    },

    async issueInvoice({ invoice, subscription, currency, at }) {
      const { organizationId } = subscription;
      const [counter] = await tx.$queryRaw<Array<{ last_sequence: number }>>`
        INSERT INTO invoice_counters (organization_id, last_sequence) VALUES (${organizationId}::uuid, 1)
        ON CONFLICT (organization_id) DO UPDATE SET last_sequence = invoice_counters.last_sequence + 1
        RETURNING last_sequence`;
      if (!counter) throw new Error('invoice_counters returned no number');
      const periodLine = invoice.lines.find((line) => line.period !== null);
      const subtotalCents = invoice.lines
        .filter((line) => line.kind !== 'credit_balance_applied')
        .reduce((total, line) => total + line.amountCents, 0n);
      const record: InvoiceRecord = {
        id: invoice.id,
        organizationId,
        subscriptionId: subscription.id,
        sequence: counter.last_sequence,
        kind: invoice.kind,
        // Nothing due: settled when issued (a trial's end on a full credit balance, a cheaper proration).
        status: invoice.amountDueCents > 0n ? 'open' : 'paid',
        currency,
        subtotalCents,
        totalCents: invoice.totalCents,
        amountDueCents: invoice.amountDueCents,
        amountPaidCents: 0n,
        creditCarriedCents: invoice.creditCarriedCents,
        periodStart: periodLine?.period?.start ?? null,
        periodEnd: periodLine?.period?.end ?? null,
        issuedAt: at,
        paidAt: invoice.amountDueCents > 0n ? null : at,
        voidedAt: null,
        voidReason: null,
        attemptCount: 0,
        lines: invoice.lines.map((line, position) => ({
          position,
          kind: line.kind,
          description: line.description,
          planId: line.planId,
          seats: line.seats,
          quantity: null,
          periodStart: line.period?.start ?? null,
          periodEnd: line.period?.end ?? null,
          amountCents: line.amountCents,
        })),
      };
      record.lines.push(...(await usageLines(subscription.id, record)));
      const document = renderInvoiceDocument(record, await collaborator().billTo(tx, organizationId));
      const { lines, ...columns } = record;
      await tx.invoice.create({ data: { ...columns, document } });
      await tx.invoiceLine.createMany({
        data: lines.map((line) => ({ id: randomUUID(), organizationId, invoiceId: record.id, ...line })),
      });
      return record;
    },

    async lockInvoice(organizationId, id) {
      const locked = await tx.$queryRaw<Array<{ id: string }>>`
        SELECT id FROM invoices WHERE organization_id = ${organizationId}::uuid AND id = ${id}::uuid FOR UPDATE`;
      return locked.length > 0 ? invoiceById(organizationId, id) : null;
    },

    async setInvoiceStatus(invoice, { status, at, reason }) {
      const paid = status === 'paid';
      const voided = status === 'void' || status === 'uncollectible';
      await tx.invoice.update({
        where: { id: invoice.id },
        data: {
          status,
          ...(paid ? { paidAt: at, amountPaidCents: invoice.amountDueCents } : {}),
          ...(voided ? { voidedAt: at, voidReason: reason } : {}),
        },
      });
      return {
        ...invoice,
        status,
        ...(paid ? { paidAt: at, amountPaidCents: invoice.amountDueCents } : {}),
        ...(voided ? { voidedAt: at, voidReason: reason } : {}),
      };
    },

    async recordChargeAttempt(invoice, attempt) {
      await tx.invoice.update({ where: { id: invoice.id }, data: { attemptCount: attempt } });
    },

    requestPayment: (request) => collaborator().requestPayment(tx, request),
    paymentInFlight: (invoiceId) => collaborator().paymentInFlight(tx, invoiceId),
    publishEntitlements: (change) => collaborator().publishEntitlements(tx, change),
    assignedSeatCount: (organizationId) => collaborator().assignedSeatCount(tx, organizationId),
    assignInitialSeat: (command) => collaborator().assignInitialSeat(tx, command),
    releaseSeats: (organizationId, at) => collaborator().releaseSeats(tx, organizationId, at),
    releaseSeatsOver: (command) => collaborator().releaseSeatsOver(tx, command),

    async append(events) {
      if (events.length > 0) await appendToOutbox(tx, events);
    },
  };
}

/**
 * Subscriptions and invoices over Prisma. Every call runs in the organization's tenant transaction
 * (row-level security backs up the explicit organization filter).
 */
export function subscriptionRepository(
  db: TenantDatabase<Prisma.TransactionClient>,
  collaborators: SubscriptionCollaborators,
): SubscriptionRepository {
  return {
    async latestOf(organizationIds) {
      const found = new Map<string, Subscription>();
      for (const organizationId of organizationIds) {
        const row = await db.read(organizationId, (tx) =>
          tx.organizationSubscription.findFirst({ where: { organizationId }, orderBy: [...NEWEST_FIRST] }),
        );
        if (row) found.set(organizationId, toSubscription(row));
      }
      return found;
    },

    invoices: (organizationId, { first, beforeSequence }) =>
      db.read(organizationId, async (tx) => {
        const rows = await tx.invoice.findMany({
          where: { organizationId, ...(beforeSequence === null ? {} : { sequence: { lt: beforeSequence } }) },
          orderBy: { sequence: 'desc' },
          take: first,
          include: { lines: true },
        });
        return rows.map(toInvoice);
      }),

    invoice: (organizationId, id) =>
      db.read(organizationId, async (tx) => {
        const row = await tx.invoice.findFirst({ where: { organizationId, id }, include: { lines: true } });
        return row ? toInvoice(row) : null;
      }),

    inTransaction: (organizationId, work) =>
      db.transaction(organizationId, (tx) => work(subscriptionTransaction(tx, collaborators))),
  };
}

/** Invoices' stored documents (HTML) by id, in the order asked; null for an id with no invoice. */
export async function invoiceDocuments(
  db: TenantDatabase<Prisma.TransactionClient>,
  organizationId: string,
  invoiceIds: readonly string[],
): Promise<Array<string | null>> {
  const rows = await db.read(organizationId, (tx) =>
    tx.invoice.findMany({
      where: { organizationId, id: { in: [...invoiceIds] } },
      select: { id: true, document: true },
    }),
  );
  const byId = new Map(rows.map((row) => [row.id, row.document]));
  return invoiceIds.map((id) => byId.get(id) ?? null);
}
