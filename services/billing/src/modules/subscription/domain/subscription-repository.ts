import type { CatalogEvent } from '@platform/events/catalog';
import type { Entitlements, Plan, PlanId } from '../../plan/domain/plan';
import type { InvoiceRecord, InvoiceStatus } from './invoice';
import type { Cents, Invoice } from './proration';
import type { Subscription, SubscriptionStatus } from './subscription';

/** What the subscription operations need of storage (infra/subscription-repository.ts implements it). */
export interface SubscriptionRepository {
  /** The newest subscription of each organization (any status), in the order asked. */
  latestOf(organizationIds: readonly string[]): Promise<Map<string, Subscription>>;
  /** Invoices of an organization, newest first; `before` is the sequence to continue below. */
  invoices(
    organizationId: string,
    page: { first: number; beforeSequence: number | null },
  ): Promise<InvoiceRecord[]>;
  invoice(organizationId: string, id: string): Promise<InvoiceRecord | null>;
  /** Runs `work` in one tenant transaction of the organization (a mutation's, audited as the caller's). */
  inTransaction<T>(organizationId: string, work: (store: SubscriptionTransaction) => Promise<T>): Promise<T>;
}

/** What a subscription's entitlements publication needs. */
export interface EntitlementsChange {
  organizationId: string;
  subscriptionId: string;
  planId: PlanId;
  status: SubscriptionStatus;
  entitlements: Entitlements & { seats: number | null };
  at: Date;
}

/** A charge to ask the payment provider for, after the transaction commits. */
/** Where a charge without a final outcome stands: not sent yet, at the provider, or with the customer. */
export type ChargeInFlight = 'requested' | 'processing' | 'requires_action';

export interface PaymentRequest {
  organizationId: string;
  invoiceId: string;
  attempt: number;
  amountCents: Cents;
  currency: string;
}

/**
 * The same storage inside a transaction that is already open (a mutation's, the scheduler's, the
 * provisioning consumer's, a payment webhook's), so the lifecycle change, its invoices, its payment
 * requests and its outbox rows commit together.
 */
export interface SubscriptionTransaction {
  /** The newest subscription that is not over (null if none). */
  current(organizationId: string): Promise<Subscription | null>;
  /** The newest subscription of any status, locked for this transaction. */
  lockLatest(organizationId: string): Promise<Subscription | null>;
  /** One subscription, locked for this transaction. */
  lock(organizationId: string, id: string): Promise<Subscription | null>;
  plan(id: PlanId): Promise<Plan>;
  /** The plan priced in `currency` (its list price there; custom pricing stays custom). */
  pricedPlan(id: PlanId, currency: string): Promise<Plan>;
  /** The currency the organization is billed in, fixed from now on (its billing info's, USD by default). */
  billingCurrency(organizationId: string, at: Date): Promise<string>;
  /** Stores a new subscription; answers it as stored (`createdAt`, `updatedAt` are the database's). */
  add(subscription: Subscription): Promise<Subscription>;
  /**
   * Writes the state and the columns that copy it (and when the scheduler is owed its next event);
   * answers the subscription as stored (its `updatedAt` and external reference are the database's).
   */
  save(subscription: Subscription): Promise<Subscription>;
  /** Numbers, renders and stores an invoice; open when something is due, paid at once otherwise. */
  issueInvoice(input: {
    invoice: Invoice;
    subscription: Subscription;
    currency: string;
    at: Date;
  }): Promise<InvoiceRecord>;
  /** The invoice, locked for this transaction. */
  lockInvoice(organizationId: string, id: string): Promise<InvoiceRecord | null>;
  setInvoiceStatus(
    invoice: InvoiceRecord,
    change: { status: InvoiceStatus; at: Date; reason: string | null },
  ): Promise<InvoiceRecord>;
  recordChargeAttempt(invoice: InvoiceRecord, attempt: number): Promise<void>;
  requestPayment(request: PaymentRequest): Promise<void>;
  /**
   * The status of the invoice's newest payment attempt that has no final outcome yet (requested, at
   * the provider, or waiting for the customer's authentication), or null when every attempt is settled.
   */
  paymentInFlight(invoiceId: string): Promise<ChargeInFlight | null>;
  publishEntitlements(change: EntitlementsChange): Promise<void>;
  /** Seats the organization's users hold now (the seat lock is held until the transaction ends). */
  assignedSeatCount(organizationId: string): Promise<number>;
  /** Gives the user who started a paid subscription a seat of it; the events it implies. */
  assignInitialSeat(command: {
    organizationId: string;
    subscriptionId: string;
    userId: string;
    at: Date;
  }): Promise<readonly CatalogEvent[]>;
  /** Releases every seat of the organization (its subscription is over); the events it implies. */
  releaseSeats(organizationId: string, at: Date): Promise<readonly CatalogEvent[]>;
  /**
   * Releases the newest seats until at most `limit` remain (a renewal lowered the seats below those
   * held, which the seat rules keep from happening); the events it implies.
   */
  releaseSeatsOver(command: {
    organizationId: string;
    limit: number;
    at: Date;
  }): Promise<readonly CatalogEvent[]>;
  append(events: readonly CatalogEvent[]): Promise<void>;
}
