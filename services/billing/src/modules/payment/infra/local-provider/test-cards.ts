/**
 * The local payment provider's test payment-method tokens, named as the major providers name theirs.
 * A client "tokenizes" a card by picking one; what a charge on it does is decided here.
 */

/** What charging a card does: succeed, decline with a code, or require the customer to authenticate. */
export type CardOutcome =
  { kind: 'succeed' } | { kind: 'decline'; code: string; message: string } | { kind: 'authenticate' };

export interface TestCard {
  brand: string;
  last4: string;
  outcome: CardOutcome;
}

const SUCCEED: CardOutcome = { kind: 'succeed' };

export const TEST_CARDS: Readonly<Record<string, TestCard>> = {
  pm_card_visa: { brand: 'visa', last4: '4242', outcome: SUCCEED },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', outcome: SUCCEED },
  pm_card_amex: { brand: 'amex', last4: '8431', outcome: SUCCEED },
  pm_card_chargeDeclined: {
    brand: 'visa',
    last4: '0002',
    outcome: { kind: 'decline', code: 'card_declined', message: 'Your card was declined.' },
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    brand: 'visa',
    last4: '9995',
    outcome: { kind: 'decline', code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  },
  pm_card_authenticationRequired: { brand: 'visa', last4: '3184', outcome: { kind: 'authenticate' } },
};

/** The failure of a payment whose customer declined to authenticate. */
export const AUTHENTICATION_FAILED = {
  code: 'authentication_failed',
  message: 'The customer did not complete the authentication.',
} as const;

/** Test cards expire at the end of this month of the year three years from now (any future date works). */
export const TEST_CARD_EXPIRY_MONTH = 12;
export const TEST_CARD_EXPIRY_YEARS_AHEAD = 3;
