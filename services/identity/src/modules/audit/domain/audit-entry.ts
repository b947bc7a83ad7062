import { createHash } from 'node:crypto';
import { enumObject, InputIssues, isUuid } from '@platform/domain';
import { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES, type EventData } from '@platform/events/catalog';
import { canonicalize } from 'json-canonicalize';

/**
 * The audit trail as identity keeps it: entries recorded by every service (`<service>.audit.recorded.v1`),
 * stored in arrival order per organization and chained: each entry's hash covers the previous entry's
 * hash and the entry's canonical JSON (RFC 8785), so changing, removing or inserting a stored row
 * breaks every hash after it. `verifyChain` walks the chain and names the first entry that does not
 * hold.
 */

export type RecordedAudit = EventData<'identity.audit.recorded.v1'>;
export type AuditActor = RecordedAudit['actor'];
export type AuditActorType = AuditActor['type'];
export type AuditOutcome = RecordedAudit['outcome'];
export const AuditActorType = enumObject(AUDIT_ACTOR_TYPES);
export const AuditOutcome = enumObject(AUDIT_OUTCOMES);

/** The hash before an organization's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * `{ before, after }`: after as the change left the record (the domain event's data); before = those
 * fields as the entity's previous entry of the same action left them (a snapshot event such as
 * `…updated` shows the previous snapshot; a transition such as `…status_changed` carries `from` and `to`
 * itself). Null before when there was none.
 */
export interface AuditChanges {
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
}

export interface AuditEntry {
  id: string;
  organizationId: string;
  sequence: number;
  service: string;
  occurredAt: Date;
  /** When identity stored it (the list's order). */
  createdAt: Date;
  actor: AuditActor;
  action: string;
  operation: string | null;
  entityType: string | null;
  entityId: string | null;
  changes: AuditChanges | null;
  details: Record<string, unknown> | null;
  requestId: string | null;
  clientAddress: string | null;
  userAgent: string | null;
  outcome: AuditOutcome;
  errorCode: string | null;
  previousHash: string;
  hash: string;
}

/** What is hashed: every stored field of the entry but its own hash. */
export function canonicalEntry(entry: Omit<AuditEntry, 'hash'>): string {
  return canonicalize({
    id: entry.id,
    organizationId: entry.organizationId,
    sequence: entry.sequence,
    service: entry.service,
    occurredAt: entry.occurredAt.toISOString(),
    recordedAt: entry.createdAt.toISOString(),
    actor: {
      type: entry.actor.type,
      userId: entry.actor.userId,
      apiKeyId: entry.actor.apiKeyId,
      actingFromOrganizationId: entry.actor.actingFromOrganizationId,
      sessionId: entry.actor.sessionId,
    },
    action: entry.action,
    operation: entry.operation,
    entityType: entry.entityType,
    entityId: entry.entityId,
    changes: entry.changes,
    details: entry.details,
    requestId: entry.requestId,
    clientAddress: entry.clientAddress,
    userAgent: entry.userAgent,
    outcome: entry.outcome,
    errorCode: entry.errorCode,
    previousHash: entry.previousHash,
  });
}

/** SHA-256 (hex) of the previous hash and the entry's canonical JSON. */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256').update(entry.previousHash).update(canonicalEntry(entry)).digest('hex');
}

/** The chain's last link: what the next entry continues from. */
export interface ChainHead {
  sequence: number;
  hash: string;
}

/**
 * The entry that continues the chain from `head` (null: the organization's first) for a recorded audit
 * event. `previousAfter` is what the entity's previous entry of the same action left (its
 * `changes.after`), from which `before` takes the fields this change reports.
 */
export function chainedEntry(
  id: string,
  recorded: RecordedAudit,
  head: ChainHead | null,
  previousAfter: Record<string, unknown> | null,
  recordedAt: Date,
): AuditEntry {
  const changes: AuditChanges | null = recorded.changes
    ? { before: beforeOf(recorded.changes, previousAfter), after: recorded.changes }
    : null;
  const unhashed: Omit<AuditEntry, 'hash'> = {
    id,
    organizationId: recorded.organizationId,
    sequence: (head?.sequence ?? 0) + 1,
    service: recorded.service,
    occurredAt: new Date(recorded.occurredAt),
    createdAt: recordedAt,
    actor: recorded.actor,
    action: recorded.action,
    operation: recorded.operation,
    entityType: recorded.entityType,
    entityId: recorded.entityId,
    changes,
    details: recorded.details,
    requestId: recorded.requestId,
    clientAddress: recorded.clientAddress,
    userAgent: recorded.userAgent,
    outcome: recorded.outcome,
    errorCode: recorded.errorCode,
    previousHash: head?.hash ?? GENESIS_HASH,
  };
  return { ...unhashed, hash: entryHash(unhashed) };
}

function beforeOf(
  after: Record<string, unknown>,
  previousAfter: Record<string, unknown> | null,
): Record<string, unknown> | null {
  if (!previousAfter) return null;
  const before: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (Object.hasOwn(previousAfter, key)) before[key] = previousAfter[key];
  }
  return before;
}

/** Where a verification stands after the entries it has seen. */
export interface ChainVerification {
  valid: boolean;
  checkedCount: number;
  head: ChainHead | null;
  /** The first entry that does not hold, and why. */
  firstInvalidSequence: number | null;
  problem: string | null;
}

/**
 * Walks the chain in sequence order, a batch at a time: `next(batch)` checks that sequences follow
 * on without a gap, that each entry names the previous entry's hash, and that its own hash is the hash
 * of what is stored. The first entry that fails ends the walk (`valid: false`).
 */
export class ChainVerifier {
  #state: ChainVerification = {
    valid: true,
    checkedCount: 0,
    head: null,
    firstInvalidSequence: null,
    problem: null,
  };

  get result(): ChainVerification {
    return this.#state;
  }

  /** Checks the next entries (in sequence order); answers false once the chain is broken. */
  next(entries: readonly AuditEntry[]): boolean {
    for (const entry of entries) {
      if (!this.#state.valid) return false;
      const expectedSequence = (this.#state.head?.sequence ?? 0) + 1;
      const expectedPrevious = this.#state.head?.hash ?? GENESIS_HASH;
      const problem =
        entry.sequence !== expectedSequence
          ? `expected entry ${expectedSequence}, found ${entry.sequence} (an entry is missing)`
          : entry.previousHash !== expectedPrevious
            ? 'its previous hash is not the hash of the entry before it'
            : entryHash(entry) !== entry.hash
              ? 'its content does not match its hash (the row was changed)'
              : null;
      if (problem) {
        this.#state = { ...this.#state, valid: false, firstInvalidSequence: entry.sequence, problem };
        return false;
      }
      this.#state = {
        ...this.#state,
        checkedCount: this.#state.checkedCount + 1,
        head: { sequence: entry.sequence, hash: entry.hash },
      };
    }
    return true;
  }
}

/** How the trail can be narrowed (every given condition must hold). */
export interface AuditFilter {
  actorUserId?: string | null;
  actorApiKeyId?: string | null;
  actorType?: AuditActorType | null;
  entityType?: string | null;
  entityId?: string | null;
  /** Exact action, e.g. `crm.contact.created`. */
  action?: string | null;
  /** Actions starting with it, e.g. `crm.` or `identity.user.`. */
  actionPrefix?: string | null;
  service?: string | null;
  outcome?: AuditOutcome | null;
  /** Occurred at or after. */
  occurredFrom?: Date | null;
  /** Occurred strictly before. */
  occurredBefore?: Date | null;
}

const EARLIEST = new Date('0001-01-01T00:00:00.000Z');
const LATEST = new Date('9999-12-31T23:59:59.999Z');

/** Refuses a filter that cannot match anything sensible (every problem at once, BAD_USER_INPUT). */
export function checkedFilter(filter: AuditFilter | null | undefined): AuditFilter {
  const checked = filter ?? {};
  const issues = new InputIssues();
  for (const key of ['actorUserId', 'actorApiKeyId'] as const) {
    const value = checked[key];
    if (value !== null && value !== undefined && !isUuid(value))
      issues.add(`filter.${key}`, 'must be a UUID');
  }
  for (const key of ['occurredFrom', 'occurredBefore'] as const) {
    const value = checked[key];
    if (value && (value < EARLIEST || value > LATEST)) {
      issues.add(`filter.${key}`, 'must be between the years 1 and 9999');
    }
  }
  if (checked.occurredFrom && checked.occurredBefore && checked.occurredFrom >= checked.occurredBefore) {
    issues.add('filter.occurredBefore', 'must be after occurredFrom');
  }
  for (const key of ['entityType', 'entityId', 'action', 'actionPrefix', 'service'] as const) {
    const value = checked[key];
    if (value !== null && value !== undefined && (value.length === 0 || value.length > 200)) {
      issues.add(`filter.${key}`, 'must be 1–200 characters');
    }
  }
  issues.throwIfAny();
  return checked;
}

export const AUDIT_EXPORT_FORMATS = ['CSV', 'JSON_LINES'] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];
export const AuditExportFormat = enumObject(AUDIT_EXPORT_FORMATS);
export const DEFAULT_EXPORT_LIMIT = 10_000;
export const MAX_EXPORT_LIMIT = 50_000;

/** The export's entry limit, 1–50,000 (default 10,000). */
export function exportLimit(limit: number | null | undefined): number {
  const value = limit ?? DEFAULT_EXPORT_LIMIT;
  if (!Number.isInteger(value) || value < 1 || value > MAX_EXPORT_LIMIT) {
    new InputIssues().add('limit', `must be 1–${MAX_EXPORT_LIMIT}`).throwIfAny();
  }
  return value;
}

/** The flat record of an entry in an export (one CSV row or one JSON line). */
export function exportRecord(entry: AuditEntry): Record<string, string | number | null> {
  return {
    sequence: entry.sequence,
    id: entry.id,
    occurredAt: entry.occurredAt.toISOString(),
    recordedAt: entry.createdAt.toISOString(),
    service: entry.service,
    actorType: entry.actor.type,
    actorUserId: entry.actor.userId,
    actorApiKeyId: entry.actor.apiKeyId,
    actingFromOrganizationId: entry.actor.actingFromOrganizationId,
    action: entry.action,
    operation: entry.operation,
    entityType: entry.entityType,
    entityId: entry.entityId,
    outcome: entry.outcome,
    errorCode: entry.errorCode,
    requestId: entry.requestId,
    clientAddress: entry.clientAddress,
    userAgent: entry.userAgent,
    changes: entry.changes ? JSON.stringify(entry.changes) : null,
    details: entry.details ? JSON.stringify(entry.details) : null,
    previousHash: entry.previousHash,
    hash: entry.hash,
  };
}

export const EXPORT_COLUMNS = [
  'sequence',
  'id',
  'occurredAt',
  'recordedAt',
  'service',
  'actorType',
  'actorUserId',
  'actorApiKeyId',
  'actingFromOrganizationId',
  'action',
  'operation',
  'entityType',
  'entityId',
  'outcome',
  'errorCode',
  'requestId',
  'clientAddress',
  'userAgent',
  'changes',
  'details',
  'previousHash',
  'hash',
] as const;
