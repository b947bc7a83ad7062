import type { TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import {
  checkPlanLimit,
  FREE_PLAN_ENTITLEMENTS,
  maximumOf,
  type Entitlements,
  type OrganizationEntitlements,
  type PlanLimit,
} from '../domain/entitlements';

type Transaction = Prisma.TransactionClient;

/** The organization's entitlements as crm's projection has them, read in `tx` (Free's without a row). */
export async function entitlementsIn(
  tx: Transaction,
  organizationId: string,
): Promise<OrganizationEntitlements> {
  const row = await tx.organizationEntitlements.findUnique({
    where: { organizationId },
    select: { planId: true, contactLimit: true, customFieldLimit: true },
  });
  return row ?? FREE_PLAN_ENTITLEMENTS;
}

/** crm's projection of the organization's plan entitlements (from billing's events), for reads. */
export function entitlements(db: TenantDatabase<Transaction>): Entitlements {
  return { of: (organizationId) => db.read(organizationId, (tx) => entitlementsIn(tx, organizationId)) };
}

/**
 * Takes the organization's lock of one plan limit until the transaction ends (a transaction-level
 * advisory lock on a hash of limit and organization): writes that add to the same limit take turns, so
 * each counts what the previous one committed. Organizations never wait for each other.
 */
export async function lockPlanLimit(
  tx: Transaction,
  organizationId: string,
  limit: PlanLimit,
): Promise<void> {
  const name = `crm.plan_limit|${limit}|${organizationId}`;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${name}, 0))`;
}

/**
 * Inside a write transaction, before the rows are added: takes the limit's lock, reads the plan's
 * maximum and, unless unlimited, `count`s what the organization has, then refuses with
 * PLAN_LIMIT_REACHED when `adding` more would pass the maximum. Two concurrent creations cannot both
 * take the last place: the second counts after the first committed. `count` runs in `tx`, e.g.
 * `(tx) => tx.contact.count({ where: { organizationId, deletedAt: null } })`.
 */
export async function enforcePlanLimit(
  tx: Transaction,
  organizationId: string,
  limit: PlanLimit,
  count: (tx: Transaction) => Promise<number>,
  adding = 1,
): Promise<void> {
  await lockPlanLimit(tx, organizationId, limit);
  const maximum = maximumOf(await entitlementsIn(tx, organizationId), limit);
  if (maximum === null) return;
  checkPlanLimit(limit, maximum, await count(tx), adding);
}

/** One billing.entitlements.changed.v1, as the projection keeps it. */
export interface EntitlementsChange {
  organizationId: string;
  subscriptionId: string;
  planId: string;
  contactLimit: number | null;
  customFieldLimit: number | null;
  /** billing's version of the organization's entitlements (grows by one per change). */
  version: number;
  /** When billing changed them (the event's `changedAt`). */
  at: Date;
}

/**
 * Applies billing's event inside the consumer's transaction: replaces the organization's entitlements
 * when its version is above the one kept, in one statement (`INSERT … ON CONFLICT DO UPDATE … WHERE
 * version < new version`), so a redelivered, late or out-of-order event (an equal or older version)
 * changes nothing, even with two consumers briefly handling one organization during a rebalance.
 * A lower limit applies to the next creation; nothing already stored is touched (an organization above
 * its new limit keeps every record and can add none until it is below the limit again). Answers
 * whether the event was applied.
 */
export async function applyEntitlements(tx: Transaction, change: EntitlementsChange): Promise<boolean> {
  const applied = await tx.$executeRaw`
    INSERT INTO organization_entitlements
      (organization_id, plan_id, contact_limit, custom_field_limit, subscription_id, effective_at, version)
    VALUES (${change.organizationId}::uuid, ${change.planId}, ${change.contactLimit}::int,
      ${change.customFieldLimit}::int, ${change.subscriptionId}::uuid, ${change.at}::timestamptz, ${change.version}::int)
    ON CONFLICT (organization_id) DO UPDATE SET
      plan_id = EXCLUDED.plan_id,
      contact_limit = EXCLUDED.contact_limit,
      custom_field_limit = EXCLUDED.custom_field_limit,
      subscription_id = EXCLUDED.subscription_id,
      effective_at = EXCLUDED.effective_at,
      version = EXCLUDED.version
    WHERE organization_entitlements.version < EXCLUDED.version`;
  return applied > 0;
}
