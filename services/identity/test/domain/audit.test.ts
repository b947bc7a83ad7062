import { domainErrorOf } from '@platform/domain/testing';
import {
  ChainVerifier,
  chainedEntry,
  checkedFilter,
  entryHash,
  exportLimit,
  GENESIS_HASH,
  type AuditEntry,
  type RecordedAudit,
} from '../../src/modules/audit/domain/audit-entry';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const USER = '4a3b2c1d-0e9f-4a8b-9c7d-6e5f4a3b2c1d';
const AT = new Date('2026-11-29T09:30:00.000Z');

const recorded = (overrides: Partial<RecordedAudit> = {}): RecordedAudit => ({
  organizationId: ORGANIZATION,
  service: 'crm',
  occurredAt: AT.toISOString(),
  actor: { type: 'user', userId: USER, apiKeyId: null, actingFromOrganizationId: null, sessionId: null },
  action: 'crm.contact.created',
  operation: 'createContact',
  entityType: 'contact',
  entityId: 'c-1',
  changes: { contactId: 'c-1', tags: ['vip'], nested: { b: 1, a: 2 } },
  details: null,
  requestId: 'req-1',
  clientAddress: '203.0.113.9',
  userAgent: 'test',
  outcome: 'success',
  errorCode: null,
  ...overrides,
});

/** A chain of `count` entries, each continuing from the one before. */
function chain(count: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    const head = entries.at(-1) ?? null;
    entries.push(chainedEntry(`id-${index}`, recorded({ entityId: `c-${index}` }), head, null, AT));
  }
  return entries;
}

describe('chainedEntry', () => {
  it('starts an organization’s chain at 1 from the genesis hash, and continues from the head', () => {
    const [first, second] = chain(2);
    expect(first).toMatchObject({ sequence: 1, previousHash: GENESIS_HASH });
    expect(second).toMatchObject({ sequence: 2, previousHash: first?.hash });
    expect(first?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(second?.hash).not.toBe(first?.hash);
  });

  it('hashes canonical JSON: the order of keys in changes does not matter, their values do', () => {
    const one = chainedEntry('id', recorded({ changes: { a: 1, b: { y: 2, x: 1 } } }), null, null, AT);
    const reordered = chainedEntry('id', recorded({ changes: { b: { x: 1, y: 2 }, a: 1 } }), null, null, AT);
    const changed = chainedEntry('id', recorded({ changes: { a: 1, b: { x: 1, y: 3 } } }), null, null, AT);
    expect(reordered.hash).toBe(one.hash);
    expect(changed.hash).not.toBe(one.hash);
  });

  it('takes before from the previous entry: the fields this change reports, as they were', () => {
    const entry = chainedEntry(
      'id',
      recorded({ action: 'crm.contact.updated', changes: { name: 'New', tags: [] } }),
      null,
      { name: 'Old', tags: ['vip'], removedLater: true },
      AT,
    );
    expect(entry.changes).toEqual({
      before: { name: 'Old', tags: ['vip'] },
      after: { name: 'New', tags: [] },
    });
    expect(chainedEntry('id', recorded(), null, null, AT).changes?.before).toBeNull();
    expect(chainedEntry('id', recorded({ changes: null }), null, { a: 1 }, AT).changes).toBeNull();
  });
});

describe('ChainVerifier', () => {
  it('accepts a sound chain, in batches, and reports its head', () => {
    const entries = chain(5);
    const verifier = new ChainVerifier();
    expect(verifier.next(entries.slice(0, 2))).toBe(true);
    expect(verifier.next(entries.slice(2))).toBe(true);
    expect(verifier.result).toEqual({
      valid: true,
      checkedCount: 5,
      head: { sequence: 5, hash: entries[4]?.hash },
      firstInvalidSequence: null,
      problem: null,
    });
  });

  it('accepts an empty trail', () => {
    const verifier = new ChainVerifier();
    expect(verifier.next([])).toBe(true);
    expect(verifier.result).toMatchObject({ valid: true, checkedCount: 0, head: null });
  });

  it.each([
    [
      'a changed field',
      (entries: AuditEntry[]) => entries.map((e, i) => (i === 2 ? { ...e, action: 'forged' } : e)),
      3,
      'changed',
    ],
    [
      'a changed actor',
      (entries: AuditEntry[]) =>
        entries.map((e, i) => (i === 2 ? { ...e, actor: { ...e.actor, userId: null } } : e)),
      3,
      'changed',
    ],
    ['a removed entry', (entries: AuditEntry[]) => entries.filter((_e, i) => i !== 1), 3, 'missing'],
    [
      'a re-hashed forgery (the next entry no longer follows)',
      (entries: AuditEntry[]) =>
        entries.map((e, i) => {
          if (i !== 1) return e;
          const forged = { ...e, action: 'forged' };
          return { ...forged, hash: entryHash(forged) };
        }),
      3,
      'previous hash',
    ],
  ])('finds %s and names the first entry that does not hold', (_what, tamper, sequence, problem) => {
    const verifier = new ChainVerifier();
    expect(verifier.next(tamper(chain(5)))).toBe(false);
    expect(verifier.result).toMatchObject({ valid: false, firstInvalidSequence: sequence });
    expect(verifier.result.problem).toContain(problem);
    expect(verifier.next(chain(1))).toBe(false);
  });
});

describe('filters and exports', () => {
  it('refuses every bad condition at once', () => {
    const error = domainErrorOf(() =>
      checkedFilter({
        actorUserId: 'nope',
        occurredFrom: AT,
        occurredBefore: AT,
        entityType: '',
        action: 'x'.repeat(201),
      }),
    );
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.details).toMatchObject({
      issues: [
        { path: 'filter.actorUserId' },
        { path: 'filter.occurredBefore' },
        { path: 'filter.entityType' },
        { path: 'filter.action' },
      ],
    });
    expect(checkedFilter(null)).toEqual({});
    const years = domainErrorOf(() =>
      checkedFilter({
        occurredFrom: new Date('0000-01-01T00:00:00.000Z'),
        occurredBefore: new Date(8.64e15),
      }),
    );
    expect(years.details).toMatchObject({
      issues: [{ path: 'filter.occurredFrom' }, { path: 'filter.occurredBefore' }],
    });
  });

  it('bounds the export between 1 and 50,000 entries, 10,000 by default', () => {
    expect(exportLimit(undefined)).toBe(10_000);
    expect(exportLimit(50_000)).toBe(50_000);
    for (const limit of [0, 50_001, 1.5]) {
      expect(domainErrorOf(() => exportLimit(limit)).code).toBe('BAD_USER_INPUT');
    }
  });
});
