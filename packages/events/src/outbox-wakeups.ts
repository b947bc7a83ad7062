/**
 * In-process wake-ups for the outbox relay. A service's write path calls `notify()` once a transaction
 * that appended outbox rows has committed, and the relay of the same process publishes them at once
 * instead of waiting for its next poll. Nothing crosses the process boundary: a relay in another replica
 * still finds those rows by polling (see the README, "Latency and idle cost").
 *
 * Not LISTEN/NOTIFY: services own their migrations (no trigger), and a `NOTIFY` inside every writing
 * transaction would take a database-wide lock at commit.
 */
export interface OutboxWakeups {
  /**
   * Wakes the relay. Call it after the transaction that appended outbox rows COMMITTED (called earlier,
   * the relay may look before the rows are visible and then wait for its next poll). Synchronous, cheap,
   * never throws; many calls while a batch runs coalesce into one more batch.
   */
  readonly notify: () => void;
  /**
   * Awaits `transaction` (a promise that settles once the transaction committed or rolled back, such as
   * Prisma's `$transaction`), calls `notify()`, and returns its outcome unchanged. It notifies on a
   * rejection too: a wake-up for nothing costs the relay one empty batch, a missing one costs latency.
   */
  readonly notifyAfter: <T>(transaction: Promise<T>) => Promise<T>;
  /** For the relay: calls `listener` on every `notify()`. Returns the function that unsubscribes. */
  readonly subscribe: (listener: () => void) => () => void;
}

/**
 * One per process and database, shared by the service's write path and its relay:
 *
 * ```ts
 * const outboxWakeups = createOutboxWakeups();
 * startOutboxRelay({ ...options, wakeups: outboxWakeups });
 * await outboxWakeups.notifyAfter(prisma.$transaction(async (tx) => { … appendToOutbox(tx, events) … }));
 * ```
 */
export function createOutboxWakeups(): OutboxWakeups {
  const listeners = new Set<() => void>();

  const notify = (): void => {
    for (const listener of listeners) {
      try {
        listener();
      } catch {
        // A listener is the relay's own flag-and-wake; the write path that called notify() already
        // committed and must not fail because of it. The relay's fallback poll covers a lost wake-up.
      }
    }
  };

  return {
    notify,
    async notifyAfter<T>(transaction: Promise<T>): Promise<T> {
      try {
        return await transaction;
      } finally {
        notify();
      }
    },
    subscribe(listener: () => void): () => void {
      // A wrapper per subscription, so one listener subscribed twice is unsubscribed one at a time.
      const entry = (): void => listener();
      listeners.add(entry);
      return () => {
        listeners.delete(entry);
      };
    },
  };
}
