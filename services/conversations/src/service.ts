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
import { startContactCompaniesConsumer } from './consumers/contact-companies';
import { startEntitlementsConsumer } from './consumers/entitlements';
import { startIngestionConsumer } from './consumers/ingestion';
import { pipelineSealing } from './modules/ai/infra/ai-tasks';
import { startAiWorker } from './modules/ai/infra/ai-worker';
import { autoSendThresholdOf } from './modules/ai/infra/auto-send';
import { startDeliveryWorker } from './modules/message/infra/delivery-worker';
import { messageSealing, type MessageSealing } from './modules/message/infra/message-sealing';
import { startLeadLinksConsumer } from './consumers/lead-links';
import { conversationsEnvironment, type ConversationsEnvironment } from './environment';
import { channelAdapters, type ChannelAdapters } from './modules/channel/infra/adapters';
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
import { startRetentionJob } from './modules/retention/infra/retention-job';
import type { ObjectStorage } from './modules/storage/domain/object-storage';
import { DEFAULT_STORAGE_DIRECTORY } from './modules/storage/infra/default-directory';
import { localDiskStorage } from './modules/storage/infra/local-disk-storage';
import { s3Storage, type S3StorageConfiguration } from './modules/storage/infra/s3-storage';
import { DEFAULT_MAX_DOCUMENT_BYTES } from './modules/document/domain/document';
import { indexWakeups, startDocumentIndexJob, type IndexWakeups } from './modules/document/infra/index-job';
import { textExtractor } from './modules/document/infra/text-extractor';
import { DEFAULT_RETRIEVAL, type RetrievalOptions } from './modules/assistant/domain/assistant-operations';

/** Prisma's client type with query events on (the kit counts statements through them). */
export type Database = PrismaClient<'query'>;

/** What conversations' modules are built from. */
export interface ConversationsDependencies extends TenantFoundation<Database, Prisma.TransactionClient> {
  /** Seals channel accounts' tokens and webhook secrets; null without a keyring (accounts then refuse). */
  tokenCipher: FieldCipher | null;
  /** The platforms' OAuth token endpoints (the refresh job's). */
  tokenClient: OAuthTokenClient;
  /** The AI provider the inbox pipeline and the assistant call (local unless configured). */
  ai: AiProvider;
  /** Each platform's adapter (signature scheme, payload mapping, sends). */
  adapters: ChannelAdapters;
  /** Seals message text and sender names (refuses without a keyring). */
  messageSealing: MessageSealing;
  /** Where documents and retention archives are kept (local disk, or an S3-compatible bucket). */
  storage: ObjectStorage;
  /** Seals leads for crm in transit (LEADS_TRANSIT_KEYRING); null without one (no leads go to crm). */
  leadTransit: FieldCipher | null;
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
  /** Per-platform API bases over `channelApiBaseUrl` (CHANNELS_<PLATFORM>_API_BASE_URL). */
  channelApiBaseUrls?: Partial<Record<ChannelAccountPlatform, string>>;
  /** How often the AI worker looks for due tasks (default 250 ms). */
  aiWorkerIntervalMs?: number;
  /** How often the reply queue's worker looks for due sends (default 500 ms). */
  replyQueueIntervalMs?: number;
  /** The organization's auto-send threshold; default: read from its conversation settings. */
  autoSendThresholdOf?: (tx: Prisma.TransactionClient, organizationId: string) => Promise<number | null>;
  /** The AI provider (CONVERSATIONS_AI_PROVIDER…; default: the deterministic local provider). */
  ai?: AiProvider;
  /** Object storage (tests); else an S3-compatible bucket when `s3` is given, else local disk. */
  storage?: ObjectStorage;
  /** The S3-compatible bucket (CONVERSATIONS_STORAGE=s3 and CONVERSATIONS_S3_*). */
  s3?: S3StorageConfiguration;
  /** Local storage's directory (CONVERSATIONS_STORAGE_DIR). */
  storageDirectory?: string;
  /** How often the retention job runs (default hourly); 0 turns it off (tests run passes themselves). */
  retentionIntervalMs?: number;
  /**
   * The keyring leads travel to crm sealed with (LEADS_TRANSIT_KEYRING, the same as crm's). Without
   * one, no lead events are published.
   */
  leadsTransitKeyring?: FieldKeyring;
  /** The upload limit in bytes (CONVERSATIONS_DOCUMENT_MAX_BYTES; default 700 KiB, under the 1 MiB body limit). */
  documentMaxBytes?: number;
  /** How often the document index job looks for waiting documents besides being woken (default 5 min). */
  documentIndexIntervalMs?: number;
  /** Retrieval: top-k chunks, the similarity floor, the history given as memory. */
  retrieval?: Partial<RetrievalOptions>;
}

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
    adapters: channelAdapters({
      defaultApiBaseUrl: options.channelApiBaseUrl ?? DEFAULT_CHANNEL_API_BASE_URL,
      apiBaseUrls: options.channelApiBaseUrls ?? {},
    }),
    messageSealing: messageSealing(options.piiKeyring ? fieldCipher(options.piiKeyring) : null),
    storage:
      options.storage ??
      (options.s3
        ? s3Storage(options.s3)
        : localDiskStorage(options.storageDirectory ?? DEFAULT_STORAGE_DIRECTORY)),
    leadTransit: options.leadsTransitKeyring ? fieldCipher(options.leadsTransitKeyring) : null,
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
      // Messages past their organization's retention are archived to storage and deleted (hourly).
      ...(options.retentionIntervalMs === 0
        ? []
        : [
            startRetentionJob(
              { ...dependencies, logger: options.logger },
              { intervalMs: options.retentionIntervalMs ?? 60 * 60 * 1000 },
            ),
          ]),
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
            startAiWorker(
              {
                ...dependencies,
                sealing: {
                  messages: dependencies.messageSealing,
                  pipeline: pipelineSealing(cipher),
                  leadTransit: dependencies.leadTransit,
                },
                autoSendThresholdOf: options.autoSendThresholdOf ?? autoSendThresholdOf,
                logger: options.logger,
              },
              options.aiWorkerIntervalMs ?? 250,
            ),
            startDeliveryWorker(
              { ...dependencies, cipher, sealing: dependencies.messageSealing, logger: options.logger },
              options.replyQueueIntervalMs ?? 500,
            ),
          ]
        : []),
    ];
  },
  consumers: async (dependencies, messaging, options) => {
    const cipher = dependencies.tokenCipher;
    return [
      await startEntitlementsConsumer(dependencies, messaging, options),
      ...(cipher ? [await startIngestionConsumer(dependencies, cipher, messaging, options)] : []),
      await startLeadLinksConsumer(dependencies, messaging, options),
      await startContactCompaniesConsumer(dependencies, messaging, options),
    ];
  },
  // Each connected account's platform delivers to /webhooks/channels/<webhookId> (needs the keyring).
  routes: (dependencies, options): Record<string, RouteHandler> => {
    const cipher = dependencies.tokenCipher;
    if (!cipher) return {};
    return {
      [CHANNEL_WEBHOOK_ROUTE]: channelWebhookRoute({
        ...dependencies,
        cipher,
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
export { conversationSettingsOf } from './modules/settings/infra/conversation-settings-repository';
export { runRetentionPass } from './modules/retention/infra/retention-job';
export { publishLeadMessage, type OutboundLeadMessage } from './modules/lead/infra/lead-messages';
export { runDueAiTasks } from './modules/ai/infra/ai-worker';
export { pipelineSealing } from './modules/ai/infra/ai-tasks';
export { applyEntitlements } from './modules/ai/infra/entitlements';
export { localAiProvider } from './modules/ai/infra/local-provider';
export { messageSealing } from './modules/message/infra/message-sealing';
export { localDiskStorage } from './modules/storage/infra/local-disk-storage';
export { indexPendingDocuments } from './modules/document/infra/index-job';
export { applyContactCompany } from './consumers/contact-companies';
