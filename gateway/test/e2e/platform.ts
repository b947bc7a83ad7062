/**
 * The whole platform in one test process: the five services and the gateway on loopback ports, each
 * service on a database of its own and all on topics under this test file's prefix. Real PostgreSQL,
 * real Kafka, real HTTP between gateway and subgraphs.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { startAutomationService, type AutomationService } from '@platform/automation';
import { startBillingService, type BillingService } from '@platform/billing';
import { startConversationsService, type ConversationsService } from '@platform/conversations';
import { startCrmService, type CrmService } from '@platform/crm';
import {
  createArgon2idHasher,
  generateSigningKey,
  JWKS_PATH,
  startIdentityService,
  type IdentityService,
} from '@platform/identity';
import { generateInternalContextKeys } from '@platform/service-kit';
import { createEventTopics, postGraphQL, type GraphQLTestError } from '@platform/service-kit/testing';
import { createTestDatabase, type TestDatabase } from '@platform/testing';
import { createGateway, type RunningGateway } from '../../src/app';

const SUPERGRAPH = readFileSync(path.join(__dirname, '..', '..', 'supergraph.graphql'), 'utf8');

export interface TestPlatform {
  gateway: RunningGateway;
  identity: IdentityService;
  crm: CrmService;
  conversations: ConversationsService;
  billing: BillingService;
  automation: AutomationService;
  databases: Record<'identity' | 'crm' | 'conversations' | 'billing' | 'automation', TestDatabase>;
  /** Runs an operation through the gateway, with a bearer token when given. */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<{ status: number; data?: T | null; errors?: GraphQLTestError[] }>;
  /** Stops automation (its consumer drains) and starts it again on the same database and topics. */
  restartAutomation(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestPlatform(
  options: { onIdentityQuery?: (sql: string) => void } = {},
): Promise<TestPlatform> {
  const logger = pino({ level: 'silent' });
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
  const common = {
    port: 0,
    internalContextKey: keys.publicJwk,
    kafka: { brokers: topics.brokers, topicPrefix: topics.prefix },
  };
  const startAutomation = () =>
    startAutomationService({
      ...common,
      databaseUrl: automationDb.appUrl,
      logger: logger.child({ service: 'automation' }),
    });
  const identity = await startIdentityService({
    ...common,
    databaseUrl: identityDb.appUrl,
    logger: logger.child({ service: 'identity' }),
    signingKey: signing.key,
    // Real argon2id with small parameters: sign-ups stay fast on a 2-core machine.
    passwords: createArgon2idHasher({ memoryCost: 1024, timeCost: 1 }),
    onQuery: options.onIdentityQuery,
  });
  const [crm, conversations, billing] = await Promise.all([
    startCrmService({ ...common, databaseUrl: crmDb.appUrl, logger: logger.child({ service: 'crm' }) }),
    startConversationsService({
      ...common,
      databaseUrl: conversationsDb.appUrl,
      logger: logger.child({ service: 'conversations' }),
    }),
    startBillingService({
      ...common,
      databaseUrl: billingDb.appUrl,
      logger: logger.child({ service: 'billing' }),
    }),
  ]);
  let automation = await startAutomation();
  const gateway = await createGateway({
    supergraphSdl: SUPERGRAPH,
    subgraphUrls: {
      identity: identity.graphqlUrl,
      crm: crm.graphqlUrl,
      conversations: conversations.graphqlUrl,
      billing: billing.graphqlUrl,
      automation: automation.graphqlUrl,
    },
    jwks: { url: `${identity.url}${JWKS_PATH}` },
    internalContextKey: keys.privateJwk,
    port: 0,
    logger: logger.child({ service: 'gateway' }),
  });
  const platform: TestPlatform = {
    gateway,
    identity,
    crm,
    conversations,
    billing,
    get automation() {
      return automation;
    },
    databases,
    graphql: (query, variables = {}, token) =>
      postGraphQL(gateway.graphqlUrl, query, variables, token ? { authorization: `Bearer ${token}` } : {}),
    async restartAutomation() {
      const port = Number(new URL(automation.url).port);
      await automation.close();
      automation = await startAutomationService({
        ...common,
        port,
        databaseUrl: automationDb.appUrl,
        logger: logger.child({ service: 'automation' }),
      });
    },
    async close() {
      await gateway.close();
      await Promise.all(
        [identity, crm, conversations, billing, automation].map((service) => service.close()),
      );
      await Promise.all([...Object.values(databases).map((database) => database.drop()), topics.delete()]);
    },
  };
  return platform;
}

/** Polls `probe` until it returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  { timeoutMs = 30_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

let counter = 0;
/** A unique organization for one test: tests never share tenant data. */
export function uniqueSignUp(label: string) {
  counter += 1;
  const suffix = `${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
  return {
    organizationName: `${label} ${suffix}`,
    organizationSlug: `${label}-${suffix}`.toLowerCase(),
    email: `founder-${suffix}@example.com`,
    password: 'correct horse battery staple',
    givenName: 'Founder',
    familyName: label,
  };
}
