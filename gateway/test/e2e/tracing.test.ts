/**
 * One trace from the public edge to an event consumer: `createContact` through the gateway makes a
 * trace that runs gateway → crm → crm's database → the outbox relay's Kafka publish → automation's
 * consumer of `crm.contact.created.v1` (and its database work), with the trace context crossing the
 * Kafka hop in the event's envelope. Real HTTP, PostgreSQL and Kafka; spans kept in memory.
 */
import { SpanKind } from '@opentelemetry/api';
import {
  postGraphQL,
  recordSpans,
  type ReadableSpan,
  type SpanRecorder,
} from '@platform/service-kit/testing';
import { eventually } from '@platform/testing';
import { Client } from 'pg';
import { startTestPlatform, type TestPlatform } from './platform';
import { seeds } from './seed';

const CREATE_CONTACT = /* GraphQL */ `
  mutation TracedCreateContact($input: CreateContactInput!) {
    createContact(input: $input) {
      id
    }
  }
`;

const TRIGGER_GROUP = 'automation.triggers';

describe('a trace of createContact', () => {
  let recorder: SpanRecorder;
  let platform: TestPlatform;

  beforeAll(async () => {
    // Installed before anything starts: every service of the platform records into it.
    recorder = recordSpans();
    platform = await startTestPlatform();
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
    await recorder?.stop();
  });

  const idOf = (span: ReadableSpan) => span.spanContext().spanId;
  const traceOf = (span: ReadableSpan) => span.spanContext().traceId;
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
  const scopeOf = (span: ReadableSpan) => span.instrumentationScope.name;

  /** Whether `ancestor` is `span`'s parent, its parent's parent, … among the recorded spans. */
  function descendsFrom(span: ReadableSpan, ancestor: ReadableSpan, spans: readonly ReadableSpan[]): boolean {
    const byId = new Map(spans.map((candidate) => [idOf(candidate), candidate]));
    for (
      let parent = parentOf(span);
      parent !== undefined;
      parent = byId.get(parent)?.parentSpanContext?.spanId
    ) {
      if (parent === idOf(ancestor)) return true;
    }
    return false;
  }

  it('runs from the gateway through crm, its database and Kafka to the automation consumer', async () => {
    const { admin } = await seeds(platform).organization('Traced');
    const created = await postGraphQL<{ createContact: { id: string } }>(
      platform.gateway.graphqlUrl,
      CREATE_CONTACT,
      { input: { givenName: 'Grace' } },
      { authorization: `Bearer ${admin.accessToken}` },
    );
    expect(created.errors).toBeUndefined();
    const contactId = created.data?.createContact.id;
    if (!contactId) throw new Error('createContact returned no id');

    // The gateway's span of this request: the trace every other span must belong to.
    const edge = await eventually('the gateway server span of TracedCreateContact', () =>
      recorder
        .spans()
        .find(
          (span) =>
            scopeOf(span) === 'gateway' &&
            span.kind === SpanKind.SERVER &&
            span.attributes['graphql.operation.name'] === 'TracedCreateContact',
        ),
    );
    expect(edge.name).toBe('POST /graphql');
    expect(edge.attributes).toMatchObject({
      'graphql.operation.type': 'mutation',
      'http.response.status_code': 200,
    });
    const traceId = traceOf(edge);

    // The envelope crm stored carries the trace of the write (CloudEvents Distributed Tracing).
    const crmDatabase = new Client({ connectionString: platform.databases.crm.superuserUrl });
    await crmDatabase.connect();
    let envelope: { traceparent?: string };
    try {
      const { rows } = await crmDatabase.query<{ payload: { traceparent?: string } }>(
        `SELECT "payload" FROM "outbox_events" WHERE "event_type" = 'crm.contact.created.v1' AND "partition_key" = $1`,
        [contactId],
      );
      expect(rows).toHaveLength(1);
      envelope = rows[0]?.payload ?? {};
    } finally {
      await crmDatabase.end();
    }
    const carried = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(envelope.traceparent ?? '');
    expect(carried?.[1]).toBe(traceId);
    const producerSpanId = carried?.[2];

    const consumer = await eventually(
      'the automation consumer span of the contact created event',
      () =>
        recorder
          .spans()
          .find(
            (span) =>
              span.kind === SpanKind.CONSUMER &&
              span.attributes['messaging.consumer.group.name'] === TRIGGER_GROUP &&
              span.attributes['cloudevents.event_type'] === 'crm.contact.created.v1' &&
              traceOf(span) === traceId,
          ),
      { timeoutMs: 15_000 },
    );
    // The consumer's own database work (its idempotency mark, the workflow runs) is recorded once its
    // transaction ended, before the consumer span ended.
    const spans = recorder.spans().filter((span) => traceOf(span) === traceId);

    const subgraphCall = spans.find(
      (span) => scopeOf(span) === 'gateway' && span.kind === SpanKind.CLIENT && span.name === 'POST crm',
    );
    if (!subgraphCall) throw new Error(`no gateway → crm client span in ${spanNames(spans)}`);
    expect(descendsFrom(subgraphCall, edge, spans)).toBe(true);

    const crmServer = spans.find((span) => scopeOf(span) === 'crm' && span.kind === SpanKind.SERVER);
    if (!crmServer) throw new Error(`no crm server span in ${spanNames(spans)}`);
    expect(crmServer.name).toBe('POST /graphql');
    // The traceparent the gateway sent is its client span's: crm's server span is that span's child.
    expect(parentOf(crmServer)).toBe(idOf(subgraphCall));

    const insert = spans.find(
      (span) =>
        span.name === 'prisma:client:db_query' &&
        /insert into "public"\."contacts"/i.test(String(span.attributes['db.query.text'])) &&
        descendsFrom(span, crmServer, spans),
    );
    if (!insert) throw new Error(`no database span of the contact's insert in ${spanNames(spans)}`);

    const producer = spans.find((span) => idOf(span) === producerSpanId);
    if (!producer)
      throw new Error(`the envelope's span ${producerSpanId} was not recorded: ${spanNames(spans)}`);
    expect(producer === crmServer || descendsFrom(producer, crmServer, spans)).toBe(true);

    const publish = spans.find(
      (span) =>
        span.kind === SpanKind.PRODUCER &&
        span.name.startsWith('publish ') &&
        span.name.endsWith('crm.contact') &&
        parentOf(span) === producerSpanId,
    );
    if (!publish) throw new Error(`no relay publish span under the envelope's span in ${spanNames(spans)}`);
    expect(publish.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'platform.outbox.source': 'crm',
    });

    expect(consumer.name).toBe(`process ${String(publish.attributes['messaging.destination.name'])}`);
    expect(parentOf(consumer)).toBe(producerSpanId);
    expect(consumer.attributes['platform.consume.outcome']).toBe('processed');
    const consumerWork = spans.filter(
      (span) => span.name === 'prisma:client:db_query' && descendsFrom(span, consumer, spans),
    );
    expect(consumerWork.map((span) => String(span.attributes['db.query.text']))).toEqual(
      expect.arrayContaining([expect.stringMatching(/INSERT INTO "processed_events"/)]),
    );
  });
});

function spanNames(spans: readonly ReadableSpan[]): string {
  return JSON.stringify(spans.map((span) => `${span.instrumentationScope.name}:${span.name}`));
}
