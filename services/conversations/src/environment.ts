import { z } from 'zod';
import { fieldKeyringSetting, serviceEnvironmentSchema } from '@platform/service-kit';
import { CHANNEL_PLATFORMS } from '@platform/events/catalog';
import { oauthPlatformClientSchema } from './modules/account/infra/http-oauth-token-client';
import { aiEnvironmentFields, aiProviderFrom, checkAiSettings } from './modules/ai/infra/provider';
import { CHANNEL_API_BASE_URL_SETTING, platformApiBaseUrlSetting } from './modules/channel/infra/adapters';
import { DEFAULT_STORAGE_DIRECTORY } from './modules/storage/infra/default-directory';
import type { ConversationsOptions } from './service';

/** `CHANNELS_<PLATFORM>_API_BASE_URL`: a real platform's API, over `CHANNELS_API_BASE_URL`. */
const platformApiBaseUrls = Object.fromEntries(
  CHANNEL_PLATFORMS.map((platform) => [platformApiBaseUrlSetting(platform), z.url().optional()]),
);

/** conversations' settings beyond the kit's: the keyring channel tokens are sealed with, OAuth clients. */
const schema = serviceEnvironmentSchema('conversations', 4003).extend({
  /**
   * The keys channel accounts' OAuth tokens and webhook secrets are encrypted with (JSON, crm's format:
   * `{ "active": "k1", "keys": { "k1": "<32 bytes, base64>" }, "blindIndexKey": "<32 bytes, base64>" }`).
   * To rotate, add a key and make it active: the old ones still decrypt, tokens are sealed anew with
   * the active key at their next refresh or reconnect.
   */
  CONVERSATIONS_PII_KEYRING: fieldKeyringSetting(
    'CONVERSATIONS_PII_KEYRING',
    'channel tokens, webhook secrets and inbound messages',
  ),
  /**
   * The OAuth clients the refresh job uses, by platform (JSON: `{ "gmail": { "tokenUrl": "…",
   * "clientId": "…", "clientSecret": "…" } }`). A platform without one cannot refresh: its accounts
   * become refresh_failed when their tokens near expiry.
   */
  CHANNEL_OAUTH_CLIENTS: z
    .string()
    .default('{}')
    .transform((value, context) => {
      let json: unknown;
      try {
        json = JSON.parse(value);
      } catch {
        context.addIssue({ code: 'custom', message: 'CHANNEL_OAUTH_CLIENTS is not JSON' });
        return z.NEVER;
      }
      const parsed = z.partialRecord(z.enum(CHANNEL_PLATFORMS), oauthPlatformClientSchema).safeParse(json);
      if (!parsed.success) {
        context.addIssue({ code: 'custom', message: z.prettifyError(parsed.error) });
        return z.NEVER;
      }
      return parsed.data;
    }),
  /**
   * The keyring leads travel to crm sealed with (crm's keyring format; the same value as crm's
   * LEADS_TRANSIT_KEYRING). Unset: no lead events are published.
   */
  LEADS_TRANSIT_KEYRING: fieldKeyringSetting('LEADS_TRANSIT_KEYRING', 'leads in transit to crm').optional(),
  /** How often the token refresh job looks for tokens about to expire. */
  CHANNEL_TOKEN_REFRESH_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
  /**
   * Where replies are sent: every platform's API base URL (default: the local platform simulator's
   * address, http://127.0.0.1:4090), and per platform over it.
   */
  [CHANNEL_API_BASE_URL_SETTING]: z.url().optional(),
  ...platformApiBaseUrls,
  /** How often the AI worker looks for due tasks (it also runs again at once after a full batch). */
  AI_WORKER_INTERVAL_MS: z.coerce.number().int().positive().default(250),
  /** How often the reply queue's worker looks for due sends. */
  REPLY_QUEUE_INTERVAL_MS: z.coerce.number().int().positive().default(500),

  /** Where documents and retention archives go: `local` (a directory) or `s3` (an S3-compatible bucket). */
  CONVERSATIONS_STORAGE: z.enum(['local', 's3']).default('local'),
  /** The directory of local storage (default: the repository's `.local/conversations/storage`). */
  CONVERSATIONS_STORAGE_DIR: z.string().min(1).default(DEFAULT_STORAGE_DIRECTORY),
  /** The S3-compatible service's base URL (path-style requests), e.g. `http://127.0.0.1:9000`. */
  CONVERSATIONS_S3_ENDPOINT: z.url().optional(),
  CONVERSATIONS_S3_BUCKET: z.string().min(1).optional(),
  CONVERSATIONS_S3_REGION: z.string().min(1).default('us-east-1'),
  CONVERSATIONS_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  CONVERSATIONS_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** How often the retention job archives messages past their organization's retention (default hourly). */
  CONVERSATIONS_RETENTION_INTERVAL_MS: z.coerce.number().int().positive().default(3_600_000),
  /** The AI provider: CONVERSATIONS_AI_PROVIDER=local (default) or openai with its endpoint (see provider.ts). */
  ...aiEnvironmentFields,
  /**
   * The document upload limit in bytes (default 700 KiB). Uploads travel base64 in a GraphQL body,
   * which the gateway and the subgraph cap at 1 MiB: a larger limit needs larger body limits too.
   */
  CONVERSATIONS_DOCUMENT_MAX_BYTES: z.coerce.number().int().positive().optional(),
  /** How often the document index job looks for waiting documents besides being woken (default 5 min). */
  CONVERSATIONS_DOCUMENT_INDEX_INTERVAL_MS: z.coerce.number().int().positive().optional(),
});

/** With CONVERSATIONS_STORAGE=s3, every S3 setting is required (no call goes to a half-configured bucket). */
const S3_SETTINGS = [
  'CONVERSATIONS_S3_ENDPOINT',
  'CONVERSATIONS_S3_BUCKET',
  'CONVERSATIONS_S3_ACCESS_KEY_ID',
  'CONVERSATIONS_S3_SECRET_ACCESS_KEY',
] as const;
const checkedSchema = schema.superRefine(checkAiSettings).superRefine((environment, context) => {
  if (environment.CONVERSATIONS_STORAGE !== 's3') return;
  for (const name of S3_SETTINGS) {
    if (!environment[name]) {
      context.addIssue({
        code: 'custom',
        path: [name],
        message: `${name} is required when CONVERSATIONS_STORAGE=s3`,
      });
    }
  }
});

/** The S3-compatible bucket's settings when CONVERSATIONS_STORAGE=s3 (the schema made sure they are all there). */
function s3Settings(environment: z.infer<typeof schema>): ConversationsOptions['s3'] {
  const { CONVERSATIONS_S3_ENDPOINT: endpoint, CONVERSATIONS_S3_BUCKET: bucket } = environment;
  const { CONVERSATIONS_S3_ACCESS_KEY_ID: accessKeyId, CONVERSATIONS_S3_SECRET_ACCESS_KEY: secretAccessKey } =
    environment;
  if (
    environment.CONVERSATIONS_STORAGE !== 's3' ||
    !endpoint ||
    !bucket ||
    !accessKeyId ||
    !secretAccessKey
  ) {
    return undefined;
  }
  return { endpoint, bucket, region: environment.CONVERSATIONS_S3_REGION, accessKeyId, secretAccessKey };
}

export type ConversationsEnvironment = z.infer<typeof schema>;

export const conversationsEnvironment = {
  schema: checkedSchema,
  options(environment: ConversationsEnvironment): Promise<ConversationsOptions> {
    return Promise.resolve({
      piiKeyring: environment.CONVERSATIONS_PII_KEYRING,
      oauthClients: environment.CHANNEL_OAUTH_CLIENTS,
      tokenRefreshIntervalMs: environment.CHANNEL_TOKEN_REFRESH_INTERVAL_MS,
      ai: aiProviderFrom(environment),
      channelApiBaseUrl: environment[CHANNEL_API_BASE_URL_SETTING],
      channelApiBaseUrls: Object.fromEntries(
        Object.entries(environment).flatMap(([name, value]) => {
          const platform = CHANNEL_PLATFORMS.find(
            (candidate) => platformApiBaseUrlSetting(candidate) === name,
          );
          return platform && typeof value === 'string' ? [[platform, value]] : [];
        }),
      ),
      aiWorkerIntervalMs: environment.AI_WORKER_INTERVAL_MS,
      replyQueueIntervalMs: environment.REPLY_QUEUE_INTERVAL_MS,
      storageDirectory: environment.CONVERSATIONS_STORAGE_DIR,
      s3: s3Settings(environment),
      retentionIntervalMs: environment.CONVERSATIONS_RETENTION_INTERVAL_MS,
      ...(environment.LEADS_TRANSIT_KEYRING
        ? { leadsTransitKeyring: environment.LEADS_TRANSIT_KEYRING }
        : {}),
      documentMaxBytes: environment.CONVERSATIONS_DOCUMENT_MAX_BYTES,
      documentIndexIntervalMs: environment.CONVERSATIONS_DOCUMENT_INDEX_INTERVAL_MS,
    });
  },
};
