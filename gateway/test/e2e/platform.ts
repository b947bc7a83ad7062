/**
 * The whole platform in one test process: the five services and the gateway on loopback ports, each
 * service on a database of its own and all on topics under this test file's prefix. Real PostgreSQL,
 * real Kafka, real HTTP between gateway and subgraphs.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { LOCAL_MAILBOX_PATH, startAutomationService, type AutomationService } from '@platform/automation';
import { startBillingService, type BillingService, type BillingServiceOptions } from '@platform/billing';
import {
  startConversationsService,
  type ConversationsOptions,
  type ConversationsService,
} from '@platform/conversations';
import { startCrmService, type CrmService } from '@platform/crm';
import {
  createArgon2idHasher,
  generateSigningKey,
  JWKS_PATH,
  PRINCIPAL_PATH,
  startIdentityService,
  type IdentityService,
} from '@platform/identity';
import {
  generateFieldKeyring,
  generateInternalContextKeys,
  parseFieldKeyring,
  type FieldKeyring,
  importInternalContextPrivateKey,
  INTERNAL_CONTEXT_HEADER,
  signInternalContext,
  type InternalContext,
} from '@platform/service-kit';
import {
  callerContext,
  createEventTopics,
  postGraphQL,
  type GraphQLTestError,
  settleStatements,
} from '@platform/service-kit/testing';
import { createGatewayTestDatabase, createTestDatabase, type TestDatabase } from '@platform/testing';
import { createGateway, type QueryLimits, type RateLimitOptions, type RunningGateway } from '../../src/app';

const SUPERGRAPH = readFileSync(path.join(__dirname, '..', '..', 'supergraph.graphql'), 'utf8');

export interface TestPlatform {
  gateway: RunningGateway;
  identity: IdentityService;
  crm: CrmService;
  conversations: ConversationsService;
  /** The keyring conversations seals channel tokens, webhook secrets and messages with. */
  conversationsPiiKeyring: FieldKeyring;
  /** The keyring leads travel from conversations to crm sealed with (both hold it). */
  leadsTransitKeyring: FieldKeyring;
  billing: BillingService;
  automation: AutomationService;
  databases: Record<'identity' | 'crm' | 'conversations' | 'billing' | 'automation', TestDatabase>;
  /** The prefix of this platform's Kafka topics (tests publish events straight to them). */
  topicPrefix: string;
  /** Runs an operation through the gateway, with a bearer token when given. */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<{ status: number; data?: T | null; errors?: GraphQLTestError[] }>;
  /**
   * Runs `work` and counts the SQL statements the five services sent meanwhile (all of them: run
   * nothing else at the same time), by service and in all.
   */
  countStatements<T>(
    work: () => Promise<T>,
  ): Promise<{ result: T; total: number; byService: Record<ServiceName, number> }>;
  /** Headers of a direct subgraph call on behalf of `auth`, signed as the gateway signs them. */
  internalHeaders(auth: Partial<InternalContext>): Promise<Record<string, string>>;
  /** Stops automation (its consumer drains) and starts it again on the same database and topics. */
  restartAutomation(): Promise<void>;
  /** What the local mailbox (automation's default email provider) holds for an address, newest first. */
  mailbox(to: string): Promise<MailboxMessage[]>;
  /** The keyring crm seals contacts' personal data with (benchmarks seed rows directly). */
  crmPiiKeyring: FieldKeyring;
  /** Requests the gateway has sent to subgraphs so far (with `countSubgraphCalls`; else 0). */
  subgraphCalls(): number;
  /**
   * Starts another gateway replica with the same configuration (the same rate-limit database); the
   * platform closes it.
   */
  startGatewayReplica(): Promise<RunningGateway>;
  /**
   * Makes a subgraph's proxy hold every request unanswered (true) or forward again (false); needs
   * `stallableSubgraphs` or `countSubgraphCalls`.
   */
  stallSubgraph(name: ServiceName, stalled: boolean): void;
  /**
   * Makes a subgraph's proxy answer every request this much later (0: at once again); needs
   * `stallableSubgraphs` or `countSubgraphCalls`.
   */
  slowSubgraph(name: ServiceName, delayMs: number): void;
  /** Stops a subgraph service for good (the platform does not close it again). */
  stopSubgraph(name: 'crm' | 'conversations' | 'billing'): Promise<void>;
  close(): Promise<void>;
}

export interface MailboxMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  createdAt: string;
}

export type ServiceName = 'identity' | 'crm' | 'conversations' | 'billing' | 'automation';

export async function startTestPlatform(
  options: {
    onQuery?: (service: ServiceName, sql: string) => void;
    /** How long the gateway keeps a principal (default 30 s, as in production). */
    principalTtlMs?: number;
    /** The gateway's limits (default: the gateway's defaults). */
    limits?: Partial<QueryLimits>;
    /** Route the gateway's subgraph calls through counting proxies (`subgraphCalls`); off by default. */
    countSubgraphCalls?: boolean;
    /**
     * Route subgraph calls through proxies that `stallSubgraph` can make hang (they hold requests
     * unanswered); implied by `countSubgraphCalls`.
     */
    stallableSubgraphs?: boolean;
    /** The gateway's deadline for one subgraph request (default 10 s). */
    subgraphTimeoutMs?: number;
    /** The gateway's deadline for a whole client request (default 15 s). */
    requestDeadlineMs?: number;
    /**
     * The gateway's API-call counting window (default 60 s). A test that asserts queries write nothing
     * for longer than a window gives a longer one: a closing window is published and billing meters it.
     */
    apiUsageWindowSeconds?: number;
    /** Rate limits by cost, counted in a gateway database of this file's own; off by default. */
    rateLimits?: Omit<RateLimitOptions, 'databaseUrl'>;
    /**
     * Billing's clock (tests move it forward) and how often its scheduler looks for due renewals,
     * retries and expiries (default: once an hour, so no pass lands in a statement count).
     */
    billing?: Pick<BillingServiceOptions, 'clock' | 'subscriptionSchedulerIntervalMs'>;
    /**
     * Where conversations sends replies (the test's platform simulator) and how often its AI worker and
     * reply queue look for work (default: once an hour, so no pass lands in a statement count).
     */
    conversations?: Pick<
      ConversationsOptions,
      'channelApiBaseUrl' | 'aiWorkerIntervalMs' | 'replyQueueIntervalMs' | 'autoSendThresholdOf'
    >;
  } = {},
): Promise<TestPlatform> {
  const logger = pino({ level: 'silent' });
  const counts: Record<ServiceName, number> = {
    identity: 0,
    crm: 0,
    conversations: 0,
    billing: 0,
    automation: 0,
  };
  const onQuery = (service: ServiceName) => (sql: string) => {
    counts[service] += 1;
    options.onQuery?.(service, sql);
  };
  const [topics, keys, signing, identityDb, crmDb, conversationsDb, billingDb, automationDb] =
    await Promise.all([
      createEventTopics(),
      generateInternalContextKeys(),
      generateSigningKey(),
      createTestDatabase('identity'),
      createTestDatabase('crm'),
      createTestDatabase('conversations'),
      createTestDatabase('billing'),
      createTestDatabase('automation'),
    ]);
  const databases = {
    identity: identityDb,
    crm: crmDb,
    conversations: conversationsDb,
    billing: billingDb,
    automation: automationDb,
  };
  /** Consumers' work after a request is over (see settleStatements). */
  const settled = () =>
    settleStatements(Object.values(databases), () => Object.values(counts).reduce((sum, n) => sum + n, 0));
  const common = {
    port: 0,
    internalContextKey: keys.publicJwk,
    kafka: { brokers: topics.brokers, topicPrefix: topics.prefix },
  };
  const startAutomation = (port = 0) =>
    startAutomationService({
      ...common,
      port,
      databaseUrl: automationDb.appUrl,
      logger: logger.child({ service: 'automation' }),
      onQuery: onQuery('automation'),
    });
  const identity = await startIdentityService({
    ...common,
    databaseUrl: identityDb.appUrl,
    logger: logger.child({ service: 'identity' }),
    signingKey: signing.key,
    secretKeys: [randomBytes(32)],
    // Real argon2id with small parameters: sign-ups stay fast on a 2-core machine.
    passwords: createArgon2idHasher({ memoryCost: 1024, timeCost: 1 }),
    onQuery: onQuery('identity'),
  });
  const crmPiiKeyring = parseFieldKeyring(generateFieldKeyring());
  const conversationsPiiKeyring = parseFieldKeyring(generateFieldKeyring());
  const leadsTransitKeyring = parseFieldKeyring(generateFieldKeyring());
  const [crm, conversations, billing] = await Promise.all([
    startCrmService({
      ...common,
      databaseUrl: crmDb.appUrl,
      logger: logger.child({ service: 'crm' }),
      onQuery: onQuery('crm'),
      piiKeyring: crmPiiKeyring,
      leadsTransitKeyring,
      // One run at start; none later to land in a statement count.
      piiRotationIntervalMs: 3_600_000,
    }),
    startConversationsService({
      ...common,
      databaseUrl: conversationsDb.appUrl,
      logger: logger.child({ service: 'conversations' }),
      onQuery: onQuery('conversations'),
      piiKeyring: conversationsPiiKeyring,
      leadsTransitKeyring,
      // No refresh pass to land in a statement count.
      tokenRefreshIntervalMs: 3_600_000,
      aiWorkerIntervalMs: 3_600_000,
      replyQueueIntervalMs: 3_600_000,
      ...options.conversations,
    }),
    startBillingService({
      ...common,
      databaseUrl: billingDb.appUrl,
      logger: logger.child({ service: 'billing' }),
      onQuery: onQuery('billing'),
      subscriptionSchedulerIntervalMs: 3_600_000,
      ...options.billing,
      piiKeyring: parseFieldKeyring(generateFieldKeyring()),
    }),
  ]);
  let automation = await startAutomation();
  // With countSubgraphCalls, the gateway reaches each subgraph through a counting proxy.
  const targets = {
    identity: identity.graphqlUrl,
    crm: crm.graphqlUrl,
    conversations: conversations.graphqlUrl,
    billing: billing.graphqlUrl,
    automation: () => automation.graphqlUrl,
  };
  const stalled = new Set<string>();
  const delays = new Map<string, number>();
  const stopped = new Set<string>();
  const proxied = options.countSubgraphCalls || options.stallableSubgraphs;
  const proxies = proxied
    ? await Promise.all(
        Object.entries(targets).map(
          async ([name, target]) =>
            [
              name,
              await countingProxy(target, {
                count: () => (subgraphCalls += 1),
                stalled: () => stalled.has(name),
                delayMs: () => delays.get(name) ?? 0,
              }),
            ] as const,
        ),
      )
    : [];
  let subgraphCalls = 0;
  const gatewayDatabase = options.rateLimits ? await createGatewayTestDatabase() : undefined;
  const replicas: RunningGateway[] = [];
  const startGateway = () =>
    createGateway({
      supergraphSdl: SUPERGRAPH,
      subgraphUrls: proxied
        ? Object.fromEntries(proxies.map(([name, proxy]) => [name, proxy.url]))
        : { ...targets, automation: automation.graphqlUrl },
      jwks: { url: `${identity.url}${JWKS_PATH}` },
      principals: {
        url: `${identity.url}${PRINCIPAL_PATH}`,
        ...(options.principalTtlMs !== undefined ? { ttlMs: options.principalTtlMs } : {}),
      },
      kafka: { brokers: topics.brokers, topicPrefix: topics.prefix },
      internalContextKey: keys.privateJwk,
      port: 0,
      logger: logger.child({ service: 'gateway' }),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.subgraphTimeoutMs !== undefined ? { subgraphTimeoutMs: options.subgraphTimeoutMs } : {}),
      ...(options.requestDeadlineMs !== undefined ? { requestDeadlineMs: options.requestDeadlineMs } : {}),
      ...(options.apiUsageWindowSeconds !== undefined
        ? { apiUsage: { windowSeconds: options.apiUsageWindowSeconds } }
        : {}),
      ...(options.rateLimits && gatewayDatabase
        ? { rateLimits: { ...options.rateLimits, databaseUrl: gatewayDatabase.url } }
        : {}),
    });
  const gateway = await startGateway();
  const platform: TestPlatform = {
    gateway,
    identity,
    crm,
    conversations,
    conversationsPiiKeyring,
    leadsTransitKeyring,
    billing,
    get automation() {
      return automation;
    },
    databases,
    topicPrefix: topics.prefix,
    graphql: (query, variables = {}, token) =>
      postGraphQL(gateway.graphqlUrl, query, variables, token ? { authorization: `Bearer ${token}` } : {}),
    async internalHeaders(auth) {
      const token = await signInternalContext(
        await importInternalContextPrivateKey(keys.privateJwk),
        callerContext(auth),
        { requestId: randomUUID() },
      );
      return { [INTERNAL_CONTEXT_HEADER]: token };
    },
    async countStatements(work) {
      // Consumers work on after a request (the audit trail stores the request's entries): the count
      // starts when the platform is quiet and ends when it is quiet again, so it holds all of it.
      await settled();
      const before = { ...counts };
      const result = await work();
      await settled();
      const byService = { ...counts };
      for (const service of Object.keys(byService) as ServiceName[]) byService[service] -= before[service];
      return { result, total: Object.values(byService).reduce((sum, n) => sum + n, 0), byService };
    },
    async mailbox(to) {
      const response = await fetch(`${automation.url}${LOCAL_MAILBOX_PATH}?to=${encodeURIComponent(to)}`);
      const body = (await response.json()) as { messages?: MailboxMessage[] };
      return body.messages ?? [];
    },
    async restartAutomation() {
      const port = Number(new URL(automation.url).port);
      await automation.close();
      automation = await startAutomation(port);
    },
    crmPiiKeyring,
    subgraphCalls: () => subgraphCalls,
    async stopSubgraph(name) {
      stopped.add(name);
      await { crm, conversations, billing }[name].close();
    },
    stallSubgraph(name, stall) {
      if (!proxied) throw new Error('stallSubgraph needs stallableSubgraphs');
      if (stall) stalled.add(name);
      else stalled.delete(name);
    },
    slowSubgraph(name, delayMs) {
      if (!proxied) throw new Error('slowSubgraph needs stallableSubgraphs');
      delays.set(name, delayMs);
    },
    async startGatewayReplica() {
      const replica = await startGateway();
      replicas.push(replica);
      return replica;
    },
    async close() {
      await Promise.all([gateway, ...replicas].map((running) => running.close()));
      await gatewayDatabase?.drop();
      await Promise.all(proxies.map(([, proxy]) => proxy.close()));
      const running = { identity, crm, conversations, billing, automation };
      await Promise.all(
        Object.entries(running)
          .filter(([name]) => !stopped.has(name))
          .map(([, service]) => service.close()),
      );
      await Promise.all([...Object.values(databases).map((database) => database.drop()), topics.delete()]);
    },
  };
  return platform;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/**
 * A local HTTP server that forwards every request to `target` (a URL, or a function answering the
 * current one: automation restarts on another port) and counts it; while `stalled()`, it reads
 * requests and never answers them (a hung subgraph); it forwards each request `delayMs()` late (a slow
 * one).
 */
async function countingProxy(
  target: string | (() => string),
  behaviour: { count: () => void; stalled: () => boolean; delayMs: () => number },
): Promise<{ url: string; close(): Promise<void> }> {
  const timers = new Set<NodeJS.Timeout>();
  const later = (delayMs: number, run: () => void) => {
    if (delayMs <= 0) return run();
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, delayMs);
    timers.add(timer);
  };
  const server = createServer((request, response) => {
    behaviour.count();
    if (behaviour.stalled()) {
      request.resume();
      return;
    }
    const delayMs = behaviour.delayMs();
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () =>
      later(delayMs, () => {
        const headers = Object.fromEntries(
          Object.entries(request.headers).filter(
            (entry): entry is [string, string] => typeof entry[1] === 'string' && !HOP_BY_HOP.has(entry[0]),
          ),
        );
        // The same path on the target (its /graphql, its /health/ready).
        fetch(new URL(request.url ?? '/', typeof target === 'string' ? target : target()), {
          method: request.method ?? 'POST',
          headers,
          ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
        }).then(
          async (answer) => {
            const body = Buffer.from(await answer.arrayBuffer());
            response.writeHead(answer.status, {
              'content-type': answer.headers.get('content-type') ?? 'application/json',
            });
            response.end(body);
          },
          () => {
            response.writeHead(502);
            response.end();
          },
        );
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        // Stalled requests hold their connections open.
        server.closeAllConnections();
      }),
  };
}
