import {
  appendToOutbox,
  outboxEventsAppendedIn,
  type CatalogEvent,
  type OutboxWakeups,
} from '@platform/events';
import {
  auditEventsForWrite,
  currentAuditScope,
  systemAuditScope,
  withAuditScope,
  type AuditScope,
} from './audit';
import type { ServiceFoundation } from './service-definition';
import { withTenant, type TenantClient, type TenantTransaction } from './tenant';

/** Told after a transaction that wrote outbox rows has committed (the relay publishes at once). */
export type OutboxSignal = Pick<OutboxWakeups, 'notify'>;

/**
 * A service database seen through tenancy: every read and write runs in the organization's tenant
 * transaction, and a write stores its events as outbox rows in that same transaction, so an event
 * exists exactly when its change committed.
 */
export interface TenantDatabase<Tx extends TenantTransaction> {
  read<T>(organizationId: string, work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs `work`, then appends `events` to the outbox, in one tenant transaction; after the commit the
   * relay is woken. The events come from the domain operation that decided the change.
   */
  write<T>(organizationId: string, events: readonly CatalogEvent[], work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Like `write`, for a change whose events depend on what the transaction finds (e.g. which sessions
   * were still open): `work` answers its value and its events, stored in the same transaction.
   */
  writeDecided<T>(
    organizationId: string,
    work: (tx: Tx) => Promise<{ value: T; events: readonly CatalogEvent[] }>,
  ): Promise<T>;
  /**
   * A plain tenant transaction whose work may append events itself (`appendToOutbox(tx, events)`):
   * what an event consumer's handler runs in. The consumer runner wakes the relay after a handler that
   * appended events committed (`startEventConsumer({ wakeups })`). `cause` attributes the events' audit
   * entries (default: the system, with no causing event).
   */
  transaction<T>(organizationId: string, work: (tx: Tx) => Promise<T>, cause?: TransactionCause): Promise<T>;
}

/** What a consumer's transaction is attributed to in the audit trail. */
export interface TransactionCause {
  /** `workflow` for work a workflow does; default `system`. */
  actor?: 'system' | 'workflow';
  /** The consumed event that caused it. */
  causationEventId?: string;
}

/** Which service the database belongs to: its writes are audited as that service's. */
export interface TenantDatabaseOptions {
  /** Without it nothing is audited (repositories built by hand in tests). */
  service?: string;
}

type OutboxTransaction = TenantTransaction & Parameters<typeof appendToOutbox>[0];

export function tenantDatabase<Tx extends OutboxTransaction>(
  client: TenantClient<Tx>,
  outbox: OutboxSignal,
  options: TenantDatabaseOptions = {},
): TenantDatabase<Tx> {
  const { service } = options;
  /** The write's events and their audit entries, appended in `tx`; true when anything was. */
  async function appendWithAudit(
    tx: Tx,
    organizationId: string,
    events: readonly CatalogEvent[],
    scope: AuditScope | undefined,
  ): Promise<{ appended: boolean; audited: boolean }> {
    const audit = service ? auditEventsForWrite(service, organizationId, events, scope) : [];
    const all = [...events, ...audit];
    if (all.length > 0) await appendToOutbox(tx, all);
    return { appended: all.length > 0, audited: audit.length > 0 };
  }
  async function writing<T>(
    organizationId: string,
    work: (tx: Tx) => Promise<{ value: T; events: readonly CatalogEvent[] }>,
  ): Promise<T> {
    const scope = currentAuditScope();
    let outcome = { appended: false, audited: false };
    const value = await withTenant(client, organizationId, async (tx) => {
      const decided = await work(tx);
      outcome = await appendWithAudit(tx, organizationId, decided.events, scope);
      return decided.value;
    });
    if (outcome.appended) outbox.notify();
    if (outcome.audited && scope) scope.recorded = true;
    return value;
  }
  return {
    read: (organizationId, work) => withTenant(client, organizationId, work),
    write: (organizationId, events, work) =>
      writing(organizationId, async (tx) => ({ value: await work(tx), events })),
    writeDecided: writing,
    transaction(organizationId, work, cause) {
      const scope = currentAuditScope() ?? systemAuditScope(cause);
      return withAuditScope(scope, () =>
        withTenant(client, organizationId, async (tx) => {
          const value = await work(tx);
          // The handler appended its events itself; their audit entries join them here.
          if (service) {
            const audit = auditEventsForWrite(service, organizationId, outboxEventsAppendedIn(tx), scope);
            if (audit.length > 0) await appendToOutbox(tx, audit);
          }
          return value;
        }),
      );
    },
  };
}

/** What most services' modules are built from: the kit's foundation and the service's tenant database. */
export interface TenantFoundation<
  TDatabase,
  Tx extends TenantTransaction,
> extends ServiceFoundation<TDatabase> {
  tenants: TenantDatabase<Tx>;
}

/** The foundation with its tenant database (`dependencies: withTenants` in `defineService`). */
export function withTenants<TDatabase extends TenantClient<Tx>, Tx extends OutboxTransaction>(
  foundation: ServiceFoundation<TDatabase>,
): TenantFoundation<TDatabase, Tx> {
  return {
    ...foundation,
    tenants: tenantDatabase<Tx>(foundation.database, foundation.outbox, { service: foundation.service }),
  };
}
