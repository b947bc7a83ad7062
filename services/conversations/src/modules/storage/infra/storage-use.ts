import type { Prisma } from '../../../generated/prisma/client';
import { storageEntitlementOf } from '../../ai/infra/entitlements';
import type { StorageUse } from '../domain/storage-quota';

type Tx = Prisma.TransactionClient;

/**
 * Takes the organization's storage lock until the transaction ends (a transaction-level advisory lock on
 * a hash of its id, as crm locks a plan limit): writes that add stored bytes take turns, so each counts
 * what the previous one committed and two uploads cannot both take the last room. Organizations never
 * wait for each other. The retention job takes it too when it records an archive, though archives are
 * never refused (see the README): an upload checking meanwhile counts the archive's new size.
 */
export async function lockStorageQuota(tx: Tx, organizationId: string): Promise<void> {
  const name = `conversations.storage_quota|${organizationId}`;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${name}, 0))`;
}

/**
 * The organization's storage quota and what it stores now, read in `tx`: the bytes of its live documents
 * and its retention archives, in one aggregate statement (the objects it publishes
 * conversations.storage_object.changed.v1 for, so billing's `storage_bytes` meters the same sum).
 */
export async function storageUseOf(tx: Tx, organizationId: string): Promise<StorageUse> {
  const entitlement = await storageEntitlementOf(tx, organizationId);
  const [row] = await tx.$queryRaw<Array<{ used_bytes: bigint }>>`
    SELECT
      (SELECT coalesce(sum(d.size_bytes), 0)::bigint FROM documents d
        WHERE d.organization_id = ${organizationId}::uuid AND d.deleted_at IS NULL)
      + (SELECT coalesce(sum(a.size_bytes), 0)::bigint FROM message_archives a
        WHERE a.organization_id = ${organizationId}::uuid) AS used_bytes`;
  return { ...entitlement, usedBytes: row?.used_bytes ?? 0n };
}
