/**
 * The plan's storage quota (billing's `storageGb`, issue #10) as conversations enforces it: what counts,
 * and the rule an upload must pass. No Prisma or GraphQL here.
 */
import { planLimitReached } from '@platform/domain';

/** Billing counts a GB as 2^30 bytes (its README, "Usage"): the quota in bytes is `storageGb` × 2^30. */
export const BYTES_PER_GB = 2n ** 30n;

/**
 * Free's quota (billing's plans: 1 GB), what an organization has until billing's first
 * billing.entitlements.changed.v1 arrives: every organization starts on Free, and assuming more would
 * let it store bytes its plan does not cover before the event.
 */
export const FREE_STORAGE_GB = 1;

/** The organization's storage quota as conversations' copy has it. */
export interface StorageEntitlement {
  planId: string;
  /** GB of 2^30 bytes; null is unlimited. */
  storageGb: number | null;
}

/**
 * What counts against the quota now: the bytes of the organization's live documents and of its retention
 * archives, the objects conversations publishes `conversations.storage_object.changed.v1` for (billing
 * meters the same sum). Message attachments are references (metadata only): no bytes are stored for them.
 */
export interface StorageUse extends StorageEntitlement {
  usedBytes: bigint;
}

/** The quota in bytes; null is unlimited. */
export function storageQuotaBytes(storageGb: number | null): bigint | null {
  return storageGb === null ? null : BigInt(storageGb) * BYTES_PER_GB;
}

/**
 * Refuses storing `addingBytes` more when the organization would then hold more than its plan's quota:
 * PLAN_LIMIT_REACHED naming the limit (`storageBytes`), its `maximum` and the `current` use in bytes, and
 * the bytes `requested`, as crm names its limits. Null is unlimited. A quota lowered below what is
 * already stored refuses the next upload and takes nothing away.
 */
export function checkStorageQuota(use: StorageUse, addingBytes: number): void {
  const maximum = storageQuotaBytes(use.storageGb);
  if (maximum === null || use.usedBytes + BigInt(addingBytes) <= maximum) return;
  throw planLimitReached(
    `The organization's plan allows ${use.storageGb ?? 0} GB of storage; ${use.usedBytes.toLocaleString('en')} ` +
      `bytes are stored and ${addingBytes.toLocaleString('en')} more would pass it`,
    {
      limit: 'storageBytes',
      maximum: Number(maximum),
      current: Number(use.usedBytes),
      requested: addingBytes,
      planId: use.planId,
    },
  );
}
