/**
 * The payment-provider boundary, shaped like the major providers' APIs (customers, payment methods,
 * subscriptions, payments, signed webhooks). Billing owns subscriptions and invoices; the provider
 * only holds the customer, the card, a subscription reference and the payments billing asks for.
 * Outcomes are asynchronous: a payment starts `processing` and its result arrives as a signed webhook.
 * No Prisma or GraphQL here.
 */

/** What the provider says about a payment. Only `succeeded` and `failed` are final. */
export const PAYMENT_STATUSES = ['processing', 'requires_action', 'succeeded', 'failed'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export interface ProviderCustomer {
  customerId: string;
}

export interface ProviderPaymentMethod {
  paymentMethodId: string;
  /** visa, mastercard, …, as the provider reports it. */
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export interface ProviderPayment {
  paymentId: string;
  status: PaymentStatus;
  amountCents: bigint;
  /** ISO 4217, lower case as the providers write it (usd). */
  currency: string;
  /** What billing attached: organizationId, invoiceId, attempt. */
  metadata: Readonly<Record<string, string>>;
  /** Why a failed payment failed (card_declined, insufficient_funds, …); null otherwise. */
  failureCode: string | null;
  failureMessage: string | null;
  /** Where the customer completes a payment that requires action (3-D Secure); null otherwise. */
  nextActionUrl: string | null;
}

/** A webhook event whose signature was verified. */
export interface ProviderWebhookEvent {
  /** The provider's event id: deliveries of one event share it (billing dedupes on it). */
  eventId: string;
  /** payment.succeeded, payment.failed, payment.requires_action, … */
  type: string;
  /** When the provider created the event (not when it was delivered). */
  createdAt: Date;
  /** The payment the event is about, when it is about one. */
  paymentId: string | null;
}

export interface PaymentProvider {
  /** A stable name (`local`, …), stored with every provider id billing keeps. */
  readonly name: string;
  createCustomer(input: {
    organizationId: string;
    email: string | null;
    name: string | null;
    idempotencyKey: string;
  }): Promise<ProviderCustomer>;
  /**
   * Attaches a tokenized card (the client tokenizes; billing never sees card numbers) and makes it the
   * default. Throws `PaymentMethodRejectedError` when the provider refuses the token, and
   * `ProviderCustomerMissingError` when it does not know the customer.
   */
  attachPaymentMethod(input: { customerId: string; token: string }): Promise<ProviderPaymentMethod>;
  /**
   * Registers the provider-side subscription billing references (`externalReference`) for the
   * customer; the same idempotency key returns the same one. Billing issues and charges the invoices
   * itself (`createPayment`), so the provider's subscription bills nothing on its own. Throws
   * `ProviderCustomerMissingError` when the provider does not know the customer.
   */
  createSubscription(input: {
    customerId: string;
    metadata: Readonly<Record<string, string>>;
    idempotencyKey: string;
  }): Promise<{ subscriptionId: string }>;
  /**
   * Cancels the provider-side subscription (again: a no-op). Throws `ProviderSubscriptionMissingError`
   * when the provider does not know it.
   */
  cancelSubscription(subscriptionId: string): Promise<void>;
  /**
   * Charges the customer's default payment method. Returns at once (`processing`); the outcome arrives
   * as a webhook. The same idempotency key returns the same payment, never a second charge. Throws
   * `ProviderCustomerMissingError` when the provider does not know the customer.
   * Every method throws `PaymentProviderError` when the provider cannot be reached or refuses the call.
   */
  createPayment(input: {
    customerId: string;
    amountCents: bigint;
    currency: string;
    metadata: Readonly<Record<string, string>>;
    idempotencyKey: string;
  }): Promise<ProviderPayment>;
  /** The payment as the provider has it now (webhooks may arrive late, twice or out of order). */
  retrievePayment(paymentId: string): Promise<ProviderPayment>;
  /**
   * Verifies a webhook delivery's signature over the raw body and parses it. Throws
   * `WebhookSignatureError` for a bad or stale signature and `WebhookPayloadError` for a body that is
   * not an event.
   */
  verifyWebhook(rawBody: Buffer, headers: Readonly<Record<string, string | undefined>>): ProviderWebhookEvent;
}

/** Why a webhook's signature was refused: none given, none that matches, or signed too long ago. */
export type WebhookSignatureProblem = 'missing' | 'mismatch' | 'stale';

export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';

  constructor(
    message: string,
    readonly problem: WebhookSignatureProblem = 'mismatch',
  ) {
    super(message);
  }
}

export class WebhookPayloadError extends Error {
  override readonly name = 'WebhookPayloadError';
}

/**
 * A call the provider refused or could not answer. `retryable`: the same call may succeed later (the
 * provider was unreachable, timed out, or failed on its side); otherwise it was refused for good and
 * `code` says why, in the provider's words (`resource_missing`, `amount_too_large`, …).
 */
export class PaymentProviderError extends Error {
  override readonly name: string = 'PaymentProviderError';

  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** The provider refused a payment-method token (unknown, expired, or a card it will not keep). */
export class PaymentMethodRejectedError extends PaymentProviderError {
  override readonly name: string = 'PaymentMethodRejectedError';

  constructor(message: string, code: string) {
    super(message, code, false);
  }
}

/**
 * The provider no longer knows the customer billing names (deleted at the provider, or a local provider
 * that restarted and forgot it): the organization has to attach its card to a new customer.
 */
export class ProviderCustomerMissingError extends PaymentProviderError {
  override readonly name: string = 'ProviderCustomerMissingError';

  constructor(message: string) {
    super(message, 'customer_missing', false);
  }
}

/**
 * The provider does not know the subscription billing names (canceled and purged at the provider, or a
 * local provider that restarted): as far as the provider goes, it is gone.
 */
export class ProviderSubscriptionMissingError extends PaymentProviderError {
  override readonly name: string = 'ProviderSubscriptionMissingError';

  constructor(message: string) {
    super(message, 'subscription_missing', false);
  }
}
