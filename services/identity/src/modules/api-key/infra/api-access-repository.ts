import type { TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import { FREE_API_ACCESS, type ApiAccess, type ApiAccessLevel } from '../domain/api-access';

type Transaction = Prisma.TransactionClient;

/** One billing.entitlements.changed.v1, as identity keeps it. */
export interface ApiAccessChange {
  organizationId: string;
  planId: string;
  level: ApiAccessLevel;
  /** billing's version of the organization's entitlements (grows by one per change). */
  version: number;
  /** When billing changed them (the event's `changedAt`). */
  at: Date;
}

/**
 * Applies billing's event inside the consumer's transaction when its version is above the one kept, in
 * one statement (`INSERT … ON CONFLICT DO UPDATE … WHERE version < new version`): a redelivered, late or
 * out-of-order event (an equal or older version) changes nothing. Answers whether it was applied.
 */
export async function applyApiAccess(tx: Transaction, change: ApiAccessChange): Promise<boolean> {
  const applied = await tx.$executeRaw`
    INSERT INTO organization_api_access (organization_id, plan_id, api_access, version, changed_at)
    VALUES (${change.organizationId}::uuid, ${change.planId}, ${change.level}::"ApiAccessLevel",
      ${change.version}::int, ${change.at}::timestamptz)
    ON CONFLICT (organization_id) DO UPDATE SET
      plan_id = EXCLUDED.plan_id,
      api_access = EXCLUDED.api_access,
      version = EXCLUDED.version,
      changed_at = EXCLUDED.changed_at
    WHERE organization_api_access.version < EXCLUDED.version`;
  return applied > 0;
}

/** The organization's API access as identity's copy has it (the Free plan's before billing's first event). */
export function apiAccessRepository(db: TenantDatabase<Transaction>): {
  of(organizationId: string): Promise<ApiAccess>;
} {
  return {
    async of(organizationId) {
      const row = await db.read(organizationId, (tx) =>
        tx.organizationApiAccess.findUnique({ where: { organizationId } }),
      );
      return row ? { level: row.apiAccess, planId: row.planId, version: row.version } : FREE_API_ACCESS;
    },
  };
}
