import { generateFieldKeyring } from '@platform/service-kit';
import { conversationsEnvironment } from '../src/environment';
import { DEFAULT_STORAGE_DIRECTORY } from '../src/modules/storage/infra/default-directory';

// The documents' settings: storage directory (default: the repository's .local), upload limit and
// index interval, all optional.

describe('conversations environment: documents', () => {
  const base = {
    INTERNAL_CONTEXT_PUBLIC_JWK: JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'gateway' }),
    CONVERSATIONS_PII_KEYRING: generateFieldKeyring(),
  };

  it('reads the storage directory, the upload limit and the index interval into the start options', async () => {
    const options = await conversationsEnvironment.options(
      conversationsEnvironment.schema.parse({
        ...base,
        CONVERSATIONS_STORAGE_DIR: '/var/lib/conversations',
        CONVERSATIONS_DOCUMENT_MAX_BYTES: '500000',
        CONVERSATIONS_DOCUMENT_INDEX_INTERVAL_MS: '60000',
      }),
    );
    expect(options).toMatchObject({
      storageDirectory: '/var/lib/conversations',
      documentMaxBytes: 500_000,
      documentIndexIntervalMs: 60_000,
    });
  });

  it('leaves them to the defaults when unset, and refuses nonsense', async () => {
    const options = await conversationsEnvironment.options(conversationsEnvironment.schema.parse(base));
    expect(options).toMatchObject({
      storageDirectory: DEFAULT_STORAGE_DIRECTORY,
      documentMaxBytes: undefined,
      documentIndexIntervalMs: undefined,
    });
    for (const value of ['0', '-1', 'ten']) {
      expect(
        conversationsEnvironment.schema.safeParse({ ...base, CONVERSATIONS_DOCUMENT_MAX_BYTES: value })
          .success,
      ).toBe(false);
    }
  });
});
