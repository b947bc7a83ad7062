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

/** One billing.subscription.activated.v1, as the projection keeps it. */
export interface EntitlementsChange {
  organizationId: string;
  subscriptionId: string;
  planId: string;
  contactLimit: number | null;
  customFieldLimit: number | null;
  /** When the event happened (its `time`). */
  at: Date;
}

/**
 * Applies billing's event inside the consumer's transaction: replaces the organization's entitlements,
 * unless an event that happened later was applied already (a redelivery, or another subscription's
 * older activation arriving late, changes nothing).
 */
export async function applyEntitlements(tx: Transaction, change: EntitlementsChange): Promise<void> {
  const existing = await tx.organizationEntitlements.findUnique({
    where: { organizationId: change.organizationId },
    select: { effectiveAt: true },
  });
  if (existing && existing.effectiveAt.getTime() > change.at.getTime()) return;
  const data = {
    planId: change.planId,
    contactLimit: change.contactLimit,
    customFieldLimit: change.customFieldLimit,
    subscriptionId: change.subscriptionId,
    effectiveAt: change.at,
  };
  await tx.organizationEntitlements.upsert({
    where: { organizationId: change.organizationId },
    create: { organizationId: change.organizationId, ...data },
    update: data,
  });
}
