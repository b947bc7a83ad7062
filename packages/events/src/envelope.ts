import type { OutgoingMessage } from '@platform/messaging';
import { z } from 'zod';
import { errorMessage } from './internal';

/**
 * The CloudEvents 1.0 envelope every domain event travels in, and its Kafka mapping (the CloudEvents
 * Kafka protocol binding, structured content mode).
 */

export const CLOUDEVENTS_SPEC_VERSION = '1.0';
/** Content type of a structured-mode message: the whole envelope is the Kafka value. */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';
/** Content type of `data` inside the envelope. */
export const DATA_CONTENT_TYPE = 'application/json';

/** Kafka header names the platform sets on every event message. */
export const EVENT_HEADERS = {
  contentType: 'content-type',
  /** Copy of the envelope's `type`, so routers and tools can filter without parsing the value. */
  type: 'ce_type',
  /** Copy of the envelope's `id`. */
  id: 'ce_id',
} as const;

/** A CloudEvents 1.0 event as the platform produces it. `tenantid` is an extension attribute. */
export interface CloudEvent<TType extends string = string, TData = unknown> {
  readonly specversion: typeof CLOUDEVENTS_SPEC_VERSION;
  /** Unique per event (a UUID); consumers deduplicate on it. */
  readonly id: string;
  /** The producing service, e.g. `/services/crm`. */
  readonly source: string;
  /** Reverse-domain-ish, versioned: `<service>.<aggregate>.<what happened>.v<N>`. */
  readonly type: TType;
  /** The aggregate's id; also the Kafka key. */
  readonly subject: string;
  /** When it happened, RFC 3339 / ISO 8601. */
  readonly time: string;
  readonly datacontenttype: typeof DATA_CONTENT_TYPE;
  /** The organization (tenant) the event belongs to. Lowercase: CloudEvents attribute names are. */
  readonly tenantid: string;
  /**
   * The W3C trace context of the work that produced the event (CloudEvents Distributed Tracing
   * extension): a consumer's span continues that trace. Absent when the producer was not traced.
   */
  readonly traceparent?: string;
  /** Vendor trace state accompanying `traceparent` (same extension), when there is any. */
  readonly tracestate?: string;
  readonly data: TData;
}

/** Why an event was refused. `invalid-envelope` covers bytes that are not a CloudEvents JSON object. */
export type EventValidationReason = 'invalid-envelope' | 'invalid-data';

export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';

  constructor(
    readonly reason: EventValidationReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The envelope's attributes, each with its documentation (it ends up in the AsyncAPI document). */
export const envelopeShape = {
  specversion: z.literal(CLOUDEVENTS_SPEC_VERSION).describe('CloudEvents specification version.'),
  id: z.uuid().describe('Unique event id; consumers deduplicate on it.'),
  source: z.string().min(1).describe('The producing service, e.g. /services/crm.'),
  type: z.string().min(1).describe('Event type, versioned, e.g. crm.contact.created.v1.'),
  subject: z.string().min(1).describe('Id of the aggregate the event is about; also the Kafka key.'),
  time: z.iso.datetime({ offset: true }).describe('When the change happened (RFC 3339).'),
  datacontenttype: z.literal(DATA_CONTENT_TYPE).describe('Content type of data.'),
  tenantid: z.uuid().describe('Organization (tenant) id; CloudEvents extension attribute.'),
  // Any string: a malformed trace context only loses the trace, it must never park an event.
  traceparent: z
    .string()
    .optional()
    .describe(
      'W3C traceparent of the work that produced the event (CloudEvents Distributed Tracing extension); ' +
        'absent when it was not traced.',
    ),
  tracestate: z
    .string()
    .optional()
    .describe('W3C tracestate accompanying traceparent (CloudEvents Distributed Tracing extension).'),
};

/**
 * The envelope as consumers validate it. Unknown attributes are allowed (CloudEvents extensions such as
 * `traceparent`); `data` must be present and is validated against the catalog separately.
 */
export const cloudEventSchema = z.looseObject({
  ...envelopeShape,
  data: z.unknown().refine((value) => value !== undefined, 'data is required'),
});

/** Checks an envelope built in memory; throws EventValidationError('invalid-envelope'). */
export function validateEnvelope(candidate: unknown): CloudEvent {
  const result = cloudEventSchema.safeParse(candidate);
  if (!result.success) {
    throw new EventValidationError(
      'invalid-envelope',
      `not a valid CloudEvents envelope: ${z.prettifyError(result.error)}`,
    );
  }
  return result.data;
}

/** Reads a structured-mode Kafka value: JSON, then the envelope. */
export function decodeEnvelope(bytes: Uint8Array | string | null): CloudEvent {
  if (bytes === null || bytes.length === 0) {
    throw new EventValidationError('invalid-envelope', 'empty message: expected a CloudEvents JSON object');
  }
  let json: unknown;
  try {
    json = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new EventValidationError('invalid-envelope', `not JSON: ${errorMessage(error)}`, { cause: error });
  }
  return validateEnvelope(json);
}

/** The Kafka message for an event: key = subject, value = the JSON envelope, routing headers. */
export function toKafkaMessage(event: CloudEvent): OutgoingMessage {
  return {
    key: event.subject,
    value: JSON.stringify(event),
    headers: eventHeaders(event.type, event.id),
  };
}

export function eventHeaders(type: string, id: string): Record<string, string> {
  return {
    [EVENT_HEADERS.contentType]: CLOUDEVENTS_CONTENT_TYPE,
    [EVENT_HEADERS.type]: type,
    [EVENT_HEADERS.id]: id,
  };
}
