import { identityEnvironment } from '../src/environment';
import { generateSigningKey } from '../src/service';

// identity's settings: what `runServiceMain` parses from the environment and starts identity with.

describe('identity environment', () => {
  async function settings(overrides: Record<string, string> = {}) {
    const { privateJwk } = await generateSigningKey('key-2026');
    return {
      INTERNAL_CONTEXT_PUBLIC_JWK: JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'gateway' }),
      IDENTITY_SIGNING_JWK: JSON.stringify(privateJwk),
      IDENTITY_SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
      ...overrides,
    };
  }

  it('defaults the port, token lifetimes and previous keys, and imports the signing key', async () => {
    const environment = identityEnvironment.schema.parse(await settings());
    expect(environment).toMatchObject({
      PORT: 4001,
      DATABASE_URL: 'postgresql://identity_app:identity_app@127.0.0.1:5432/identity',
      ACCESS_TOKEN_TTL_SECONDS: 900,
      REFRESH_TOKEN_TTL_SECONDS: 30 * 24 * 3600,
      IDENTITY_PREVIOUS_PUBLIC_JWKS: [],
    });
    const options = await identityEnvironment.options(environment);
    expect(options).toMatchObject({
      previousPublicJwks: [],
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 30 * 24 * 3600,
    });
    expect(options.signingKey.kid).toBe('key-2026');
    expect(options.signingKey.publicJwk).toMatchObject({ kid: 'key-2026', crv: 'Ed25519', alg: 'EdDSA' });
    expect(options.signingKey.publicJwk).not.toHaveProperty('d');
  });

  it('needs a 32-byte secrets key, and takes earlier ones for rotation', async () => {
    const short = identityEnvironment.schema.safeParse(await settings({ IDENTITY_SECRETS_KEY: 'c2hvcnQ=' }));
    expect(short.success).toBe(false);
    const rotated = identityEnvironment.schema.parse(
      await settings({ IDENTITY_PREVIOUS_SECRETS_KEYS: Buffer.alloc(32, 1).toString('base64') }),
    );
    expect(rotated.IDENTITY_PREVIOUS_SECRETS_KEYS).toEqual([Buffer.alloc(32, 1)]);
  });

  it('reads the previous public keys as a JSON array of JWKs, and refuses anything else', async () => {
    const previous = (await generateSigningKey('key-2025')).key.publicJwk;
    const environment = identityEnvironment.schema.parse(
      await settings({ IDENTITY_PREVIOUS_PUBLIC_JWKS: JSON.stringify([previous]) }),
    );
    expect(environment.IDENTITY_PREVIOUS_PUBLIC_JWKS).toEqual([previous]);
    for (const invalid of ['not json', '{"kty":"OKP"}', '[{"kid":"no key type"}]']) {
      expect(
        identityEnvironment.schema.safeParse(await settings({ IDENTITY_PREVIOUS_PUBLIC_JWKS: invalid }))
          .success,
      ).toBe(false);
    }
  });

  it('refuses access tokens that live longer than an hour, and a missing signing key', async () => {
    expect(
      identityEnvironment.schema.safeParse(await settings({ ACCESS_TOKEN_TTL_SECONDS: '3601' })).success,
    ).toBe(false);
    const { IDENTITY_SIGNING_JWK: _key, ...unsigned } = await settings();
    expect(identityEnvironment.schema.safeParse(unsigned).success).toBe(false);
  });
});
