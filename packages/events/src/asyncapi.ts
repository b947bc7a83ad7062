import { Document } from 'yaml';
import { z } from 'zod';
import {
  DLQ_SUFFIX,
  EVENT_TOPICS,
  EVENT_TYPES,
  eventCatalog,
  type EventTopic,
  type EventType,
} from './catalog';
import { DLQ_HEADERS } from './consumer';
import { CLOUDEVENTS_CONTENT_TYPE, EVENT_HEADERS, envelopeShape } from './envelope';

/**
 * The AsyncAPI 3.0 document of the catalog: channels are the topics (and their dead-letter topics),
 * messages the event types, payloads the JSON Schema of the envelope with each type's data. It is built
 * from the same zod schemas the producers and consumers validate with, so it cannot drift from them; the
 * checked-in `asyncapi.yaml` is regenerated with `pnpm --filter @platform/events asyncapi`.
 */

export const ASYNCAPI_FILE = 'asyncapi.yaml';

const KAFKA_BINDING_VERSION = '0.5.0';

type JsonObject = Record<string, unknown>;

function auditTopic(service: string): string {
  return `Audit entries ${service} records (writes, refusals, failures, sensitive reads); identity keeps the trail. Key: organization id.`;
}

const TOPIC_DESCRIPTIONS: Record<EventTopic, string> = {
  'identity.organization': 'Lifecycle of organizations (tenants). Key: organization id.',
  'identity.user': 'Lifecycle of users and changes to their access. Key: user id.',
  'identity.role': 'Custom roles of organizations. Key: role id.',
  'identity.api_key': 'API keys created and revoked (never their secrets). Key: API key id.',
  'identity.email':
    'Emails identity asks the notification service to deliver (single-use links inside). Key: user id.',
  'crm.contact': 'Lifecycle of contacts, without PII. Key: contact id.',
  'crm.ticket':
    'Lifecycle of support tickets and their notes, without titles, descriptions or note text. Key: ticket id.',
  'crm.task':
    'Lifecycle of tasks (created, changed, moved, completed, reopened, deleted), without titles, descriptions or stages. Key: task id.',
  'crm.interaction':
    'Lifecycle of interactions on contacts’ timelines (recorded, changed, deleted, restored), without subjects, content or other free text. Key: interaction id.',
  'crm.custom_field':
    'Lifecycle of custom field definitions (defined, changed, archived, restored), without labels, options or default values. Key: definition id.',
  'crm.pipeline':
    'Lifecycle of deal pipelines (created, changed, deleted), their stages by id, without names. Key: pipeline id.',
  'crm.deal':
    'Lifecycle of deals (created, changed, moved between stages, won, lost, deleted, restored), without names, amounts or lost reasons. Key: deal id.',
  'crm.company':
    'Lifecycle of companies (client accounts): created, changed, stage moves, assignments, ad figures recorded, deleted, restored; ids, enums and stage names only. Key: company id.',
  'billing.subscription': 'Lifecycle of subscriptions and the entitlements they grant. Key: subscription id.',
  'billing.invoice':
    'Invoices issued, paid, voided or uncollectible; numbers and amounts, no bill-to details. Key: invoice id.',
  'billing.entitlements':
    "An organization's entitlements after every change, versioned per organization. Key: organization id.",
  'billing.usage':
    'Usage of an organization reaching 80 % or 100 % of a plan limit, once per crossing. Key: organization id.',
  'billing.seat':
    'Seats of organization subscriptions assigned and released, versioned per organization. Key: organization id.',
  'conversations.account':
    'Channel accounts connected, disconnected, or whose token refresh failed for good (no tokens, names or reasons). Key: account id.',
  'conversations.inbound':
    "Verified inbound messages from channels' webhooks, waiting to be stored; content sealed with conversations' keyring. Key: a digest of the account and thread.",
  'conversations.conversation': 'Lifecycle of conversations, without message content. Key: conversation id.',
  'conversations.message':
    'Messages received and replies recorded, ids only, without content. Key: conversation id (a conversation’s messages stay in order).',
  'conversations.reply':
    'Replies the AI pipeline drafted (pending approval or auto-approved), without text. Key: conversation id.',
  'conversations.lead':
    'Leads from conversations: messages of customer conversations for the contact timeline (participant and text sealed with the leads transit keyring), and participants scored hot, warm or cold (signal codes, no text). Key: conversation id.',
  'conversations.ai_usage': 'What AI tasks used (tokens, provider, model), without content. Key: AI task id.',
  'conversations.storage_object':
    'Sizes of stored attachments, documents and message archives (absolute, 0 once deleted), without names or content. Key: object id.',
  'automation.workflow': 'Lifecycle of workflows (created, status changes). Key: workflow id.',
  'automation.ai_usage':
    'What AI tasks of agents and workflows used (tokens, provider, model), without content. Key: AI task id.',
  'gateway.api_calls':
    'API calls per organization, counted at the edge and published per window and gateway replica (never per request). Key: organization id.',
  'identity.audit': auditTopic('identity'),
  'crm.audit': auditTopic('crm'),
  'billing.audit': auditTopic('billing'),
  'conversations.audit': auditTopic('conversations'),
  'automation.audit': auditTopic('automation'),
};

/** JSON Schema (draft-07, the base of AsyncAPI's schema format) of a zod schema. */
function jsonSchema(schema: z.ZodType): JsonObject {
  const result: JsonObject = z.toJSONSchema(schema, {
    target: 'draft-7',
    io: 'input',
    // Formats say it already; zod's long regular expressions would only bury the field list.
    override: ({ jsonSchema: node }) => {
      if (typeof node.format === 'string') delete node.pattern;
    },
  });
  delete result.$schema;
  return result;
}

function publisher(type: EventType): string {
  return type.slice(0, type.indexOf('.'));
}

function messagePayload(type: EventType): JsonObject {
  return jsonSchema(
    z
      .looseObject({
        ...envelopeShape,
        type: z.literal(type).describe('Event type.'),
        data: eventCatalog[type].data,
      })
      .describe('CloudEvents 1.0 envelope (structured mode); extension attributes may be added.'),
  );
}

const messageHeaders = (type: EventType): JsonObject => ({
  type: 'object',
  properties: {
    [EVENT_HEADERS.contentType]: { type: 'string', const: CLOUDEVENTS_CONTENT_TYPE },
    [EVENT_HEADERS.type]: { type: 'string', const: type, description: 'Copy of the envelope type.' },
    [EVENT_HEADERS.id]: { type: 'string', format: 'uuid', description: 'Copy of the envelope id.' },
  },
  required: [EVENT_HEADERS.contentType, EVENT_HEADERS.type, EVENT_HEADERS.id],
});

const deadLetterMessage: JsonObject = {
  name: 'deadLetter',
  title: 'Parked message',
  summary:
    'A message a consumer could not handle: the original key, value and headers, plus why it was parked.',
  headers: {
    type: 'object',
    properties: {
      [DLQ_HEADERS.reason]: { type: 'string', enum: ['invalid-envelope', 'invalid-data', 'handler-failed'] },
      [DLQ_HEADERS.originalTopic]: { type: 'string' },
      [DLQ_HEADERS.originalPartition]: { type: 'string', description: 'Decimal partition number.' },
      [DLQ_HEADERS.originalOffset]: { type: 'string', description: 'Decimal offset.' },
      [DLQ_HEADERS.error]: { type: 'string', description: 'The last error, truncated to 1000 characters.' },
      [DLQ_HEADERS.attempts]: {
        type: 'string',
        description: 'Handling attempts made (0 for invalid messages).',
      },
      [DLQ_HEADERS.consumerGroup]: { type: 'string', description: 'The consumer group that parked it.' },
    },
    required: Object.values(DLQ_HEADERS),
  },
  payload: { description: 'The original value, byte for byte (possibly not JSON at all).' },
};

export function buildAsyncApiDocument(): JsonObject {
  const channels: JsonObject = {};
  const operations: JsonObject = {};
  const messages: JsonObject = { deadLetter: deadLetterMessage };

  for (const topic of EVENT_TOPICS) {
    const types = EVENT_TYPES.filter((type) => eventCatalog[type].topic === topic);
    channels[topic] = {
      address: topic,
      description: `${TOPIC_DESCRIPTIONS[topic]} Dead letters: ${topic}${DLQ_SUFFIX}.`,
      messages: Object.fromEntries(types.map((type) => [type, { $ref: `#/components/messages/${type}` }])),
      bindings: { kafka: { topic, bindingVersion: KAFKA_BINDING_VERSION } },
    };
    const dlq = `${topic}${DLQ_SUFFIX}`;
    channels[dlq] = {
      address: dlq,
      description: `Messages from ${topic} that a consumer parked after validation failed or its retries ran out.`,
      messages: { deadLetter: { $ref: '#/components/messages/deadLetter' } },
      bindings: { kafka: { topic: dlq, bindingVersion: KAFKA_BINDING_VERSION } },
    };
    for (const type of types) {
      operations[`${type}.send`] = {
        action: 'send',
        summary:
          publisher(type) === 'gateway'
            ? `the gateway publishes ${type} from the counts its replicas store, after each window closed.`
            : `${publisher(type)} publishes ${type} through its transactional outbox.`,
        channel: { $ref: `#/channels/${topic}` },
        messages: [{ $ref: `#/channels/${topic}/messages/${type}` }],
      };
    }
  }

  for (const type of EVENT_TYPES) {
    const entry = eventCatalog[type];
    messages[type] = {
      name: type,
      title: type,
      summary: entry.description,
      contentType: CLOUDEVENTS_CONTENT_TYPE,
      headers: messageHeaders(type),
      payload: messagePayload(type),
      bindings: {
        kafka: {
          key: { type: 'string', description: 'The aggregate id (= the envelope subject).' },
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Platform domain events',
      version: '1.0.0',
      description:
        'Domain events the platform services publish on Apache Kafka: CloudEvents 1.0 envelopes in ' +
        'structured mode, keyed by aggregate id, delivered at least once. Human-readable guide: docs/events.md.',
    },
    defaultContentType: CLOUDEVENTS_CONTENT_TYPE,
    channels,
    operations,
    components: { messages },
  };
}

/** The document as the YAML that is checked in. */
export function renderAsyncApiYaml(): string {
  const document = new Document(buildAsyncApiDocument());
  document.commentBefore =
    ' Generated from packages/events/src/catalog.ts by `pnpm --filter @platform/events asyncapi`; do not edit.';
  return document.toString({ lineWidth: 0, singleQuote: true });
}
