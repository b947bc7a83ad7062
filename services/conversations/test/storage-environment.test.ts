import { join } from 'node:path';
import { generateFieldKeyring } from '@platform/service-kit';
import { conversationsEnvironment } from '../src/environment';

// conversations' storage settings: local disk under the repository's .local/ by default; an
// S3-compatible bucket only when CONVERSATIONS_STORAGE=s3, and then with every setting it needs.

describe('conversations storage environment', () => {
  const base = {
    INTERNAL_CONTEXT_PUBLIC_JWK: JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'gateway' }),
    CONVERSATIONS_PII_KEYRING: generateFieldKeyring(),
  };
  const s3 = {
    CONVERSATIONS_STORAGE: 's3',
    CONVERSATIONS_S3_ENDPOINT: 'http://127.0.0.1:9000',
    CONVERSATIONS_S3_BUCKET: 'conversations',
    CONVERSATIONS_S3_ACCESS_KEY_ID: 'key',
    CONVERSATIONS_S3_SECRET_ACCESS_KEY: 'secret',
  };

  it('defaults to local disk under .local/ and an hourly retention job, with no S3 configuration', async () => {
    const environment = conversationsEnvironment.schema.parse(base);
    expect(environment).toMatchObject({
      CONVERSATIONS_STORAGE: 'local',
      CONVERSATIONS_RETENTION_INTERVAL_MS: 3_600_000,
    });
    const options = await conversationsEnvironment.options(environment);
    expect(options.s3).toBeUndefined();
    expect(options.storageDirectory).toBe(
      join(__dirname, '..', '..', '..', '.local', 'conversations', 'storage'),
    );
    expect(options.retentionIntervalMs).toBe(3_600_000);
  });

  it('reads the S3-compatible bucket when CONVERSATIONS_STORAGE=s3', async () => {
    const options = await conversationsEnvironment.options(
      conversationsEnvironment.schema.parse({ ...base, ...s3, CONVERSATIONS_S3_REGION: 'eu-west-1' }),
    );
    expect(options.s3).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'conversations',
      region: 'eu-west-1',
      accessKeyId: 'key',
      secretAccessKey: 'secret',
    });
  });

  it('refuses s3 without every setting it needs, and S3 settings alone do not switch storage', async () => {
    for (const missing of Object.keys(s3).filter((name) => name !== 'CONVERSATIONS_STORAGE')) {
      const partial: Record<string, string> = { ...base, ...s3 };
      delete partial[missing];
      const parsed = conversationsEnvironment.schema.safeParse(partial);
      expect(parsed.success).toBe(false);
      expect(JSON.stringify(parsed.error?.issues)).toContain(missing);
    }
    expect(conversationsEnvironment.schema.safeParse({ ...base, CONVERSATIONS_STORAGE: 'ftp' }).success).toBe(
      false,
    );
    const { CONVERSATIONS_STORAGE: _storage, ...settingsOnly } = s3;
    const options = await conversationsEnvironment.options(
      conversationsEnvironment.schema.parse({ ...base, ...settingsOnly }),
    );
    expect(options.s3).toBeUndefined();
  });
});
