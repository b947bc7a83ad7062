import { generateFieldKeyring } from '@platform/service-kit';
import { conversationsEnvironment } from '../src/environment';
import { DEFAULT_EMBEDDING_DIMENSIONS } from '../src/modules/ai/infra/provider';

// The AI provider's settings: local by default; openai needs its endpoint, key and models.

describe('conversations AI settings', () => {
  const base = {
    INTERNAL_CONTEXT_PUBLIC_JWK: JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'gateway' }),
    CONVERSATIONS_PII_KEYRING: generateFieldKeyring(),
  };
  const openai = {
    CONVERSATIONS_AI_PROVIDER: 'openai',
    CONVERSATIONS_AI_BASE_URL: 'http://127.0.0.1:9/v1',
    CONVERSATIONS_AI_API_KEY: 'sk-test',
    CONVERSATIONS_AI_CHAT_MODEL: 'gpt-4o-mini',
    CONVERSATIONS_AI_EMBEDDING_MODEL: 'text-embedding-3-small',
  };

  it('runs the local provider when nothing is configured', async () => {
    const environment = conversationsEnvironment.schema.parse(base);
    expect(environment).toMatchObject({
      CONVERSATIONS_AI_PROVIDER: 'local',
      CONVERSATIONS_AI_TIMEOUT_MS: 30_000,
    });
    const options = await conversationsEnvironment.options(environment);
    expect(options.ai).toMatchObject({ name: 'local', embeddingDimensions: 256 });
  });

  it('runs the OpenAI-compatible provider when configured, with the dimensions and timeout given', async () => {
    const native = await conversationsEnvironment.options(
      conversationsEnvironment.schema.parse({ ...base, ...openai }),
    );
    expect(native.ai).toMatchObject({
      name: 'openai-compatible',
      embeddingDimensions: DEFAULT_EMBEDDING_DIMENSIONS,
    });
    const environment = conversationsEnvironment.schema.parse({
      ...base,
      ...openai,
      CONVERSATIONS_AI_EMBEDDING_DIMENSIONS: '512',
      CONVERSATIONS_AI_TIMEOUT_MS: '5000',
    });
    expect(environment).toMatchObject({
      CONVERSATIONS_AI_EMBEDDING_DIMENSIONS: 512,
      CONVERSATIONS_AI_TIMEOUT_MS: 5000,
    });
    const options = await conversationsEnvironment.options(environment);
    expect(options.ai).toMatchObject({ name: 'openai-compatible', embeddingDimensions: 512 });
  });

  it('refuses to start with openai but no base URL, key or models, or with malformed values', () => {
    for (const key of Object.keys(openai).filter((name) => name !== 'CONVERSATIONS_AI_PROVIDER')) {
      const parsed = conversationsEnvironment.schema.safeParse({ ...base, ...openai, [key]: undefined });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual([key]);
    }
    for (const wrong of [
      { CONVERSATIONS_AI_PROVIDER: 'anthropic' },
      { CONVERSATIONS_AI_BASE_URL: 'not a url' },
      { CONVERSATIONS_AI_BASE_URL: 'ftp://host/v1' },
      { CONVERSATIONS_AI_EMBEDDING_DIMENSIONS: '-3' },
      { CONVERSATIONS_AI_TIMEOUT_MS: 'soon' },
    ]) {
      expect(conversationsEnvironment.schema.safeParse({ ...base, ...openai, ...wrong }).success).toBe(false);
    }
  });
});
