import { AsyncLocalStorage } from 'node:async_hooks';
import {
  appendToOutbox,
  auditEventTypeOf,
  createEvent,
  eventCatalog,
  isAuditEventType,
  REDACTED,
  type CatalogEvent,
  type EventData,
} from '@platform/events';
import { isDomainError } from '@platform/domain';
import { GraphQLError } from 'graphql';
import type { Pool } from 'pg';
import type { OutboxSignal } from './tenant-database';
import type { InternalContext } from './internal-context';
import type { Logger } from './logger';

/**
 * The audit trail's producing half, once for every service. Every write through `TenantDatabase`
 * appends, in its own transaction, one audit entry per domain event it publishes (or one for the
 * operation when it publishes none); refused and failed operations and sensitive reads are recorded
 * by the access wrappers. The entries go out through the service's outbox as
 * `<service>.audit.recorded.v1`; identity stores them append-only and hash-chained.
 *
 * Who acted travels in an AsyncLocalStorage scope: the access wrapper of each Query and Mutation field
 * opens it from the request's internal context, an event consumer opens one for the system (or a
 * workflow) with the event that caused the work.
 */

export type AuditData = EventData<'identity.audit.recorded.v1'>;
export type AuditActor = AuditData['actor'];
export type AuditOutcome = AuditData['outcome'];

/** What the writes of one operation (or one consumed event) are attributed to. */
export interface AuditScope {
  actor: AuditActor;
  requestId: string | null;
  clientAddress: string | null;
  userAgent: string | null;
  /** The GraphQL field (createContact), if a request caused the work. */
  operation: string | null;
  /** The consumed event that caused the work, if a consumer did it. */
  causationEventId: string | null;
  /** Set once a write of this scope recorded the entry for a write without domain events. */
  recorded: boolean;
}

const scopes = new AsyncLocalStorage<AuditScope>();

export function currentAuditScope(): AuditScope | undefined {
  return scopes.getStore();
}

/** Runs `work` with `scope` as who the audit trail attributes its writes to. */
export function withAuditScope<T>(scope: AuditScope, work: () => T): T {
  return scopes.run(scope, work);
}

/** The actor a request's internal context stands for. */
export function actorOf(auth: InternalContext): AuditActor {
  const type = auth.apiKeyId !== null ? 'api_key' : auth.userId !== null ? 'user' : 'anonymous';
  return {
    type,
    userId: auth.userId,
    apiKeyId: auth.apiKeyId,
    actingFromOrganizationId: auth.actingFromOrganizationId,
    sessionId: auth.sessionId,
  };
}

/** The scope of one request's operation. */
export function requestAuditScope(
  request: { requestId: string; auth: InternalContext },
  operation: string,
): AuditScope {
  return {
    actor: actorOf(request.auth),
    requestId: request.requestId,
    clientAddress: request.auth.clientAddress,
    userAgent: request.auth.userAgent,
    operation,
    causationEventId: null,
    recorded: false,
  };
}

/** The scope of work nobody asked for through the graph: a consumer's handler, a job. */
export function systemAuditScope(
  options: { actor?: 'system' | 'workflow'; causationEventId?: string | null } = {},
): AuditScope {
  return {
    actor: {
      type: options.actor ?? 'system',
      userId: null,
      apiKeyId: null,
      actingFromOrganizationId: null,
      sessionId: null,
    },
    requestId: null,
    clientAddress: null,
    userAgent: null,
    operation: null,
    causationEventId: options.causationEventId ?? null,
    recorded: false,
  };
}

/** What an entry says beyond who and where. */
export interface AuditEntryInput {
  action: string;
  entityType: string | null;
  entityId: string | null;
  changes: Record<string, unknown> | null;
  details?: Record<string, unknown> | null;
  outcome: AuditOutcome;
  errorCode?: string | null;
}

/** Longest user agent kept (a header may be long; the trail needs to recognise it, not hold it all). */
const MAX_USER_AGENT = 512;

/** Builds the service's audit event for one entry (validated against the catalog like every event). */
export function auditEvent(
  service: string,
  organizationId: string,
  scope: AuditScope | undefined,
  input: AuditEntryInput,
): CatalogEvent {
  const actor = scope?.actor ?? systemAuditScope().actor;
  const causation = scope?.causationEventId ? { causationEventId: scope.causationEventId } : null;
  const details = input.details || causation ? { ...causation, ...input.details } : null;
  return createEvent(auditEventTypeOf(service), {
    subject: organizationId,
    tenantId: organizationId,
    source: `/services/${service}`,
    data: {
      organizationId,
      service,
      occurredAt: new Date().toISOString(),
      actor,
      action: input.action,
      operation: scope?.operation ?? null,
      entityType: input.entityType,
      entityId: input.entityId,
      changes: input.changes,
      details,
      requestId: scope?.requestId ?? null,
      clientAddress: scope?.clientAddress ?? null,
      userAgent: scope?.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
      outcome: input.outcome,
      errorCode: input.errorCode ?? null,
    },
  });
}

/** An event's data with the fields its catalog entry marks personal replaced by REDACTED. */
export function redactedData(event: CatalogEvent): Record<string, unknown> {
  const pii = new Set(eventCatalog[event.type].pii);
  const data = event.data as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(data).map(([key, value]) => [
      key,
      pii.has(key) && value !== null && value !== undefined ? REDACTED : value,
    ]),
  );
}

/**
 * The audit entries of one successful write: one per domain event it publishes (the entity is the
 * event's aggregate), or, when it publishes none, one for the operation of the scope (once per scope).
 * Work outside any scope that publishes nothing records nothing (projections, housekeeping).
 */
export function auditEventsForWrite(
  service: string,
  organizationId: string,
  events: readonly CatalogEvent[],
  scope: AuditScope | undefined,
): CatalogEvent[] {
  const domain = events.filter((event) => !isAuditEventType(event.type));
  if (domain.length === 0) {
    if (!scope?.operation || scope.recorded) return [];
    return [
      auditEvent(service, organizationId, scope, {
        action: `${service}.${scope.operation}`,
        entityType: null,
        entityId: null,
        changes: null,
        outcome: 'success',
      }),
    ];
  }
  return domain.map((event) => {
    const topic = eventCatalog[event.type].topic;
    return auditEvent(service, event.tenantid, scope, {
      action: event.type.replace(/\.v\d+$/, ''),
      entityType: topic.slice(topic.indexOf('.') + 1),
      entityId: event.subject,
      changes: redactedData(event),
      outcome: 'success',
    });
  });
}

/** The outcome and code an operation's error stands for: authorization refusals are `denied`. */
export function auditOutcomeOf(error: unknown): { outcome: AuditOutcome; errorCode: string } {
  const code = isDomainError(error)
    ? error.code
    : error instanceof GraphQLError && typeof error.extensions['code'] === 'string'
      ? error.extensions['code']
      : 'INTERNAL_SERVER_ERROR';
  const denied = code === 'FORBIDDEN' || code === 'ORGANIZATION_SUSPENDED';
  return { outcome: denied ? 'denied' : 'failure', errorCode: code };
}

/** Writes audit entries on their own (refusals, failures, sensitive reads): one tenant transaction. */
export interface AuditRecorder {
  readonly service: string;
  record(organizationId: string, events: readonly CatalogEvent[]): Promise<void>;
}

/**
 * The recorder over the service's pool (connected as its application role): one transaction that sets
 * the tenant and appends the entries to the outbox. A failure to record is logged, never raised: the
 * operation's own answer (already an error, or a read) goes out regardless.
 */
export function auditRecorder(
  service: string,
  pool: Pool,
  outbox: OutboxSignal,
  logger: Logger,
): AuditRecorder {
  return {
    service,
    async record(organizationId, events) {
      if (events.length === 0) return;
      const client = await pool.connect().catch((error: unknown) => {
        logger.error({ err: error, organizationId }, 'could not record audit entries');
        return null;
      });
      if (!client) return;
      try {
        await client.query('BEGIN');
        await client.query(`select set_config('app.organization_id', $1, true)`, [organizationId]);
        await appendToOutbox(
          { $executeRawUnsafe: async (sql, ...values) => (await client.query(sql, values)).rowCount ?? 0 },
          events,
        );
        await client.query('COMMIT');
        outbox.notify();
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        logger.error({ err: error, organizationId }, 'could not record audit entries');
      } finally {
        client.release();
      }
    },
  };
}
