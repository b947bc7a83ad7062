import { AI_INSIGHT_LEVELS } from '@platform/events/catalog';
import type { Prisma } from '../../../generated/prisma/client';
import { FREE_STORAGE_GB, type StorageEntitlement } from '../../storage/domain/storage-quota';
import { requireAiLevel, type AiFeature, type AiInsightsLevel } from '../domain/ai-task';

type Tx = Prisma.TransactionClient;

export interface AiEntitlement {
  planId: string;
  aiInsights: AiInsightsLevel;
}

/** Before billing has announced an organization's plan, it has no AI (Free's level). */
export const NO_AI: AiEntitlement = { planId: 'free', aiInsights: 'none' };

const isLevel = (value: string): value is AiInsightsLevel =>
  (AI_INSIGHT_LEVELS as readonly string[]).includes(value);

/** The organization's AI entitlement as conversations last heard it from billing. */
export async function aiEntitlementOf(tx: Tx, organizationId: string): Promise<AiEntitlement> {
  const row = await tx.organizationEntitlement.findUnique({ where: { organizationId } });
  if (!row || !isLevel(row.aiInsights)) return NO_AI;
  return { planId: row.planId, aiInsights: row.aiInsights };
}

/** Before billing has announced an organization's plan, it has Free's storage quota (1 GB). */
export const FREE_STORAGE: StorageEntitlement = { planId: 'free', storageGb: FREE_STORAGE_GB };

/** The organization's storage quota as conversations last heard it from billing (Free's without a row). */
export async function storageEntitlementOf(tx: Tx, organizationId: string): Promise<StorageEntitlement> {
  const row = await tx.organizationEntitlement.findUnique({
    where: { organizationId },
    select: { planId: true, storageGb: true },
  });
  return row ?? FREE_STORAGE;
}

/** FORBIDDEN (reason plan_feature) unless the organization's plan includes the AI feature. */
export async function requireAiFeature(
  tx: Tx,
  organizationId: string,
  feature: AiFeature,
): Promise<AiEntitlement> {
  const entitlement = await aiEntitlementOf(tx, organizationId);
  requireAiLevel(entitlement, feature);
  return entitlement;
}

/**
 * Keeps the copy of billing.entitlements.changed.v1 (the newest version per organization wins, so a
 * redelivered or late event changes nothing). A lower storage quota applies to the next upload; nothing
 * stored is removed. `storageGb` left out (a caller that sets only the AI level, as some tests do) keeps
 * Free's quota, as if billing had said nothing about storage.
 */
export async function applyEntitlements(
  tx: Tx,
  change: {
    organizationId: string;
    planId: string;
    aiInsights: AiInsightsLevel;
    /** GB of 2^30 bytes, as billing publishes it; null is unlimited. */
    storageGb?: number | null;
    version: number;
    changedAt: Date;
  },
): Promise<void> {
  const storageGb = change.storageGb === undefined ? FREE_STORAGE_GB : change.storageGb;
  await tx.$executeRaw`
    INSERT INTO organization_entitlements (organization_id, plan_id, ai_insights, storage_gb, version, changed_at)
    VALUES (${change.organizationId}::uuid, ${change.planId}, ${change.aiInsights}, ${storageGb}::int,
      ${change.version}, ${change.changedAt})
    ON CONFLICT (organization_id) DO UPDATE
      SET plan_id = EXCLUDED.plan_id, ai_insights = EXCLUDED.ai_insights, storage_gb = EXCLUDED.storage_gb,
          version = EXCLUDED.version, changed_at = EXCLUDED.changed_at
      WHERE organization_entitlements.version < EXCLUDED.version`;
}
