import {
  defineService,
  fieldCipher,
  observeQueries,
  prismaClientOptions,
  withTenants,
  type FieldCipher,
  type FieldKeyring,
  type ServiceStartOptions,
  type TenantFoundation,
} from '@platform/service-kit';
import { startEntitlementsConsumer } from './consumers/entitlements';
import { startLeadsConsumer } from './consumers/leads';
import { startOrganizationConsumer } from './consumers/organizations';
import { startUserConsumer } from './consumers/users';
import { crmEnvironment } from './environment';
import { startPiiRotation } from './modules/contact/infra/pii-rotation';
import { modules } from './generated/modules';
import { PrismaClient, type Prisma } from './generated/prisma/client';

/** Prisma's client type with query events on (the kit counts statements through them). */
export type Database = PrismaClient<'query'>;

/** crm's start options beyond the kit's. */
export interface CrmOptions {
  /** The keys personal data is encrypted with (CRM_PII_KEYRING). */
  piiKeyring: FieldKeyring;
  /** How often the key-rotation job looks for rows sealed with an old key (default 60 s). */
  piiRotationIntervalMs?: number;
  /**
   * The keyring lead events' participant and message are sealed with in transit (LEADS_TRANSIT_KEYRING,
   * the same as conversations'). Without it crm takes no leads from conversations.
   */
  leadsTransitKeyring?: FieldKeyring;
}

export type CrmServiceOptions = ServiceStartOptions & CrmOptions;

/** What crm's modules are built from. */
export interface CrmDependencies extends TenantFoundation<Database, Prisma.TransactionClient> {
  /** Seals and opens personal data, and computes its blind indexes. */
  cipher: FieldCipher;
}

/**
 * crm: contacts (EMMA's contact-centric core, their personal data encrypted) and support tickets with
 * their notes, tasks, companies (client accounts), pipelines and deals, interactions, custom fields and
 * consent; keeps projections of identity's users (to check the owners and assignees records name), of
 * its organization settings (the pipeline stages and health thresholds of client accounts) and of
 * billing's entitlements (the plan's limits).
 */
export const crmService = defineService({
  name: 'crm',
  defaultPort: 4002,
  sourceDirectory: __dirname,
  database: (url, options) => observeQueries(new PrismaClient(prismaClientOptions(url)), options),
  modules,
  dependencies: (foundation, options: CrmServiceOptions): CrmDependencies => ({
    ...withTenants(foundation),
    cipher: fieldCipher(options.piiKeyring),
  }),
  consumers: async (dependencies, messaging, options) => [
    await startUserConsumer(dependencies, messaging, options),
    await startEntitlementsConsumer(dependencies, messaging, options),
    await startOrganizationConsumer(dependencies, messaging, options),
    ...(options.leadsTransitKeyring
      ? [await startLeadsConsumer(dependencies, fieldCipher(options.leadsTransitKeyring), messaging, options)]
      : []),
  ],
  jobs: (dependencies, options) => [
    startPiiRotation(dependencies, {
      intervalMs: options.piiRotationIntervalMs ?? 60_000,
      logger: options.logger,
    }),
  ],
  environment: crmEnvironment,
});

export type CrmService = Awaited<ReturnType<typeof crmService.start>>;
export const startCrmService = crmService.start;

/** How crm stores contacts' personal data (benchmarks seed rows directly). */
export { identifiersOf, nameSortKey, openContact, sealContact } from './modules/contact/infra/contact-pii';
