import { isUuid } from '@platform/domain';

/**
 * Tenant isolation, enforced twice: repositories filter by organization id, and PostgreSQL row-level
 * security refuses every row of another organization even when a query forgets to.
 *
 * The convention every service follows:
 * - each tenant-scoped table has an `organization_id uuid not null` column;
 * - its migration enables and forces RLS with one policy, `tenant_isolation` (paste the SQL from
 *   `tenantIsolationPolicySql('<table>')` into migration.sql);
 * - the service connects as its `<service>_app` role (not the owner, no BYPASSRLS), so the policy
 *   applies to it;
 * - tenant-scoped work runs inside `withTenant(client, organizationId, work)`, which sets
 *   `app.organization_id` for that transaction only (`set_config(..., true)`), so a pooled connection
 *   never carries one request's tenant into the next.
 * Outside `withTenant` the setting is unset and the policy matches no row: forgetting it fails closed.
 */

/** What `withTenant` needs of a transaction: Prisma's `$executeRaw` tagged template. */
export interface TenantTransaction {
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): PromiseLike<number>;
}

export interface TenantTransactionOptions {
  maxWait?: number;
  timeout?: number;
}

/** Any Prisma-like client: an interactive `$transaction` whose callback gets a transaction client. */
export interface TenantClient<Tx extends TenantTransaction> {
  $transaction<T>(work: (tx: Tx) => Promise<T>, options?: TenantTransactionOptions): PromiseLike<T>;
}

/**
 * Runs `work` in one transaction in which row-level security sees `organizationId` as the current
 * tenant. Everything `work` does must go through `tx`.
 */
export async function withTenant<Tx extends TenantTransaction, T>(
  client: TenantClient<Tx>,
  organizationId: string,
  work: (tx: Tx) => Promise<T>,
  options?: TenantTransactionOptions,
): Promise<T> {
  // The policies cast the setting to uuid; a malformed id would surface as a confusing SQL error.
  if (!isUuid(organizationId)) throw new TypeError('withTenant: organizationId must be a UUID');
  return client.$transaction(
    async (tx) => {
      await tx.$executeRaw`select set_config('app.organization_id', ${organizationId}, true)`;
      return work(tx);
    },
    { maxWait: CONNECTION_WAIT_MS, ...options },
  );
}

/**
 * How long a transaction waits for a pooled connection before it fails. Prisma's default (2 s) failed
 * requests whose loaders open many short transactions at once while the machine was busy (an internal
 * error to the client); the gateway gives a subgraph 10 s, so waiting up to that is still an answer.
 */
export const CONNECTION_WAIT_MS = 10_000;

/**
 * Runs `work` in one transaction that turned the boolean setting `app.<flag>` on, for tables whose
 * policies open a narrow cross-tenant door to it (identity's `auth_lookup` reads before the
 * organization is known, the throttling table, automation's local mailbox, billing's handled payment
 * webhooks). What such a policy allows is the migration's business; this only opens the transaction.
 */
export async function withFlag<Tx extends TenantTransaction, T>(
  client: TenantClient<Tx>,
  flag:
    | 'auth_lookup'
    | 'throttle'
    | 'mailbox_read'
    | 'billing_schedule'
    | 'payment_webhooks'
    | 'channel_accounts'
    | 'ai_tasks'
    | 'outbound_deliveries',
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  return client.$transaction(
    async (tx) => {
      await tx.$executeRaw`select set_config(${`app.${flag}`}, 'on', true)`;
      return work(tx);
    },
    { maxWait: CONNECTION_WAIT_MS },
  );
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The migration SQL that puts a table under the tenant-isolation policy. `FORCE` makes the policy
 * apply to the table owner too; `WITH CHECK` refuses inserts and updates that would write a row of
 * another organization. Paste it into the migration after the table's CREATE TABLE.
 */
export function tenantIsolationPolicySql(table: string): string {
  if (!IDENTIFIER.test(table)) {
    throw new TypeError(`tenantIsolationPolicySql: "${table}" is not a plain SQL identifier`);
  }
  // Once a session has set the variable, PostgreSQL reports it as '' (not NULL) after the transaction
  // ends; nullif keeps "no tenant" meaning "no rows" instead of a uuid cast error.
  const predicate = `organization_id = nullif(current_setting('app.organization_id', true), '')::uuid`;
  return [
    `ALTER TABLE "${table}" ENABLE ROW LEVEL SECURITY;`,
    `ALTER TABLE "${table}" FORCE ROW LEVEL SECURITY;`,
    `CREATE POLICY tenant_isolation ON "${table}" USING (${predicate}) WITH CHECK (${predicate});`,
  ].join('\n');
}
