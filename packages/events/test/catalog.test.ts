import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ASYNCAPI_FILE,
  assertCatalogEvent,
  buildAsyncApiDocument,
  createEvent,
  EVENT_TOPICS,
  EVENT_TYPES,
  eventCatalog,
  EventValidationError,
  isCatalogEvent,
  parseEvent,
  renderAsyncApiYaml,
  toKafkaMessage,
  topicName,
  type EventData,
} from '../src';
import { z } from 'zod';
import { contactCreated } from './support';

const organizationId = randomUUID();

function validationError(run: () => unknown): EventValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof EventValidationError) return error;
    throw error;
  }
  throw new Error('expected an EventValidationError');
}

const subscriptionData = (): EventData<'billing.subscription.activated.v1'> => ({
  subscriptionId: randomUUID(),
  organizationId,
  planId: 'pro',
  status: 'active',
  startDate: '2025-01-01T00:00:00.000Z',
  entitlements: {
    contactLimit: 10_000,
    customFieldLimit: null,
    storageGb: 100,
    aiInsights: 'advanced',
    apiAccess: 'full',
    interactionTracking: 'full',
    support: 'priority',
  },
});

describe('envelope', () => {
  it('createEvent builds a CloudEvents 1.0 envelope around validated data', () => {
    const data = subscriptionData();
    const event = createEvent('billing.subscription.activated.v1', {
      subject: data.subscriptionId,
      tenantId: organizationId,
      source: '/services/billing',
      data,
    });
    expect(event).toEqual({
      specversion: '1.0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      source: '/services/billing',
      type: 'billing.subscription.activated.v1',
      subject: data.subscriptionId,
      time: expect.any(String) as unknown,
      datacontenttype: 'application/json',
      tenantid: organizationId,
      data,
    });
    expect(new Date(event.time).getTime()).not.toBeNaN();
  });

  it('maps to a structured-mode Kafka message: key = subject, value = envelope, routing headers', () => {
    const event = contactCreated();
    const message = toKafkaMessage(event);
    expect(message.key).toBe(event.subject);
    expect(JSON.parse(String(message.value))).toEqual(event);
    expect(message.headers).toEqual({
      'content-type': 'application/cloudevents+json',
      ce_type: 'crm.contact.created.v1',
      ce_id: event.id,
    });
  });

  it('refuses a bad envelope at produce time', () => {
    const data = contactCreated().data;
    const error = validationError(() =>
      createEvent('crm.contact.created.v1', {
        subject: data.contactId,
        tenantId: 'not-a-uuid',
        source: '/services/crm',
        data,
        time: 'yesterday',
      }),
    );
    expect(error.reason).toBe('invalid-envelope');
    expect(error.message).toMatch(/tenantid/);
    expect(error.message).toMatch(/time/);
  });
});

describe('catalog data validation', () => {
  it('refuses data that breaks its schema, naming the field', () => {
    const data = {
      ...subscriptionData(),
      entitlements: { ...subscriptionData().entitlements, contactLimit: -1 },
    };
    const error = validationError(() =>
      createEvent('billing.subscription.activated.v1', {
        subject: data.subscriptionId,
        tenantId: organizationId,
        source: '/services/billing',
        data,
      }),
    );
    expect(error.reason).toBe('invalid-data');
    expect(error.message).toMatch(/entitlements\.contactLimit/);
  });

  it('keeps PII out of contact events: undeclared fields such as names or emails are refused', () => {
    const { data } = contactCreated();
    const withPii = { ...data, email: 'jane@example.com', firstName: 'Jane' };
    const error = validationError(() =>
      createEvent('crm.contact.created.v1', {
        subject: data.contactId,
        tenantId: data.organizationId,
        source: '/services/crm',
        data: withPii,
      }),
    );
    expect(error.reason).toBe('invalid-data');
    expect(error.message).toMatch(/fields not in the catalog: email, firstName/);
    // And the contract itself declares none.
    const declared = Object.keys(eventCatalog['crm.contact.created.v1'].data.shape);
    expect(declared).toEqual([
      'contactId',
      'organizationId',
      'ownerId',
      'companyId',
      'relationshipState',
      'tags',
      'createdAt',
    ]);
  });

  it('refuses undeclared nested fields too', () => {
    const data = subscriptionData();
    const entitlements = { ...data.entitlements, seats: 5 };
    const error = validationError(() =>
      createEvent('billing.subscription.activated.v1', {
        subject: data.subscriptionId,
        tenantId: organizationId,
        source: '/services/billing',
        data: { ...data, entitlements },
      }),
    );
    expect(error.message).toMatch(/entitlements\.seats/);
  });

  it('assertCatalogEvent re-checks an event before it goes to the outbox', () => {
    const event = contactCreated();
    expect(() => assertCatalogEvent(event)).not.toThrow();
    expect(
      validationError(() => assertCatalogEvent({ ...event, type: 'crm.contact.renamed.v1' })).reason,
    ).toBe('invalid-envelope');
    expect(validationError(() => assertCatalogEvent({ ...event, data: { contactId: 'x' } })).reason).toBe(
      'invalid-data',
    );
  });
});

describe('parseEvent (consume time)', () => {
  it('round-trips a produced event', () => {
    const event = contactCreated({ tags: ['vip'] });
    const parsed = parseEvent(Buffer.from(JSON.stringify(event)));
    expect(parsed).toEqual(event);
    expect(isCatalogEvent(parsed)).toBe(true);
  });

  it('refuses bytes that are not a CloudEvents envelope', () => {
    expect(validationError(() => parseEvent(Buffer.from('{not json'))).reason).toBe('invalid-envelope');
    expect(validationError(() => parseEvent(null)).reason).toBe('invalid-envelope');
    const event = contactCreated();
    expect(validationError(() => parseEvent(JSON.stringify({ ...event, specversion: '0.3' }))).reason).toBe(
      'invalid-envelope',
    );
    const { data: _data, ...withoutData } = event;
    expect(validationError(() => parseEvent(JSON.stringify(withoutData))).message).toMatch(
      /data is required/,
    );
  });

  it('refuses a known type whose data breaks the schema', () => {
    const event = contactCreated();
    const error = validationError(() =>
      parseEvent(JSON.stringify({ ...event, data: { ...event.data, relationshipState: 'Friend' } })),
    );
    expect(error.reason).toBe('invalid-data');
    expect(error.message).toMatch(/relationshipState/);
  });

  it('reads tolerantly: fields added to a v1 event later are dropped, not refused', () => {
    const event = contactCreated();
    const newer = { ...event, data: { ...event.data, score: 42 }, traceparent: '00-abc-def-01' };
    const parsed = parseEvent(JSON.stringify(newer));
    expect(parsed.data).toEqual(event.data);
    expect(isCatalogEvent(parsed)).toBe(true);
  });

  it('passes events of types outside the catalog through with their data unchecked', () => {
    const event = { ...contactCreated(), type: 'crm.contact.merged.v9', data: { anything: true } };
    const parsed = parseEvent(JSON.stringify(event));
    expect(parsed.type).toBe('crm.contact.merged.v9');
    expect(isCatalogEvent(parsed)).toBe(false);
  });
});

describe('catalog shape', () => {
  it('has one entry per type, each on a known topic, and topics get prefixes', () => {
    for (const type of EVENT_TYPES) {
      const entry = eventCatalog[type];
      expect(entry.type).toBe(type);
      expect(type).toMatch(/^[a-z]+\.[a-z][a-z_]*\.[a-z_]+\.v\d+$/);
      expect(type.startsWith(`${entry.topic}.`)).toBe(true);
      expect(EVENT_TOPICS).toContain(entry.topic);
    }
    expect(topicName('crm.contact')).toBe('crm.contact');
    expect(topicName('crm.contact', 't.run.x.')).toBe('t.run.x.crm.contact');
  });
});

/** Field paths of a data schema, nested objects flattened: entitlements.contactLimit. */
function fieldPaths(schema: z.ZodType, prefix = ''): string[] {
  if (!(schema instanceof z.ZodObject)) return [];
  const shape: Record<string, z.ZodType> = schema.shape;
  return Object.entries(shape).flatMap(([key, field]) => {
    const nested = fieldPaths(field, `${prefix}${key}.`);
    return nested.length > 0 ? nested : [`${prefix}${key}`];
  });
}

describe('docs/events.md', () => {
  it('documents every event type and every field of its data', () => {
    const doc = readFileSync(path.join(__dirname, '../../../docs/events.md'), 'utf8');
    const missing = EVENT_TYPES.flatMap((type) => {
      const heading = `### \`${type}\``;
      const start = doc.indexOf(heading);
      if (start < 0) return [heading];
      // The type's own section: up to the next heading.
      const section = doc.slice(start + heading.length).split(/\n#{2,3} /)[0] ?? '';
      return fieldPaths(eventCatalog[type].data)
        .filter((field) => !section.includes(`| \`${field}\``))
        .map((field) => `${type}: ${field}`);
    });
    expect(missing).toEqual([]);
  });
});

describe('AsyncAPI document', () => {
  it('has a channel per topic and DLQ and a message per event type, with the data schema', () => {
    const document = buildAsyncApiDocument() as {
      asyncapi: string;
      channels: Record<string, { address: string; messages: Record<string, unknown> }>;
      components: { messages: Record<string, { payload: { properties: Record<string, unknown> } }> };
    };
    expect(document.asyncapi).toBe('3.0.0');
    expect(Object.keys(document.channels).sort()).toEqual(
      EVENT_TOPICS.flatMap((topic) => [topic, `${topic}.dlq`]).sort(),
    );
    for (const type of EVENT_TYPES) {
      const channel = document.channels[eventCatalog[type].topic];
      expect(channel?.messages[type]).toEqual({ $ref: `#/components/messages/${type}` });
    }
    const contact = document.components.messages['crm.contact.created.v1'];
    expect(contact?.payload.properties.type).toMatchObject({ const: 'crm.contact.created.v1' });
    expect(contact?.payload.properties.data).toMatchObject({
      required: [
        'contactId',
        'organizationId',
        'ownerId',
        'companyId',
        'relationshipState',
        'tags',
        'createdAt',
      ],
    });
  });

  it('the checked-in asyncapi.yaml is current', () => {
    const checkedIn = readFileSync(path.join(__dirname, '..', ASYNCAPI_FILE), 'utf8');
    if (checkedIn !== renderAsyncApiYaml()) {
      throw new Error(`${ASYNCAPI_FILE} is stale: run pnpm --filter @platform/events asyncapi`);
    }
  });
});

describe('personal data in events', () => {
  /** Field names that hold personal data wherever they appear. */
  const PERSONAL = /^(email|phone|givenName|familyName|displayName|firstName|lastName|dateOfBirth)$/;

  it('every event declares the personal fields it carries (audit entries show them redacted)', () => {
    const undeclared = EVENT_TYPES.flatMap((type) => {
      const { data, pii } = eventCatalog[type];
      const top = data instanceof z.ZodObject ? Object.keys(data.shape) : [];
      return top
        .filter((field) => PERSONAL.test(field) && !pii.includes(field))
        .map((field) => `${type}: ${field}`);
    });
    expect(undeclared).toEqual([]);
  });

  it('declares only fields the event has', () => {
    const unknown = EVENT_TYPES.flatMap((type) => {
      const { data, pii } = eventCatalog[type];
      const top = data instanceof z.ZodObject ? Object.keys(data.shape) : [];
      return pii.filter((field) => !top.includes(field)).map((field) => `${type}: ${field}`);
    });
    expect(unknown).toEqual([]);
  });
});
