import { generateFieldKeyring } from '@platform/service-kit';
import { conversationsEnvironment } from '../src/environment';

// LEADS_TRANSIT_KEYRING: optional (no leads go to crm without it), refused when malformed.

describe('conversations environment: the leads transit keyring', () => {
  const base = {
    INTERNAL_CONTEXT_PUBLIC_JWK: JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'gateway' }),
    CONVERSATIONS_PII_KEYRING: generateFieldKeyring(),
  };

  it('reads LEADS_TRANSIT_KEYRING into the start options, and starts without one', async () => {
    const options = await conversationsEnvironment.options(
      conversationsEnvironment.schema.parse({ ...base, LEADS_TRANSIT_KEYRING: generateFieldKeyring('t2') }),
    );
    expect(options.leadsTransitKeyring?.activeKeyId).toBe('t2');
    const without = await conversationsEnvironment.options(conversationsEnvironment.schema.parse(base));
    expect(without.leadsTransitKeyring).toBeUndefined();
  });

  it('refuses a malformed one', () => {
    expect(
      conversationsEnvironment.schema.safeParse({ ...base, LEADS_TRANSIT_KEYRING: '{"active":"k1"}' })
        .success,
    ).toBe(false);
  });
});
