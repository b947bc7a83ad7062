import { appendToOutbox, type CatalogEvent, type OutboxWakeups } from '@platform/events';
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
   * appended events committed (`startEventConsumer({ wakeups })`).
   */
  transaction<T>(organizationId: string, work: (tx: Tx) => Promise<T>): Promise<T>;
}

type OutboxTransaction = TenantTransaction & Parameters<typeof appendToOutbox>[0];

export function tenantDatabase<Tx extends OutboxTransaction>(
  client: TenantClient<Tx>,
  outbox: OutboxSignal,
): TenantDatabase<Tx> {
  return {
    read: (organizationId, work) => withTenant(client, organizationId, work),
    async write(organizationId, events, work) {
      const result = await withTenant(client, organizationId, async (tx) => {
        const value = await work(tx);
        if (events.length > 0) await appendToOutbox(tx, events);
        return value;
      });
      if (events.length > 0) outbox.notify();
      return result;
    },
    async writeDecided(organizationId, work) {
      let wrote = false;
      const value = await withTenant(client, organizationId, async (tx) => {
        const decided = await work(tx);
        if (decided.events.length > 0) {
          await appendToOutbox(tx, decided.events);
          wrote = true;
        }
        return decided.value;
      });
      if (wrote) outbox.notify();
      return value;
    },
    transaction: (organizationId, work) => withTenant(client, organizationId, work),
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
  return { ...foundation, tenants: tenantDatabase<Tx>(foundation.database, foundation.outbox) };
}
