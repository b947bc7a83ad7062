/**
 * The scheduler: every `intervalMs` it finds the subscriptions whose next timed event (a period's end,
 * a dunning retry, an expiry) is due on billing's clock and handles each in its organization's own
 * transaction (`runDueEvents`). Replicas may all run it: each subscription is locked while handled,
 * and a second replica finds its events already handled.
 */
import { withFlag, type Logger } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { BillingDependencies } from '../../../service';
import { runDueEvents } from '../domain/subscription-operations';
import { subscriptionTransaction } from './subscription-repository';

/** Subscriptions looked at per pass; a pass continues while it finds full batches. */
const BATCH = 100;

/** One pass: every subscription due by `now`. Answers how many timed events were handled. */
export async function runDueSubscriptions(dependencies: BillingDependencies, now: Date): Promise<number> {
  const { database, tenants, subscriptionCollaborators, logger } = dependencies;
  let handled = 0;
  const failed = new Set<string>();
  for (;;) {
    const due = await withFlag(
      database,
      'billing_schedule',
      (tx: Prisma.TransactionClient) =>
        tx.$queryRaw<Array<{ id: string; organization_id: string }>>`
        SELECT id, organization_id FROM organization_subscriptions
        WHERE next_action_at <= ${now} ORDER BY next_action_at LIMIT ${BATCH}`,
    );
    const pending = due.filter((row) => !failed.has(row.id));
    for (const row of pending) {
      try {
        handled += await tenants.transaction(row.organization_id, (tx) =>
          runDueEvents(
            subscriptionTransaction(tx, subscriptionCollaborators),
            row.organization_id,
            row.id,
            now,
          ),
        );
      } catch (error) {
        // One broken subscription must not stop the others; it is tried again on the next pass.
        failed.add(row.id);
        logger.error({ err: error, subscriptionId: row.id }, 'billing scheduler: a due subscription failed');
      }
    }
    if (due.length < BATCH || pending.length === 0) return handled;
  }
}

/** The scheduler as a kit job (stopped first when billing closes). */
export function startSubscriptionScheduler(
  dependencies: BillingDependencies,
  options: { intervalMs: number; logger: Logger },
): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  let stopped = false;
  const timer = setInterval(() => {
    // A pass still running when the next is due is not doubled: the next tick finds it done.
    if (stopped || running) return;
    running = runDueSubscriptions(dependencies, dependencies.clock.now())
      .then(() => undefined)
      .catch((error: unknown) => options.logger.error({ err: error }, 'billing scheduler: a pass failed'))
      .finally(() => {
        running = null;
      });
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (running) await running;
    },
  };
}
