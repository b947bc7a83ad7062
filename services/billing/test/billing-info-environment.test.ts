import { generateFieldKeyring } from '@platform/service-kit';
import { billingEnvironment } from '../src/environment';

// billing's settings: the keyring billing info's personal data is sealed with is required; a payment
// provider server is configured whole or not at all (then the local payment provider runs in-process).

describe('billing environment', () => {
  const base = { INTERNAL_CONTEXT_PUBLIC_JWK: JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'gateway' }) };

  it('reads BILLING_PII_KEYRING into the start options', async () => {
    const keyring = generateFieldKeyring('k7');
    const environment = billingEnvironment.schema.parse({ ...base, BILLING_PII_KEYRING: keyring });
    expect(environment).toMatchObject({ PORT: 4004 });
    const options = await billingEnvironment.options(environment);
    expect(options.piiKeyring?.activeKeyId).toBe('k7');
    expect(options.piiKeyring?.keys.get('k7')).toHaveLength(32);
  });

  it('runs the local payment provider unless a provider is configured, and a provider only whole', async () => {
    const keyed = { ...base, BILLING_PII_KEYRING: generateFieldKeyring('k1') };
    const local = await billingEnvironment.options(billingEnvironment.schema.parse(keyed));
    expect(local.paymentProvider).toBeUndefined();
    expect(local.localPaymentProvider).toEqual({ port: 0, outcomeDelayMs: 1000 });

    const provider = {
      PAYMENT_PROVIDER_URL: 'http://127.0.0.1:9999',
      PAYMENT_PROVIDER_SECRET_KEY: 'sk_test_0123456789',
      PAYMENT_WEBHOOK_SECRET: 'whsec_0123456789',
    };
    const configured = await billingEnvironment.options(
      billingEnvironment.schema.parse({ ...keyed, ...provider }),
    );
    expect(configured.localPaymentProvider).toBeUndefined();
    expect(configured.paymentProvider).toBeDefined();

    // Any one or two of the three alone are refused: no half-configured provider, no silent fallback.
    for (const missing of Object.keys(provider)) {
      const partial = Object.fromEntries(Object.entries(provider).filter(([name]) => name !== missing));
      const parsed = billingEnvironment.schema.safeParse({ ...keyed, ...partial });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(['PAYMENT_PROVIDER_URL']);
    }
    for (const [name, value] of Object.entries(provider)) {
      expect(billingEnvironment.schema.safeParse({ ...keyed, [name]: value }).success).toBe(false);
    }
  });

  it('refuses to start without a keyring, or with one that is not a keyring', () => {
    expect(billingEnvironment.schema.safeParse(base).success).toBe(false);
    for (const invalid of ['not json', '{"active":"k1","keys":{}}']) {
      expect(billingEnvironment.schema.safeParse({ ...base, BILLING_PII_KEYRING: invalid }).success).toBe(
        false,
      );
    }
  });
});
