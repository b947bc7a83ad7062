/**
 * An organization's payment method: the card the provider keeps on file for it, as billing shows it.
 * Billing never sees a card number: the client tokenizes the card with the provider, billing passes the
 * token on and keeps the provider's ids, the brand, the last four digits and the expiry.
 */
import { InputIssues } from '@platform/domain';

export interface PaymentMethod {
  /** The provider that keeps the card (`local`, …). */
  provider: string;
  /** visa, mastercard, amex, … as the provider reports it. */
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

/** The organization's customer at the provider, and its default card once one is attached. */
export interface PaymentCustomer {
  organizationId: string;
  provider: string;
  customerId: string;
  paymentMethodId: string | null;
  card: Omit<PaymentMethod, 'provider'> | null;
}

/** The card on file, or null without one. */
export function paymentMethodOf(customer: PaymentCustomer | null): PaymentMethod | null {
  if (!customer?.card || customer.paymentMethodId === null) return null;
  return { provider: customer.provider, ...customer.card };
}

/** Provider tokens are short identifiers (pm_card_visa, tok_…, pm_1Nx…). */
const TOKEN = /^[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 255;

/** The token as given, or BAD_USER_INPUT on `token`, before any call to the provider. */
export function checkedToken(token: string): string {
  const issues = new InputIssues();
  const trimmed = token.trim();
  if (trimmed === '') issues.add('token', 'must not be empty', 'required');
  else if (trimmed.length > MAX_TOKEN_LENGTH) {
    issues.add('token', `must be at most ${MAX_TOKEN_LENGTH} characters`, 'too_long');
  } else if (!TOKEN.test(trimmed)) {
    issues.add('token', 'must be a payment-method token from the payment provider', 'invalid_format');
  }
  issues.throwIfAny();
  return trimmed;
}

/**
 * The provider's idempotency key for an organization's customer: creating it twice makes one. A
 * customer made to replace one the provider forgot has a key of its own (the first key would answer
 * the forgotten customer again while the provider keeps its keys).
 */
export function customerIdempotencyKey(organizationId: string, replacing: string | null = null): string {
  return replacing === null
    ? `customer:${organizationId}`
    : `customer:${organizationId}:replacing:${replacing}`;
}
