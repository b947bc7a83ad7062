import type { TopicAdmin } from '@platform/messaging';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  CLOUDEVENTS_SPEC_VERSION,
  DATA_CONTENT_TYPE,
  decodeEnvelope,
  EventValidationError,
  validateEnvelope,
  type CloudEvent,
} from '../envelope';
import { automationEvents } from './automation';
import { billingEvents } from './billing';
import { conversationsEvents } from './conversations';
import { crmEvents } from './crm';
import { gatewayEvents } from './gateway';
import { identityEvents } from './identity';
import type { CatalogEntry } from './schema';

/**
 * The event catalog: every event type the platform publishes, the topic it goes to and the schema of its
 * data. Producers validate data strictly (unknown fields are refused, which also keeps PII out of events
 * by accident); consumers read tolerantly (unknown fields are dropped), so a v1 event may gain optional
 * fields without breaking older consumers. Anything else — a removed, renamed, retyped or newly required
 * field — is a new version (`.v2`), published next to v1 until every consumer has moved.
 */

export { type CatalogEntry } from './schema';
export * from './identity';
export * from './crm';
export * from './billing';
export * from './conversations';
export * from './automation';
export * from './gateway';
export { AI_TASK_KINDS, AI_TASK_OUTCOMES } from './ai-usage';
export * from './audit';

export const DLQ_SUFFIX = '.dlq';

/**
 * Every event type, by the service that owns it (each service's file holds its events and the enums
 * they carry). A type is published by exactly one service (or the gateway).
 */
export const eventCatalog = {
  ...identityEvents,
  ...crmEvents,
  ...billingEvents,
  ...conversationsEvents,
  ...automationEvents,
  ...gatewayEvents,
} as const satisfies Readonly<Record<string, CatalogEntry>>;

export type EventType = keyof typeof eventCatalog;
/** The data of one event type, e.g. `EventData<'crm.contact.created.v1'>`. */
export type EventData<T extends EventType> = z.output<(typeof eventCatalog)[T]['data']>;
/** A validated event of a catalog type; without an argument, the union of all of them. */
export type CatalogEvent<T extends EventType = EventType> = T extends EventType
  ? CloudEvent<T, EventData<T>>
  : never;

/**
 * The catalog seen per type. TypeScript checks this assignment for each type one by one, and indexing it
 * with a generic `T` then yields `EventData<T>`'s schema (indexing `eventCatalog` itself would not).
 */
const dataSchemas: { readonly [K in EventType]: { readonly data: z.ZodType<EventData<K>> } } = eventCatalog;

export const EVENT_TYPES = Object.keys(eventCatalog) as EventType[];

/** Topics, one per aggregate family. Every topic has a dead-letter topic `<topic>.dlq`. */
export type EventTopic = (typeof eventCatalog)[EventType]['topic'];
export const EVENT_TOPICS: readonly EventTopic[] = [
  ...new Set(Object.values(eventCatalog).map((entry): EventTopic => entry.topic)),
];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventCatalog, type);
}

/** The audit entry types, one per service (`<service>.audit.recorded.v1`). */
export type AuditEventType = Extract<EventType, `${string}.audit.recorded.v1`>;

export function isAuditEventType(type: string): type is AuditEventType {
  return isEventType(type) && type.endsWith('.audit.recorded.v1');
}

/** The audit entry type `service` publishes; throws for a service the catalog has none for. */
export function auditEventTypeOf(service: string): AuditEventType {
  const type = `${service}.audit.recorded.v1`;
  if (!isAuditEventType(type)) throw new Error(`the catalog has no audit entry type for "${service}"`);
  return type;
}

export function catalogEntry(type: EventType): CatalogEntry {
  return eventCatalog[type];
}

/** The real topic name: services and tests prefix topics (tests per file; '' in production). */
export function topicName(logical: string, prefix = ''): string {
  return `${prefix}${logical}`;
}

/**
 * The Kafka consumer group of a logical group ('crm.entitlements'): prefixed like the topics, so
 * environments (or test files) sharing a broker never join each other's groups and take each other's
 * partitions. processed_events and metrics keep the logical name.
 */
export function consumerGroupName(logical: string, prefix = ''): string {
  return `${prefix}${logical}`;
}

/** The dead-letter topic of a topic (logical or prefixed). */
export function dlqTopicName(topic: string): string {
  return `${topic}${DLQ_SUFFIX}`;
}

export interface CreateEventInput<T extends EventType> {
  /** The aggregate's id (Kafka key). */
  subject: string;
  /** Organization id; becomes the `tenantid` attribute. */
  tenantId: string;
  /** The producing service, e.g. `/services/crm`. */
  source: string;
  data: EventData<T>;
  /** Default: a fresh UUID. */
  id?: string;
  /** Default: now. */
  time?: string | Date;
}

/**
 * Builds a catalog event and validates it: the envelope, and the data strictly — a field the catalog
 * does not declare is refused (it would be a silent contract change, or PII in the wrong place).
 * Throws EventValidationError.
 */
export function createEvent<T extends EventType>(
  type: T,
  input: CreateEventInput<T>,
): CloudEvent<T, EventData<T>> {
  const data = validateData(type, input.data, 'strict');
  const time =
    input.time instanceof Date ? input.time.toISOString() : (input.time ?? new Date().toISOString());
  const event: CloudEvent<T, EventData<T>> = {
    specversion: CLOUDEVENTS_SPEC_VERSION,
    id: input.id ?? randomUUID(),
    source: input.source,
    type,
    subject: input.subject,
    time,
    datacontenttype: DATA_CONTENT_TYPE,
    tenantid: input.tenantId,
    data,
  };
  validateEnvelope(event);
  return event;
}

/**
 * Reads a Kafka value (structured mode): validates the envelope and, when the type is in the catalog,
 * its data (tolerantly: unknown data fields are dropped). Events of other types come back with their data
 * unchecked; `isCatalogEvent` tells them apart. Throws EventValidationError.
 */
export function parseEvent(bytes: Uint8Array | string | null): CloudEvent {
  const envelope = decodeEnvelope(bytes);
  if (!isEventType(envelope.type)) return envelope;
  return { ...envelope, data: validateData(envelope.type, envelope.data, 'tolerant') };
}

/** True when the event is of a catalog type and its data matches that type's schema. */
export function isCatalogEvent(event: CloudEvent): event is CatalogEvent {
  return isEventType(event.type) && eventCatalog[event.type].data.safeParse(event.data).success;
}

/**
 * Validates a catalog event built elsewhere (e.g. before writing it to the outbox). Throws
 * EventValidationError.
 */
export function assertCatalogEvent(event: CloudEvent): asserts event is CatalogEvent {
  validateEnvelope(event);
  if (!isEventType(event.type)) {
    throw new EventValidationError(
      'invalid-envelope',
      `unknown event type "${event.type}": not in the catalog`,
    );
  }
  validateData(event.type, event.data, 'strict');
}

function validateData<T extends EventType>(
  type: T,
  data: unknown,
  mode: 'strict' | 'tolerant',
): EventData<T> {
  const schema = dataSchemas[type].data;
  const result = schema.safeParse(data);
  if (!result.success) {
    throw new EventValidationError(
      'invalid-data',
      `invalid data for ${type}: ${z.prettifyError(result.error)}`,
    );
  }
  if (mode === 'strict') {
    const unknown = droppedFields(data, result.data);
    if (unknown.length > 0) {
      throw new EventValidationError(
        'invalid-data',
        `invalid data for ${type}: fields not in the catalog: ${unknown.join(', ')}`,
      );
    }
  }
  return result.data;
}

/**
 * Paths present in the input but not in zod's output: the catalog's object schemas drop unknown keys,
 * so what went missing is exactly what the catalog does not declare.
 */
function droppedFields(input: unknown, output: unknown, path = ''): string[] {
  if (Array.isArray(input) && Array.isArray(output)) {
    return input.flatMap((item, index) => droppedFields(item, output[index], `${path}[${index}]`));
  }
  if (!isPlainObject(input) || !isPlainObject(output)) return [];
  return Object.keys(input).flatMap((key) => {
    const at = path ? `${path}.${key}` : key;
    return Object.hasOwn(output, key) ? droppedFields(input[key], output[key], at) : [at];
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface EnsureEventTopicsOptions {
  /** Prepended to every topic name ('' in production; tests use their own). */
  prefix?: string;
  /** Partitions of each event topic (default 6). Keys spread over them; order holds per key. */
  partitions?: number;
  /** Partitions of each dead-letter topic (default 1). */
  dlqPartitions?: number;
  /** Default: the broker's default.replication.factor. */
  replicationFactor?: number;
}

/**
 * Creates every catalog topic and its dead-letter topic that does not exist yet (the broker never
 * auto-creates topics). Returns the names it created.
 */
export function ensureEventTopics(
  admin: TopicAdmin,
  options: EnsureEventTopicsOptions = {},
): Promise<string[]> {
  const { prefix = '', partitions = 6, dlqPartitions = 1, replicationFactor } = options;
  const replication = replicationFactor === undefined ? {} : { replicationFactor };
  return admin.ensureTopics(
    EVENT_TOPICS.flatMap((logical) => [
      { name: topicName(logical, prefix), partitions, ...replication },
      { name: dlqTopicName(topicName(logical, prefix)), partitions: dlqPartitions, ...replication },
    ]),
  );
}
