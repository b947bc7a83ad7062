import { DomainError } from '@platform/domain';
import {
  checkStorageQuota,
  storageQuotaBytes,
  type StorageUse,
} from '../../src/modules/storage/domain/storage-quota';

// The storage quota's rule without I/O: billing's GB, the boundary, unlimited, and the refusal's details.

const GIB = 2 ** 30;
const use = (storageGb: number | null, usedBytes: number, planId = 'free'): StorageUse => ({
  planId,
  storageGb,
  usedBytes: BigInt(usedBytes),
});

function refusal(work: () => void): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('not refused');
}

describe('storage quota', () => {
  it('counts a GB as 2^30 bytes, as billing does, and null as unlimited', () => {
    expect(storageQuotaBytes(1)).toBe(1_073_741_824n);
    expect(storageQuotaBytes(100)).toBe(107_374_182_400n);
    expect(storageQuotaBytes(0)).toBe(0n);
    expect(storageQuotaBytes(null)).toBeNull();
  });

  it('admits an upload up to the quota exactly, and refuses one byte more', () => {
    expect(() => checkStorageQuota(use(1, GIB - 10), 10)).not.toThrow();
    const refused = refusal(() => checkStorageQuota(use(1, GIB - 10), 11));
    expect(refused.code).toBe('PLAN_LIMIT_REACHED');
    expect(refused.details).toEqual({
      limit: 'storageBytes',
      maximum: GIB,
      current: GIB - 10,
      requested: 11,
      planId: 'free',
    });
    expect(refused.message).toContain('1 GB');
  });

  it('refuses any upload once the stored bytes are above a lowered quota (a downgrade)', () => {
    expect(refusal(() => checkStorageQuota(use(1, 5 * GIB, 'free'), 1)).details).toMatchObject({
      current: 5 * GIB,
      maximum: GIB,
    });
    expect(refusal(() => checkStorageQuota(use(0, 0, 'custom'), 1)).code).toBe('PLAN_LIMIT_REACHED');
  });

  it('never refuses on an unlimited plan', () => {
    expect(() => checkStorageQuota(use(null, 50 * GIB, 'enterprise'), 700 * 1024)).not.toThrow();
  });
});
