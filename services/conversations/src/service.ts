import {
  defineService,
  fieldCipher,
  observeQueries,
  prismaClientOptions,
  withTenants,
  type FieldCipher,
  type FieldKeyring,
  type RouteHandler,
  type TenantFoundation,
} from '@platform/service-kit';
import { startIngestionConsumer } from './consumers/ingestion';
import { conversationsEnvironment, type ConversationsEnvironment } from './environment';
import { channelAdapters } from './modules/channel/infra/adapters';
import { CHANNEL_WEBHOOK_ROUTE, channelWebhookRoute } from './modules/ingestion/infra/webhook-route';
import { modules } from './generated/modules';
import { startMessagePartitionJob } from './modules/message/infra/partition-job';
import { PrismaClient, type Prisma } from './generated/prisma/client';
import type { ChannelAccountPlatform } from './modules/account/domain/channel-account';
import type { OAuthTokenClient } from './modules/account/domain/oauth-token-client';
import {
  httpOAuthTokenClient,
  type OAuthPlatformClient,
} from './modules/account/infra/http-oauth-token-client';
import { startTokenRefreshJob, type TokenRefreshOptions } from './modules/account/infra/token-refresh-job';
import type { AiProvider } from './modules/ai/domain/ai-provider';
import { localAiProvider } from './modules/ai/infra/local-provider';
import type { ObjectStorage } from './modules/storage/domain/object-storage';
import { localDiskStorage } from './modules/storage/infra/local-disk-storage';
import { DEFAULT_MAX_DOCUMENT_BYTES } from './modules/document/domain/document';
import { indexWakeups, startDocumentIndexJob, type IndexWakeups } from './modules/document/infra/index-job';
import { textExtractor } from './modules/document/infra/text-extractor';
import { DEFAULT_RETRIEVAL, type RetrievalOptions } from './modules/assistant/domain/assistant-operations';
import { resolve as resolvePath } from 'node:path';

/** Prisma's client type with query events on (the kit counts statements through them). */
export type Database = PrismaClient<'query'>;

/** What conversations' modules are built from. */
export interface ConversationsDependencies extends TenantFoundation<Database, Prisma.TransactionClient> {
  /** Seals channel accounts' tokens and webhook secrets; null without a keyring (accounts then refuse). */
  tokenCipher: FieldCipher | null;
  /** The platforms' OAuth token endpoints (the refresh job's). */
  tokenClient: OAuthTokenClient;
  /** The AI provider: the assistant's answers and the documents' embeddings. */
  ai: AiProvider;
  /** Where uploaded documents' bytes live. */
  storage: ObjectStorage;
  /** Uploads and reindex requests wake the document index job. */
  documentIndexWakeups: IndexWakeups;
  /** The upload limit in bytes. */
  documentMaxBytes: number;
  /** How many chunks the assistant retrieves and how similar they must be. */
  retrieval: RetrievalOptions;
}

/** conversations' start options beyond the kit's. */
export interface ConversationsOptions {
  /**
   * The keys channel tokens are encrypted with (CONVERSATIONS_PII_KEYRING, required for the process).
   * Without one, channel accounts refuse; everything else works.
   */
  piiKeyring?: FieldKeyring;
  /** The OAuth clients by platform (CHANNEL_OAUTH_CLIENTS); ignored when `tokenClient` is given. */
  oauthClients?: Partial<Record<ChannelAccountPlatform, OAuthPlatformClient>>;
  /** The token endpoints' client (default: HTTP over `oauthClients`). */
  tokenClient?: OAuthTokenClient;
  /** How often the token refresh job runs (default 60 s). */
  tokenRefreshIntervalMs?: number;
  /** The refresh job's window and retry rule (defaults: REFRESH_POLICY). */
  tokenRefresh?: TokenRefreshOptions;
  /** The platforms' API base (sends); the local platform simulator's default address when absent. */
  channelApiBaseUrl?: string;
  /** The AI provider (default: the deterministic local provider). */
  ai?: AiProvider;
  /** Object storage (default: local disk under `storageDir`). */
  storage?: ObjectStorage;
  /** The local disk storage's root (CONVERSATIONS_STORAGE_DIR; default `.local/storage/conversations` of the repository). */
  storageDir?: string;
  /** The upload limit in bytes (CONVERSATIONS_DOCUMENT_MAX_BYTES; default 700 KiB, under the 1 MiB body limit). */
  documentMaxBytes?: number;
  /** How often the document index job looks for waiting documents besides being woken (default 5 min). */
  documentIndexIntervalMs?: number;
  /** Retrieval: top-k chunks, the similarity floor, the history given as memory. */
  retrieval?: Partial<RetrievalOptions>;
}

/** Where local disk storage keeps objects when nothing is configured (git-ignored). */
export const DEFAULT_STORAGE_DIR = resolvePath(__dirname, '../../../.local/storage/conversations');

/** conversations: the social inbox — connected channel accounts, conversations, later messages, replies and AI tasks. */
export const conversationsService = defineService<
  Database,
  ConversationsDependencies,
  ConversationsOptions,
  ConversationsEnvironment
>({
  name: 'conversations',
  defaultPort: 4003,
  sourceDirectory: __dirname,
  database: (url, options) => observeQueries(new PrismaClient(prismaClientOptions(url)), options),
  modules,
  dependencies: (foundation, options): ConversationsDependencies => ({
    ...withTenants(foundation),
    tokenCipher: options.piiKeyring ? fieldCipher(options.piiKeyring) : null,
    tokenClient: options.tokenClient ?? httpOAuthTokenClient(options.oauthClients ?? {}),
    ai: options.ai ?? localAiProvider(),
    storage: options.storage ?? localDiskStorage(options.storageDir ?? DEFAULT_STORAGE_DIR),
    documentIndexWakeups: indexWakeups(),
    documentMaxBytes: options.documentMaxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES,
    retrieval: { ...DEFAULT_RETRIEVAL, ...options.retrieval },
  }),
  jobs: (dependencies, options) => {
    const cipher = dependencies.tokenCipher;
    return [
      // Messages are partitioned by month: the job keeps the next months' partitions ready (every 6 hours).
      startMessagePartitionJob(dependencies.database, {
        intervalMs: 6 * 60 * 60 * 1000,
        logger: options.logger,
      }),
      // Uploaded documents: extracted, chunked and embedded (woken by uploads; a pass every 5 min).
      startDocumentIndexJob(
        { ...dependencies, extractor: textExtractor(), logger: options.logger },
        dependencies.documentIndexWakeups,
        { intervalMs: options.documentIndexIntervalMs ?? 5 * 60_000 },
      ),
      ...(cipher
        ? [
            startTokenRefreshJob(
              { ...dependencies, cipher, logger: options.logger },
              { intervalMs: options.tokenRefreshIntervalMs ?? 60_000, ...options.tokenRefresh },
            ),
          ]
        : []),
    ];
  },
  consumers: async (dependencies, messaging, options) => {
    const cipher = dependencies.tokenCipher;
    return cipher ? [await startIngestionConsumer(dependencies, cipher, messaging, options)] : [];
  },
  // Each connected account's platform delivers to /webhooks/channels/<webhookId> (needs the keyring).
  routes: (dependencies, options): Record<string, RouteHandler> => {
    const cipher = dependencies.tokenCipher;
    if (!cipher) return {};
    return {
      [CHANNEL_WEBHOOK_ROUTE]: channelWebhookRoute({
        ...dependencies,
        cipher,
        adapters: channelAdapters({
          defaultApiBaseUrl: options.channelApiBaseUrl ?? DEFAULT_CHANNEL_API_BASE_URL,
        }),
        now: () => new Date(),
        logger: options.logger,
      }),
    };
  },
  environment: conversationsEnvironment,
});

/**
 * Where sends go when no platform API is configured: the local platform simulator's default address
 * (`tsx src/modules/channel/infra/simulator/main.ts`). Webhook ingestion needs no API.
 */
export const DEFAULT_CHANNEL_API_BASE_URL = 'http://127.0.0.1:4090';

export type ConversationsService = Awaited<ReturnType<typeof conversationsService.start>>;
export const startConversationsService = conversationsService.start;
export { accountByWebhookId, type WebhookAccount } from './modules/account/infra/account-by-webhook-id';
export { refreshDueTokens } from './modules/account/infra/token-refresh-job';
export { startPlatformSimulator, type PlatformSimulator } from './modules/channel/infra/simulator/server';
export { CHANNEL_WEBHOOK_PREFIX } from './modules/ingestion/infra/webhook-route';
export { indexPendingDocuments } from './modules/document/infra/index-job';
