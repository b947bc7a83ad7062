import { generateFieldKeyring } from '@platform/service-kit';
import { billingEnvironment } from '../src/environment';

// billing's settings: the keyring billing info's personal data is sealed with is required.

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

  it('refuses to start without a keyring, or with one that is not a keyring', () => {
    expect(billingEnvironment.schema.safeParse(base).success).toBe(false);
    for (const invalid of ['not json', '{"active":"k1","keys":{}}']) {
      expect(billingEnvironment.schema.safeParse({ ...base, BILLING_PII_KEYRING: invalid }).success).toBe(
        false,
      );
    }
  });
});
