/**
 * Payment attempts: one try at collecting an invoice. Written `requested` in the invoice's transaction,
 * sent to the provider by the dispatcher after commit, and brought to a final status by what the
 * provider says about its payment. Pure rules: no clock, no I/O, no Prisma or GraphQL.
 */
import { enumObject, isUuid } from '@platform/domain';
import type { PaymentStatus, ProviderPayment } from './payment-provider';

/** `requested` (not yet sent), then the provider's statuses; only `succeeded` and `failed` are final. */
export const PAYMENT_ATTEMPT_STATUSES = [
  'requested',
  'processing',
  'requires_action',
  'succeeded',
  'failed',
] as const;
export const PaymentAttemptStatus = enumObject(PAYMENT_ATTEMPT_STATUSES);
export type PaymentAttemptStatus = (typeof PAYMENT_ATTEMPT_STATUSES)[number];

export type FinalPaymentStatus = Extract<PaymentAttemptStatus, 'succeeded' | 'failed'>;

export function isFinal(status: PaymentAttemptStatus): status is FinalPaymentStatus {
  return status === 'succeeded' || status === 'failed';
}

/** The failure code of an attempt for an organization that has no payment method on file. */
export const NO_PAYMENT_METHOD = 'no_payment_method';

export interface PaymentAttempt {
  id: string;
  organizationId: string;
  invoiceId: string;
  /** 1 for an invoice's first try, then 2, 3, … */
  attempt: number;
  amountCents: bigint;
  /** ISO 4217, lower case. */
  currency: string;
  status: PaymentAttemptStatus;
  /** The provider it was sent to; null while requested. */
  provider: string | null;
  providerPaymentId: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  nextActionUrl: string | null;
  requestedAt: Date;
  /** When it reached a final status. */
  settledAt: Date | null;
  updatedAt: Date;
}

/** What changes when an attempt moves on (written back by the repository). */
export type AttemptChange = Pick<
  PaymentAttempt,
  | 'status'
  | 'provider'
  | 'providerPaymentId'
  | 'failureCode'
  | 'failureMessage'
  | 'nextActionUrl'
  | 'settledAt'
>;

/** An attempt reached its final status: what billing's invoices learn, once per attempt. */
export interface PaymentSettled {
  organizationId: string;
  invoiceId: string;
  attempt: number;
  status: FinalPaymentStatus;
  failureCode: string | null;
  settledAt: Date;
}

/**
 * Called exactly once per attempt, inside the tenant transaction that records its final status, so
 * what the caller changes (the invoice, the subscription's lifecycle) commits with it or not at all.
 */
export type PaymentSettledHook<Tx> = (tx: Tx, settled: PaymentSettled) => Promise<void>;

/** What a step decided: the change to write (null: nothing changes) and the settlement it implies. */
export interface AttemptStep {
  change: AttemptChange | null;
  settled: PaymentSettled | null;
  /** Why nothing changed, when the provider's answer did not fit the attempt (logged, never applied). */
  ignored: string | null;
}

const UNCHANGED: AttemptStep = { change: null, settled: null, ignored: null };

function step(attempt: PaymentAttempt, change: AttemptChange): AttemptStep {
  const same =
    change.status === attempt.status &&
    change.provider === attempt.provider &&
    change.providerPaymentId === attempt.providerPaymentId &&
    change.failureCode === attempt.failureCode &&
    change.failureMessage === attempt.failureMessage &&
    change.nextActionUrl === attempt.nextActionUrl;
  if (same) return UNCHANGED;
  const settled =
    isFinal(change.status) && change.settledAt
      ? {
          organizationId: attempt.organizationId,
          invoiceId: attempt.invoiceId,
          attempt: attempt.attempt,
          status: change.status,
          failureCode: change.failureCode,
          settledAt: change.settledAt,
        }
      : null;
  return { change, settled, ignored: null };
}

/**
 * The attempt after what the provider says about its payment NOW (billing re-fetches the payment for
 * every webhook, so deliveries that come late, twice or out of order all converge to the provider's
 * truth). A final status is never left: the provider's statuses only move on to a final one, so a
 * different answer afterwards is stale. A payment that is not the attempt's own is ignored.
 */
export function applyProviderPayment(
  attempt: PaymentAttempt,
  provider: string,
  payment: ProviderPayment,
  now: Date,
): AttemptStep {
  if (attempt.providerPaymentId !== null && attempt.providerPaymentId !== payment.paymentId) {
    return {
      ...UNCHANGED,
      ignored: `payment ${payment.paymentId} is not the attempt's payment ${attempt.providerPaymentId}`,
    };
  }
  if (payment.amountCents !== attempt.amountCents || payment.currency !== attempt.currency) {
    return { ...UNCHANGED, ignored: `payment ${payment.paymentId} is for another amount` };
  }
  if (isFinal(attempt.status)) {
    return payment.status === attempt.status
      ? UNCHANGED
      : {
          ...UNCHANGED,
          ignored: `the attempt is ${attempt.status} already; the provider says ${payment.status}`,
        };
  }
  const status: PaymentStatus = payment.status;
  return step(attempt, {
    status,
    provider,
    providerPaymentId: payment.paymentId,
    failureCode: status === 'failed' ? (payment.failureCode ?? 'payment_failed') : null,
    failureMessage: status === 'failed' ? payment.failureMessage : null,
    nextActionUrl: status === 'requires_action' ? payment.nextActionUrl : null,
    settledAt: isFinal(status) ? now : null,
  });
}

/**
 * The attempt fails without reaching the provider: the organization has no payment method, or the
 * provider refused the charge for good (its code and message are kept). Only a requested attempt can.
 */
export function failBeforeProvider(
  attempt: PaymentAttempt,
  failure: { code: string; message: string; provider: string | null },
  now: Date,
): AttemptStep {
  if (attempt.status !== 'requested') {
    return { ...UNCHANGED, ignored: `the attempt is ${attempt.status}, no longer requested` };
  }
  return step(attempt, {
    status: 'failed',
    provider: failure.provider,
    providerPaymentId: null,
    failureCode: failure.code,
    failureMessage: failure.message,
    nextActionUrl: null,
    settledAt: now,
  });
}

/** What the invoice code asks for: one attempt at collecting an amount. */
export interface PaymentRequest {
  organizationId: string;
  invoiceId: string;
  /** 1, 2, 3, …: the invoice's attempt number (unique per invoice). */
  attempt: number;
  amountCents: bigint;
  /** ISO 4217, any case (stored lower case, as the providers write it). */
  currency: string;
}

const CURRENCY = /^[a-z]{3}$/;

/**
 * The request as stored, or why it cannot be: these come from billing's own invoice code, not from a
 * user, so a bad one is a programming error (a plain Error naming every problem).
 */
export function checkedPaymentRequest(request: PaymentRequest): PaymentRequest {
  const problems: string[] = [];
  const currency = request.currency.toLowerCase();
  if (!isUuid(request.organizationId)) problems.push('organizationId must be a UUID');
  if (!isUuid(request.invoiceId)) problems.push('invoiceId must be a UUID');
  if (!Number.isSafeInteger(request.attempt) || request.attempt < 1) {
    problems.push('attempt must be a whole number from 1');
  }
  if (request.amountCents <= 0n) problems.push('amountCents must be positive');
  if (!CURRENCY.test(currency)) problems.push('currency must be an ISO 4217 code (usd)');
  if (problems.length > 0) {
    throw new RangeError(`payment request for invoice ${request.invoiceId}: ${problems.join('; ')}`);
  }
  return { ...request, currency };
}

/** The idempotency key of an attempt at the provider: resending it never charges twice. */
export function idempotencyKeyOf(attempt: Pick<PaymentAttempt, 'invoiceId' | 'attempt'>): string {
  return `${attempt.invoiceId}:${attempt.attempt}`;
}

/** What billing attaches to a payment, so that a webhook leads back to its attempt. */
export function paymentMetadataOf(
  attempt: Pick<PaymentAttempt, 'organizationId' | 'invoiceId' | 'attempt'>,
): Record<string, string> {
  return {
    organizationId: attempt.organizationId,
    invoiceId: attempt.invoiceId,
    attempt: String(attempt.attempt),
  };
}

/** The attempt a payment belongs to, from its metadata; null for a payment billing did not ask for. */
export function attemptKeyOf(
  payment: Pick<ProviderPayment, 'metadata'>,
): { organizationId: string; invoiceId: string; attempt: number } | null {
  const { organizationId, invoiceId, attempt } = payment.metadata;
  const number = Number(attempt);
  if (!organizationId || !isUuid(organizationId) || !invoiceId || !isUuid(invoiceId)) return null;
  if (!Number.isSafeInteger(number) || number < 1) return null;
  return { organizationId, invoiceId, attempt: number };
}

/**
 * How long the dispatcher waits before sending an attempt again after the provider could not be
 * reached: doubling from `baseMs` per failed try, at most `maxMs`.
 */
export function dispatchRetryDelayMs(failedTries: number, baseMs: number, maxMs: number): number {
  const exponent = Math.min(Math.max(failedTries - 1, 0), 30);
  return Math.min(baseMs * 2 ** exponent, maxMs);
}
