import { randomUUID } from 'node:crypto';
import { DomainError } from '@platform/domain';
import {
  applyProviderPayment,
  attemptKeyOf,
  checkedPaymentRequest,
  dispatchRetryDelayMs,
  failBeforeProvider,
  idempotencyKeyOf,
  NO_PAYMENT_METHOD,
  paymentMetadataOf,
  type PaymentAttempt,
} from '../../src/modules/payment/domain/payment-attempt';
import { checkedToken, paymentMethodOf } from '../../src/modules/payment/domain/payment-method';
import type { ProviderPayment } from '../../src/modules/payment/domain/payment-provider';
import {
  providerSubscriptionAction,
  type SubscriptionAtProvider,
} from '../../src/modules/payment/domain/provider-subscription';

// The payment rules without I/O: how the provider's view of a payment moves an attempt (final statuses
// are never left, whatever order the provider's answers come in), requests, tokens and retries.

const NOW = new Date('2026-11-29T10:00:00.000Z');

function attempt(overrides: Partial<PaymentAttempt> = {}): PaymentAttempt {
  return {
    id: randomUUID(),
    organizationId: randomUUID(),
    invoiceId: randomUUID(),
    attempt: 1,
    amountCents: 2900n,
    currency: 'usd',
    status: 'requested',
    provider: null,
    providerPaymentId: null,
    failureCode: null,
    failureMessage: null,
    nextActionUrl: null,
    requestedAt: new Date('2026-11-29T09:59:00.000Z'),
    settledAt: null,
    updatedAt: new Date('2026-11-29T09:59:00.000Z'),
    ...overrides,
  };
}

function payment(overrides: Partial<ProviderPayment> = {}): ProviderPayment {
  return {
    paymentId: 'pay_1',
    status: 'processing',
    amountCents: 2900n,
    currency: 'usd',
    metadata: {},
    failureCode: null,
    failureMessage: null,
    nextActionUrl: null,
    ...overrides,
  };
}

describe('applyProviderPayment', () => {
  it('records the payment a requested attempt was sent as, not settled while processing', () => {
    const step = applyProviderPayment(attempt(), 'local', payment(), NOW);
    expect(step).toEqual({
      change: {
        status: 'processing',
        provider: 'local',
        providerPaymentId: 'pay_1',
        failureCode: null,
        failureMessage: null,
        nextActionUrl: null,
        settledAt: null,
      },
      settled: null,
      ignored: null,
    });
  });

  it('settles a succeeded payment at `now`, telling who asked which attempt of which invoice', () => {
    const current = attempt({ status: 'processing', provider: 'local', providerPaymentId: 'pay_1' });
    const step = applyProviderPayment(current, 'local', payment({ status: 'succeeded' }), NOW);
    expect(step.change?.status).toBe('succeeded');
    expect(step.change?.settledAt).toEqual(NOW);
    expect(step.settled).toEqual({
      organizationId: current.organizationId,
      invoiceId: current.invoiceId,
      attempt: 1,
      status: 'succeeded',
      failureCode: null,
      settledAt: NOW,
    });
  });

  it("keeps a failed payment's code and message, and names a failure without a code", () => {
    const declined = applyProviderPayment(
      attempt(),
      'local',
      payment({ status: 'failed', failureCode: 'card_declined', failureMessage: 'Your card was declined.' }),
      NOW,
    );
    expect(declined.change).toMatchObject({ status: 'failed', failureCode: 'card_declined' });
    expect(declined.change?.failureMessage).toBe('Your card was declined.');
    expect(declined.settled).toMatchObject({ status: 'failed', failureCode: 'card_declined' });
    const unnamed = applyProviderPayment(attempt(), 'local', payment({ status: 'failed' }), NOW);
    expect(unnamed.settled?.failureCode).toBe('payment_failed');
  });

  it('keeps the next-action URL only while the payment requires action', () => {
    const url = 'http://127.0.0.1:1/v1/payments/pay_1/authenticate?client_secret=s';
    const waiting = applyProviderPayment(
      attempt({ status: 'processing', providerPaymentId: 'pay_1', provider: 'local' }),
      'local',
      payment({ status: 'requires_action', nextActionUrl: url }),
      NOW,
    );
    expect(waiting.change).toMatchObject({ status: 'requires_action', nextActionUrl: url });
    expect(waiting.settled).toBeNull();
    const approved = applyProviderPayment(
      attempt({
        status: 'requires_action',
        providerPaymentId: 'pay_1',
        provider: 'local',
        nextActionUrl: url,
      }),
      'local',
      payment({ status: 'processing', nextActionUrl: url }),
      NOW,
    );
    expect(approved.change).toMatchObject({ status: 'processing', nextActionUrl: null });
  });

  it('never leaves a final status, whatever the provider says afterwards', () => {
    const succeeded = attempt({
      status: 'succeeded',
      provider: 'local',
      providerPaymentId: 'pay_1',
      settledAt: NOW,
    });
    for (const status of ['processing', 'requires_action', 'failed'] as const) {
      const step = applyProviderPayment(succeeded, 'local', payment({ status }), NOW);
      expect(step.change).toBeNull();
      expect(step.settled).toBeNull();
      expect(step.ignored).toContain('succeeded already');
    }
    const same = applyProviderPayment(succeeded, 'local', payment({ status: 'succeeded' }), NOW);
    expect(same).toEqual({ change: null, settled: null, ignored: null });
  });

  it('changes nothing when the provider says what the attempt already records', () => {
    const current = attempt({ status: 'processing', provider: 'local', providerPaymentId: 'pay_1' });
    expect(applyProviderPayment(current, 'local', payment(), NOW)).toEqual({
      change: null,
      settled: null,
      ignored: null,
    });
  });

  it("ignores another payment than the attempt's, and one for another amount or currency", () => {
    const current = attempt({ status: 'processing', provider: 'local', providerPaymentId: 'pay_1' });
    const other = applyProviderPayment(
      current,
      'local',
      payment({ paymentId: 'pay_2', status: 'succeeded' }),
      NOW,
    );
    expect(other.change).toBeNull();
    expect(other.ignored).toContain('pay_2');
    expect(applyProviderPayment(current, 'local', payment({ amountCents: 1n }), NOW).change).toBeNull();
    expect(applyProviderPayment(current, 'local', payment({ currency: 'eur' }), NOW).change).toBeNull();
  });
});

describe('failBeforeProvider', () => {
  it('fails a requested attempt at once, settled with the code', () => {
    const current = attempt();
    const step = failBeforeProvider(
      current,
      { code: NO_PAYMENT_METHOD, message: 'none on file', provider: null },
      NOW,
    );
    expect(step.change).toMatchObject({ status: 'failed', failureCode: NO_PAYMENT_METHOD, settledAt: NOW });
    expect(step.settled).toMatchObject({
      invoiceId: current.invoiceId,
      status: 'failed',
      failureCode: NO_PAYMENT_METHOD,
    });
  });

  it('leaves an attempt alone once it reached the provider', () => {
    const step = failBeforeProvider(
      attempt({ status: 'processing', providerPaymentId: 'pay_1' }),
      { code: NO_PAYMENT_METHOD, message: 'none on file', provider: null },
      NOW,
    );
    expect(step.change).toBeNull();
    expect(step.ignored).toContain('processing');
  });
});

describe('payment requests', () => {
  const request = () => ({
    organizationId: randomUUID(),
    invoiceId: randomUUID(),
    attempt: 2,
    amountCents: 10_500n,
    currency: 'USD',
  });

  it('stores the currency lower case, as the providers write it', () => {
    expect(checkedPaymentRequest(request()).currency).toBe('usd');
  });

  it('refuses a bad request naming every problem at once', () => {
    expect(() =>
      checkedPaymentRequest({
        ...request(),
        invoiceId: 'inv-1',
        attempt: 0,
        amountCents: 0n,
        currency: 'dollars',
      }),
    ).toThrow(
      /invoiceId must be a UUID; attempt must be a whole number from 1; amountCents must be positive; currency must be an ISO 4217 code/,
    );
  });

  it('keys an attempt by invoice and number, and leads a payment back to it through its metadata', () => {
    const current = attempt({ attempt: 3 });
    expect(idempotencyKeyOf(current)).toBe(`${current.invoiceId}:3`);
    const metadata = paymentMetadataOf(current);
    expect(metadata).toEqual({
      organizationId: current.organizationId,
      invoiceId: current.invoiceId,
      attempt: '3',
    });
    expect(attemptKeyOf({ metadata })).toEqual({
      organizationId: current.organizationId,
      invoiceId: current.invoiceId,
      attempt: 3,
    });
  });

  it('finds no attempt for a payment billing did not ask for', () => {
    expect(attemptKeyOf({ metadata: {} })).toBeNull();
    expect(
      attemptKeyOf({ metadata: { organizationId: 'x', invoiceId: randomUUID(), attempt: '1' } }),
    ).toBeNull();
    expect(
      attemptKeyOf({ metadata: { organizationId: randomUUID(), invoiceId: randomUUID(), attempt: 'one' } }),
    ).toBeNull();
  });

  it('waits twice as long after each failed send, up to the cap', () => {
    expect([1, 2, 3, 4, 10, 60].map((tries) => dispatchRetryDelayMs(tries, 1000, 300_000))).toEqual([
      1000, 2000, 4000, 8000, 300_000, 300_000,
    ]);
  });
});

describe('payment-method tokens', () => {
  it('takes a provider token as given (trimmed)', () => {
    expect(checkedToken(' pm_card_visa ')).toBe('pm_card_visa');
  });

  it.each([
    ['an empty token', '', 'required'],
    ['blanks', '   ', 'required'],
    ['256 characters', 'x'.repeat(256), 'too_long'],
    ['a card number', '4242 4242 4242 4242', 'invalid_format'],
    ['SQL', "pm_card_visa' OR 1=1", 'invalid_format'],
  ])('refuses %s as BAD_USER_INPUT on token', (_label, token, code) => {
    let caught: unknown;
    try {
      checkedToken(token);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect(caught).toMatchObject({ code: 'BAD_USER_INPUT', details: { issues: [{ path: 'token', code }] } });
  });

  it('shows a card only once one is attached', () => {
    const customer = {
      organizationId: randomUUID(),
      provider: 'local',
      customerId: 'cus_1',
      paymentMethodId: null,
      card: null,
    };
    expect(paymentMethodOf(null)).toBeNull();
    expect(paymentMethodOf(customer)).toBeNull();
    const card = { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2029 };
    expect(paymentMethodOf({ ...customer, paymentMethodId: 'pm_1', card })).toEqual({
      provider: 'local',
      ...card,
    });
  });
});

describe('providerSubscriptionAction', () => {
  const customer = { provider: 'local', customerId: 'cus_1' };
  const paid = (overrides: Partial<SubscriptionAtProvider> = {}): SubscriptionAtProvider => ({
    id: 'b1d0f7a4-0000-4000-8000-000000000001',
    organizationId: 'b1d0f7a4-0000-4000-8000-000000000002',
    planId: 'basic',
    status: 'active',
    seatPriceMonthlyCents: 2900n,
    externalReference: null,
    externalProvider: null,
    externalCanceledAt: null,
    ...overrides,
  });

  it('creates one for a live paid subscription whose organization has a customer at this provider', () => {
    for (const status of ['pending', 'active', 'past_due'] as const) {
      expect(providerSubscriptionAction(paid({ status }), customer, 'local')).toEqual({
        type: 'create',
        customerId: 'cus_1',
        metadata: {
          organizationId: 'b1d0f7a4-0000-4000-8000-000000000002',
          subscriptionId: 'b1d0f7a4-0000-4000-8000-000000000001',
          planId: 'basic',
        },
        idempotencyKey: 'subscription:b1d0f7a4-0000-4000-8000-000000000001:cus_1',
      });
    }
  });

  it('waits without a customer at this provider, and leaves Free and a running one alone', () => {
    expect(providerSubscriptionAction(paid(), null, 'local')).toBeNull();
    expect(providerSubscriptionAction(paid(), { ...customer, provider: 'other' }, 'local')).toBeNull();
    expect(providerSubscriptionAction(paid({ seatPriceMonthlyCents: 0n }), customer, 'local')).toBeNull();
    const running = paid({ externalReference: 'sub_1', externalProvider: 'local' });
    expect(providerSubscriptionAction(running, customer, 'local')).toBeNull();
  });

  it('cancels a running one once billing’s is over or costs nothing, at its own provider only', () => {
    const running = { externalReference: 'sub_1', externalProvider: 'local' };
    for (const over of [
      paid({ ...running, status: 'canceled' }),
      paid({ ...running, status: 'expired' }),
      paid({ ...running, seatPriceMonthlyCents: 0n, planId: 'free' }),
    ]) {
      expect(providerSubscriptionAction(over, customer, 'local')).toEqual({
        type: 'cancel',
        externalReference: 'sub_1',
      });
    }
    const elsewhere = paid({ ...running, externalProvider: 'other', status: 'canceled' });
    expect(providerSubscriptionAction(elsewhere, customer, 'local')).toBeNull();
    const canceled = paid({ ...running, status: 'canceled', externalCanceledAt: NOW });
    expect(providerSubscriptionAction(canceled, customer, 'local')).toBeNull();
  });

  it('creates a new one, under a new key, when a canceled one’s subscription is live again or the customer changed', () => {
    const reactivated = paid({
      externalReference: 'sub_1',
      externalProvider: 'local',
      externalCanceledAt: NOW,
    });
    expect(providerSubscriptionAction(reactivated, customer, 'local')).toMatchObject({
      type: 'create',
      idempotencyKey: 'subscription:b1d0f7a4-0000-4000-8000-000000000001:cus_1:after:sub_1',
    });
    expect(providerSubscriptionAction(paid(), { ...customer, customerId: 'cus_2' }, 'local')).toMatchObject({
      idempotencyKey: 'subscription:b1d0f7a4-0000-4000-8000-000000000001:cus_2',
    });
  });
});
