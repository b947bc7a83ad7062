/**
 * Payment attempts in PostgreSQL. `requestPayment` and `paymentAttemptsOf` are what billing's invoice
 * code calls inside its own tenant transaction; the rest is what the dispatcher and the webhook route
 * do, each in the attempt's tenant transaction with the attempt's row locked.
 */
import { randomUUID } from 'node:crypto';
import { uuidsOnly } from '@platform/domain';
import type { Prisma } from '../../../generated/prisma/client';
import {
  applyProviderPayment,
  checkedPaymentRequest,
  failBeforeProvider,
  isFinal,
  type AttemptStep,
  type FinalPaymentStatus,
  type PaymentAttempt,
  type PaymentAttemptStatus,
  type PaymentRequest,
  type PaymentSettledHook,
} from '../domain/payment-attempt';
import type { ProviderPayment } from '../domain/payment-provider';

type Transaction = Prisma.TransactionClient;
type AttemptRow = Prisma.PaymentAttemptGetPayload<object>;

/** PostgreSQL channel the dispatcher listens on; `requestPayment` notifies it (delivered at commit). */
export const PAYMENT_REQUESTED_CHANNEL = 'billing_payment_requested';

export type SettledHook = PaymentSettledHook<Transaction>;

function toAttempt(row: AttemptRow): PaymentAttempt {
  return {
    id: row.id,
    organizationId: row.organizationId,
    invoiceId: row.invoiceId,
    attempt: row.attempt,
    amountCents: row.amountCents,
    currency: row.currency,
    status: row.status,
    provider: row.provider,
    providerPaymentId: row.providerPaymentId,
    failureCode: row.failureCode,
    failureMessage: row.failureMessage,
    nextActionUrl: row.nextActionUrl,
    requestedAt: row.requestedAt,
    settledAt: row.settledAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * Asks for one attempt at collecting an invoice, inside the caller's tenant transaction: it only
 * writes the `requested` row (nothing leaves billing before the transaction commits). The dispatcher
 * sends it to the provider after commit. Idempotent on (invoiceId, attempt): asking again changes
 * nothing; asking again with another amount or currency is a programming error and throws.
 */
export async function requestPayment(
  tx: Transaction,
  request: PaymentRequest & {
    /** Billing's clock at the request (default: the database's now). */
    requestedAt?: Date;
  },
): Promise<void> {
  const checked = checkedPaymentRequest(request);
  const { count } = await tx.paymentAttempt.createMany({
    data: [
      {
        id: randomUUID(),
        organizationId: checked.organizationId,
        invoiceId: checked.invoiceId,
        attempt: checked.attempt,
        amountCents: checked.amountCents,
        currency: checked.currency,
        ...(request.requestedAt ? { requestedAt: request.requestedAt } : {}),
      },
    ],
    skipDuplicates: true,
  });
  if (count === 0) {
    const existing = await tx.paymentAttempt.findUnique({
      where: { invoiceId_attempt: { invoiceId: checked.invoiceId, attempt: checked.attempt } },
    });
    if (
      !existing ||
      existing.organizationId !== checked.organizationId ||
      existing.amountCents !== checked.amountCents ||
      existing.currency !== checked.currency
    ) {
      throw new Error(
        `payment attempt ${checked.attempt} of invoice ${checked.invoiceId} was requested before with other terms`,
      );
    }
    return;
  }
  // Delivered to the dispatcher's LISTEN only if and when this transaction commits.
  await tx.$executeRaw`select pg_notify(${PAYMENT_REQUESTED_CHANNEL}, '')`;
}

/**
 * The status of the invoice's newest attempt without a final outcome (`requested`, `processing` or
 * `requires_action`), or null when every attempt is settled. One indexed statement.
 */
export async function paymentInFlight(
  tx: Transaction,
  invoiceId: string,
): Promise<Exclude<PaymentAttemptStatus, FinalPaymentStatus> | null> {
  const row = await tx.paymentAttempt.findFirst({
    where: { invoiceId, status: { notIn: ['succeeded', 'failed'] } },
    orderBy: { attempt: 'desc' },
    select: { status: true },
  });
  if (!row || isFinal(row.status)) return null;
  return row.status;
}

/**
 * The payment attempts of these invoices (of the transaction's organization), one list per invoice id
 * in the order given, each oldest attempt first. One statement for all of them.
 */
export async function paymentAttemptsOf(
  tx: Transaction,
  invoiceIds: readonly string[],
): Promise<PaymentAttempt[][]> {
  const ids = uuidsOnly(invoiceIds);
  const rows =
    ids.length === 0
      ? []
      : await tx.paymentAttempt.findMany({
          where: { invoiceId: { in: ids } },
          orderBy: [{ invoiceId: 'asc' }, { attempt: 'asc' }],
        });
  const byInvoice = new Map<string, PaymentAttempt[]>();
  for (const row of rows) {
    const list = byInvoice.get(row.invoiceId) ?? [];
    list.push(toAttempt(row));
    byInvoice.set(row.invoiceId, list);
  }
  return invoiceIds.map((id) => byInvoice.get(id) ?? []);
}

/** The attempt, its row locked until the transaction ends (webhooks and the dispatcher take turns). */
export async function lockedAttempt(
  tx: Transaction,
  key: { invoiceId: string; attempt: number },
): Promise<PaymentAttempt | null> {
  const locked = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT "id" FROM "payment_attempts"
    WHERE "invoice_id" = ${key.invoiceId}::uuid AND "attempt" = ${key.attempt}
    FOR UPDATE`;
  const id = locked[0]?.id;
  if (id === undefined) return null;
  const row = await tx.paymentAttempt.findUnique({ where: { id } });
  return row ? toAttempt(row) : null;
}

/**
 * Writes what a step decided and, when it settled the attempt, tells the hook in the same transaction
 * (so the invoice's change commits with the final status, or neither does). True when it settled.
 */
export async function applyStep(
  tx: Transaction,
  attempt: PaymentAttempt,
  step: AttemptStep,
  onSettled: SettledHook | undefined,
): Promise<boolean> {
  if (!step.change) return false;
  await tx.paymentAttempt.update({ where: { id: attempt.id }, data: step.change });
  if (!step.settled) return false;
  await onSettled?.(tx, step.settled);
  return true;
}

/** What recording the provider's view of a payment did. */
export type RecordOutcome =
  { kind: 'applied'; settled: boolean } | { kind: 'unchanged' } | { kind: 'ignored'; reason: string };

/** Applies the provider's current view of the attempt's payment (the dispatcher's answer, a webhook's re-fetch). */
export async function recordProviderPayment(
  tx: Transaction,
  key: { invoiceId: string; attempt: number },
  provider: string,
  payment: ProviderPayment,
  now: Date,
  onSettled: SettledHook | undefined,
): Promise<RecordOutcome> {
  const attempt = await lockedAttempt(tx, key);
  if (!attempt) return { kind: 'ignored', reason: `no attempt ${key.attempt} of invoice ${key.invoiceId}` };
  const step = applyProviderPayment(attempt, provider, payment, now);
  if (step.ignored) return { kind: 'ignored', reason: step.ignored };
  if (!step.change) return { kind: 'unchanged' };
  return { kind: 'applied', settled: await applyStep(tx, attempt, step, onSettled) };
}

/**
 * Fails a requested attempt that never reached the provider (no payment method, or a charge the
 * provider refused for good). True when it settled it (and told the hook).
 */
export async function failRequestedAttempt(
  tx: Transaction,
  attempt: PaymentAttempt,
  failure: { code: string; message: string; provider: string | null },
  now: Date,
  onSettled: SettledHook | undefined,
): Promise<boolean> {
  return applyStep(tx, attempt, failBeforeProvider(attempt, failure, now), onSettled);
}

/**
 * Claims a requested attempt that is due, so that one dispatcher (of however many replicas) sends it:
 * its next try moves to `leaseUntil`, past which another may claim it if this one never reported back.
 */
export async function claimDueAttempt(
  tx: Transaction,
  id: string,
  now: Date,
  leaseUntil: Date,
): Promise<{ attempt: PaymentAttempt; tries: number } | null> {
  const { count } = await tx.paymentAttempt.updateMany({
    where: { id, status: 'requested', nextDispatchAt: { lte: now } },
    data: { nextDispatchAt: leaseUntil, dispatchCount: { increment: 1 } },
  });
  if (count === 0) return null;
  const row = await tx.paymentAttempt.findUnique({ where: { id } });
  return row ? { attempt: toAttempt(row), tries: row.dispatchCount } : null;
}

/** The provider could not be reached: the attempt stays requested and is tried again at `retryAt`. */
export async function postponeAttempt(
  tx: Transaction,
  id: string,
  retryAt: Date,
  reason: string,
): Promise<void> {
  await tx.paymentAttempt.updateMany({
    where: { id, status: 'requested' },
    data: { nextDispatchAt: retryAt, lastDispatchError: reason.slice(0, 1000) },
  });
}
