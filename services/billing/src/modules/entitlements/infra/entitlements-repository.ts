import { appendToOutbox } from '@platform/events';
import type { TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import { isPlanId } from '../../plan/domain/plan';
import {
  entitlementsChanged,
  type EntitlementsChange,
  type OrganizationEntitlements,
} from '../domain/entitlements';
import type { EntitlementsRepository } from '../domain/entitlements-repository';

type Transaction = Prisma.TransactionClient;
type EntitlementsRow = Prisma.OrganizationEntitlementsGetPayload<object>;

function toEntitlements(row: EntitlementsRow): OrganizationEntitlements {
  // Written only by publishEntitlements from a PlanId; another value is broken data.
  if (!isPlanId(row.planId))
    throw new Error(`entitlements of ${row.organizationId} name unknown plan ${row.planId}`);
  return {
    organizationId: row.organizationId,
    version: row.version,
    subscriptionId: row.subscriptionId,
    planId: row.planId,
    status: row.status,
    entitlements: {
      contactLimit: row.contactLimit,
      customFieldLimit: row.customFieldLimit,
      storageGb: row.storageGb,
      aiInsights: row.aiInsights,
      apiAccess: row.apiAccess,
      interactionTracking: row.interactionTracking,
      support: row.support,
      seats: row.seats,
    },
    changedAt: row.changedAt,
  };
}

/**
 * Publishes what the organization is entitled to now, inside the caller's tenant transaction `tx`
 * (the subscription lifecycle's, or sign-up provisioning's): bumps the organization's version by one
 * (1 the first time), stores the entitlements and appends billing.entitlements.changed.v1 to the
 * outbox, so the change, its version and its event commit or roll back together. The version is
 * bumped by one statement (`INSERT … ON CONFLICT DO UPDATE SET version = version + 1`), which takes the
 * row's lock: concurrent publications for one organization get consecutive versions and commit in
 * that order. Call it for every change; it does not compare with what was published before.
 */
export async function publishEntitlements(tx: Transaction, change: EntitlementsChange): Promise<void> {
  const { entitlements } = change;
  const data = {
    subscriptionId: change.subscriptionId,
    planId: change.planId,
    status: change.status,
    contactLimit: entitlements.contactLimit,
    customFieldLimit: entitlements.customFieldLimit,
    storageGb: entitlements.storageGb,
    aiInsights: entitlements.aiInsights,
    apiAccess: entitlements.apiAccess,
    interactionTracking: entitlements.interactionTracking,
    support: entitlements.support,
    seats: entitlements.seats,
    changedAt: change.at,
  };
  const row = await tx.organizationEntitlements.upsert({
    where: { organizationId: change.organizationId },
    create: { organizationId: change.organizationId, version: 1, ...data },
    update: { version: { increment: 1 }, ...data },
  });
  await appendToOutbox(tx, [entitlementsChanged(toEntitlements(row))]);
}

/**
 * Entitlements over Prisma. Every read runs in the organization's tenant transaction (row-level
 * security backs up the explicit organization filter).
 */
export function entitlementsRepository(db: TenantDatabase<Transaction>): EntitlementsRepository {
  return {
    async current(organizationId) {
      const row = await db.read(organizationId, (tx) =>
        tx.organizationEntitlements.findUnique({ where: { organizationId } }),
      );
      return row ? toEntitlements(row) : null;
    },
  };
}
