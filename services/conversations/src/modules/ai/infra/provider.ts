import { z } from 'zod';
import type { AiProvider } from '../domain/ai-provider';
import { localAiProvider } from './local-provider';
import { openAiCompatibleProvider } from './openai-compatible-provider';

/**
 * Which AI provider conversations runs: the deterministic local one by default, an OpenAI-compatible
 * endpoint when CONVERSATIONS_AI_PROVIDER=openai (then the base URL, the key and both models are required:
 * the process refuses to start without them).
 */
export const aiEnvironmentFields = {
  /** `local` (rules and templates, the default) or `openai` (an OpenAI-compatible HTTP API). */
  CONVERSATIONS_AI_PROVIDER: z.enum(['local', 'openai']).default('local'),
  /** The API's base up to the version, `https://host/v1` (openai only). */
  CONVERSATIONS_AI_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Sent as the bearer token (openai only). */
  CONVERSATIONS_AI_API_KEY: z.string().min(1).optional(),
  /** The chat model for classify, score, draft and answer (openai only). */
  CONVERSATIONS_AI_CHAT_MODEL: z.string().min(1).optional(),
  /** The embedding model (openai only). */
  CONVERSATIONS_AI_EMBEDDING_MODEL: z.string().min(1).optional(),
  /**
   * The vectors' length. Set: sent as `dimensions` (models that shorten their vectors). Unset: the
   * model's native length is expected to be 1536 and `dimensions` is not sent.
   */
  CONVERSATIONS_AI_EMBEDDING_DIMENSIONS: z.coerce.number().int().positive().max(16_000).optional(),
  /** Each request's budget. */
  CONVERSATIONS_AI_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
};

/** The AI settings as read from the environment. */
export type AiSettings = z.output<z.ZodObject<typeof aiEnvironmentFields>>;

/** The native length of text-embedding-3-small and ada-002, when no dimensions are configured. */
export const DEFAULT_EMBEDDING_DIMENSIONS = 1536;

const REQUIRED_FOR_OPENAI = [
  'CONVERSATIONS_AI_BASE_URL',
  'CONVERSATIONS_AI_API_KEY',
  'CONVERSATIONS_AI_CHAT_MODEL',
  'CONVERSATIONS_AI_EMBEDDING_MODEL',
] as const;

/** The environment's check: `openai` without its endpoint, key or models is a configuration error. */
export function checkAiSettings(settings: AiSettings, context: z.RefinementCtx): void {
  if (settings.CONVERSATIONS_AI_PROVIDER !== 'openai') return;
  for (const key of REQUIRED_FOR_OPENAI) {
    if (!settings[key]) {
      context.addIssue({
        code: 'custom',
        path: [key],
        message: `${key} is required when CONVERSATIONS_AI_PROVIDER=openai`,
      });
    }
  }
}

/** The provider the settings name (local unless `openai`). */
export function aiProviderFrom(settings: AiSettings): AiProvider {
  if (settings.CONVERSATIONS_AI_PROVIDER !== 'openai') return localAiProvider();
  const {
    CONVERSATIONS_AI_BASE_URL: baseUrl,
    CONVERSATIONS_AI_API_KEY: apiKey,
    CONVERSATIONS_AI_CHAT_MODEL: chatModel,
    CONVERSATIONS_AI_EMBEDDING_MODEL: embeddingModel,
    CONVERSATIONS_AI_EMBEDDING_DIMENSIONS: dimensions,
  } = settings;
  if (!baseUrl || !apiKey || !chatModel || !embeddingModel) {
    throw new Error(`CONVERSATIONS_AI_PROVIDER=openai needs ${REQUIRED_FOR_OPENAI.join(', ')}`);
  }
  return openAiCompatibleProvider({
    baseUrl,
    apiKey,
    chatModel,
    embeddingModel,
    embeddingDimensions: dimensions ?? DEFAULT_EMBEDDING_DIMENSIONS,
    sendEmbeddingDimensions: dimensions !== undefined,
    timeoutMs: settings.CONVERSATIONS_AI_TIMEOUT_MS,
  });
}
