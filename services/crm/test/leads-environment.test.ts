import { generateFieldKeyring } from '@platform/service-kit';
import { crmEnvironment } from '../src/environment';

// LEADS_TRANSIT_KEYRING: optional (crm takes no leads without it), refused when malformed.

describe('crm environment: the leads transit keyring', () => {
  const base = {
    INTERNAL_CONTEXT_PUBLIC_JWK: JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'gateway' }),
    CRM_PII_KEYRING: generateFieldKeyring(),
  };

  it('reads LEADS_TRANSIT_KEYRING into the start options, and starts without one', async () => {
    const options = await crmEnvironment.options(
      crmEnvironment.schema.parse({ ...base, LEADS_TRANSIT_KEYRING: generateFieldKeyring('t2') }),
    );
    expect(options.leadsTransitKeyring?.activeKeyId).toBe('t2');
    const without = await crmEnvironment.options(crmEnvironment.schema.parse(base));
    expect(without.leadsTransitKeyring).toBeUndefined();
  });

  it('refuses a malformed one', () => {
    expect(crmEnvironment.schema.safeParse({ ...base, LEADS_TRANSIT_KEYRING: 'not json' }).success).toBe(
      false,
    );
  });
});
