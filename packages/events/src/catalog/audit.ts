import { z } from 'zod';
import { entry, timestamp, uuid } from './schema';

/**
 * The audit trail's one shape (spec 000 AccessAuditLog + 002 AuditEvent). Every service publishes its
 * own `<service>.audit.recorded.v1` on `<service>.audit` through its outbox, in the transaction of the
 * write it records; identity consumes all of them into its append-only, hash-chained trail.
 */

/** Who acted. `anonymous`: a public operation (sign-in, accepting an invitation) before anyone is known. */
export const AUDIT_ACTOR_TYPES = ['user', 'api_key', 'agent', 'workflow', 'system', 'anonymous'] as const;
/** How it ended: done, refused by authorization, or failed (the error code says why). */
export const AUDIT_OUTCOMES = ['success', 'denied', 'failure'] as const;

export const auditActorData = z
  .object({
    type: z.enum(AUDIT_ACTOR_TYPES).describe('What kind of actor.'),
    userId: uuid().nullable().describe('The user who acted (an API key acts for its creator).'),
    apiKeyId: uuid().nullable().describe('The API key the request came with, if any.'),
    actingFromOrganizationId: uuid()
      .nullable()
      .describe('The agency organization the user belongs to, when acting in a client organization.'),
    sessionId: uuid().nullable().describe('The sign-in session of the request, if any.'),
  })
  .describe('Who acted.');

const auditRecordedData = z
  .object({
    organizationId: uuid().describe('The organization whose trail the entry belongs to.'),
    service: z.string().min(1).describe('The service that recorded it.'),
    occurredAt: timestamp(),
    actor: auditActorData,
    action: z
      .string()
      .min(1)
      .describe(
        'What happened: a domain event type without its version (`crm.contact.created`), ' +
          '`<service>.<operation>` for a write without one or a refused/failed operation, ' +
          '`<service>.sensitive_read` for a read of personal data or an export.',
      ),
    operation: z.string().nullable().describe('The GraphQL operation field (e.g. createContact), if any.'),
    entityType: z.string().nullable().describe('The kind of record (e.g. contact, Contact), if one.'),
    entityId: z.string().nullable().describe('Its id, if one.'),
    changes: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('The record as the change left it (the domain event’s data), personal data redacted.'),
    details: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('More about it: fields and ids read by a sensitive read, the causing event of a consumer.'),
    requestId: z.string().nullable().describe('The request id (x-request-id), when a request caused it.'),
    clientAddress: z.string().nullable().describe('The caller’s address as the gateway saw it.'),
    userAgent: z.string().nullable().describe('The caller’s user agent.'),
    outcome: z.enum(AUDIT_OUTCOMES),
    errorCode: z.string().nullable().describe('The `extensions.code` of a refused or failed operation.'),
  })
  .describe('One entry of the audit trail.');

/** The audit entry of a service: `<service>.audit.recorded.v1` on `<service>.audit`. */
export function auditEntry<const TService extends string>(service: TService) {
  return entry(
    `${service}.audit.recorded.v1`,
    `${service}.audit`,
    `An entry of the audit trail recorded by ${service} (a write, a refused or failed operation, a ` +
      'sensitive read). Published by ' +
      `${service}; identity stores it append-only and hash-chained.`,
    auditRecordedData,
  );
}

/** The value written in place of personal data in an audit entry's `changes`. */
export const REDACTED = '[redacted]';
