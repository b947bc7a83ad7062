import { generateFieldKeyring } from '@platform/service-kit';
import { conversationsEnvironment } from '../src/environment';

// conversations' settings: the keyring channel tokens are sealed with is required; OAuth clients optional.

describe('conversations environment', () => {
  const base = { INTERNAL_CONTEXT_PUBLIC_JWK: JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'gateway' }) };

  it('reads CONVERSATIONS_PII_KEYRING and CHANNEL_OAUTH_CLIENTS into the start options', async () => {
    const keyring = generateFieldKeyring('k3');
    const clients = {
      gmail: { tokenUrl: 'http://127.0.0.1:9/token', clientId: 'id', clientSecret: 'secret' },
    };
    const environment = conversationsEnvironment.schema.parse({
      ...base,
      CONVERSATIONS_PII_KEYRING: keyring,
      CHANNEL_OAUTH_CLIENTS: JSON.stringify(clients),
    });
    expect(environment).toMatchObject({ PORT: 4003, CHANNEL_TOKEN_REFRESH_INTERVAL_MS: 60_000 });
    const options = await conversationsEnvironment.options(environment);
    expect(options.piiKeyring?.activeKeyId).toBe('k3');
    expect(options.oauthClients).toEqual(clients);
  });

  it('refuses to start without a keyring, or with malformed OAuth clients', () => {
    expect(conversationsEnvironment.schema.safeParse(base).success).toBe(false);
    const keyring = generateFieldKeyring();
    for (const clients of ['not json', '{"myspace":{}}', '{"gmail":{"tokenUrl":"nope"}}']) {
      expect(
        conversationsEnvironment.schema.safeParse({
          ...base,
          CONVERSATIONS_PII_KEYRING: keyring,
          CHANNEL_OAUTH_CLIENTS: clients,
        }).success,
      ).toBe(false);
    }
  });
});
