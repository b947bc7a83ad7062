import { randomUUID } from 'node:crypto';
import { createEvent, toKafkaMessage, topicName } from '@platform/events';
import {
  accountByWebhookId,
  CHANNEL_WEBHOOK_PREFIX,
  startPlatformSimulator,
  type PlatformSimulator,
} from '@platform/conversations';
import { fieldCipher } from '@platform/service-kit';
import { metricValue, parseMetrics } from '@platform/service-kit/testing';
import { eventually } from '@platform/testing';
import { createClient, type Client } from 'graphql-ws';
import { WebSocket } from 'ws';
import { REALTIME_CLOSE_CODES } from '../../src/app';
import { startTestPlatform, type TestPlatform } from './platform';
import { seeds, type Member } from './seed';

// Realtime through the whole platform: two organizations, each with a graphql-ws client subscribed at
// the gateway; a customer's message delivered to organization A's channel webhook by the local platform
// simulator is stored by conversations, published to Kafka, and reaches A's client, never B's. Events
// conversations does not publish yet travel the same path: straight to their Kafka topic.

interface MessageAdded {
  messageId: string;
  conversationId: string;
  organizationId: string;
  direction: 'inbound' | 'outbound';
  platform: string;
  deliveryStatus: string;
  senderUserId: string | null;
}

interface ReplyDrafted {
  replyId: string;
  conversationId: string;
  organizationId: string;
  status: string;
  confidence: number;
}

type Received =
  | { messageAdded: MessageAdded }
  | { replyDrafted: ReplyDrafted }
  | { conversationUpdated: { conversationId: string; organizationId: string; changes: string[] } };

const SUBSCRIPTIONS = {
  messages: /* GraphQL */ `
    subscription Messages {
      messageAdded {
        messageId
        conversationId
        organizationId
        direction
        platform
        deliveryStatus
        senderUserId
      }
    }
  `,
  drafts: /* GraphQL */ `
    subscription Drafts {
      replyDrafted {
        replyId
        conversationId
        organizationId
        status
        confidence
      }
    }
  `,
  updates: /* GraphQL */ `
    subscription Updates($conversationId: ID) {
      conversationUpdated(conversationId: $conversationId) {
        conversationId
        organizationId
        changes
      }
    }
  `,
};

let platform: TestPlatform;
let simulator: PlatformSimulator;
const clients: Client[] = [];

function realtimeClient(connectionParams?: Record<string, unknown>): Client {
  const client = createClient({
    url: platform.gateway.graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    ...(connectionParams ? { connectionParams } : {}),
    retryAttempts: 0,
    lazy: true,
  });
  clients.push(client);
  return client;
}

/** Subscribes and keeps every result; `failure` holds what ended it with an error or a close. */
function collect(client: Client, query: string, variables: Record<string, unknown> = {}) {
  const results: Received[] = [];
  const ended: { failure: unknown; done: boolean } = { failure: undefined, done: false };
  client.subscribe<Received>(
    { query, variables },
    {
      next: (result) => {
        if (result.data) results.push(result.data);
        if (result.errors) ended.failure = result.errors;
      },
      error: (error) => {
        ended.failure = error;
        ended.done = true;
      },
      complete: () => {
        ended.done = true;
      },
    },
  );
  return { results, ended };
}

const gatewayMetric = async (name: string, labels: Record<string, string> = {}) =>
  metricValue(parseMetrics(await (await fetch(`${platform.gateway.url}/metrics`)).text()), name, labels) ?? 0;

/** A connected facebook account of the organization, and a way to deliver a customer's message to it. */
async function channel(admin: Member) {
  const platformAccountId = `page-${admin.organizationId.slice(0, 8)}`;
  const connected = await admin.run<{ connectChannelAccount: { webhookId: string } }>(
    `mutation ($input: ConnectChannelAccountInput!) { connectChannelAccount(input: $input) { webhookId } }`,
    { input: { platform: 'facebook', platformAccountId, displayName: 'Our page', accessToken: 'token' } },
  );
  const { webhookId } = connected.connectChannelAccount;
  const account = await accountByWebhookId(
    platform.conversations.database,
    fieldCipher(platform.conversationsPiiKeyring),
    webhookId,
  );
  if (!account) throw new Error('the channel account is not found by its webhook id');
  return async (text: string, customer: string) => {
    const delivery = await simulator.emit('facebook', {
      url: `${platform.conversations.url}${CHANNEL_WEBHOOK_PREFIX}${webhookId}`,
      secret: account.webhookSecret,
      account: platformAccountId,
      text,
      sender: { platformUserId: customer, displayName: 'A customer' },
    });
    expect(delivery.status).toBe(200);
  };
}

/** conversations.conversation.updated.v1 as conversations will publish it, as a Kafka message. */
function conversationUpdate(organizationId: string, conversationId: string) {
  return toKafkaMessage(
    createEvent('conversations.conversation.updated.v1', {
      source: '/services/conversations',
      subject: conversationId,
      tenantId: organizationId,
      data: {
        conversationId,
        organizationId,
        platform: 'chat',
        status: 'closed',
        assigneeId: null,
        contactId: null,
        needsReply: false,
        unreadCount: 0,
        changes: ['status'],
        updatedAt: new Date().toISOString(),
      },
    }),
  );
}

beforeAll(async () => {
  simulator = await startPlatformSimulator();
  platform = await startTestPlatform();
}, 120_000);

afterAll(async () => {
  for (const client of clients) await client.dispose();
  await platform.close();
  await simulator.close();
});

describe('realtime subscriptions at the gateway', () => {
  it("streams an organization's new messages, drafts and updates to its own clients only", async () => {
    const seed = seeds(platform);
    const [{ admin: alice }, { admin: bob }] = await Promise.all([
      seed.organization('RealtimeA'),
      seed.organization('RealtimeB'),
    ]);
    const [deliverToA, deliverToB] = await Promise.all([channel(alice), channel(bob)]);
    const a = realtimeClient({ authorization: `Bearer ${alice.accessToken}` });
    const b = realtimeClient({ authorization: `Bearer ${bob.accessToken}` });
    const aMessages = collect(a, SUBSCRIPTIONS.messages);
    const aDrafts = collect(a, SUBSCRIPTIONS.drafts);
    const bMessages = collect(b, SUBSCRIPTIONS.messages);
    const bDrafts = collect(b, SUBSCRIPTIONS.drafts);
    await eventually('four subscriptions', async () => (await gatewayMetric('realtime_subscriptions')) === 4);

    // A customer writes to A's page: the webhook, ingestion, the outbox, Kafka, the gateway, A's socket.
    await deliverToA('Do you have rooms next week?', 'customer-a');
    const [inbound] = await eventually('A receives the new message', () =>
      aMessages.results.length > 0 ? aMessages.results : undefined,
    );
    if (!inbound || !('messageAdded' in inbound)) throw new Error('not a messageAdded event');
    expect(inbound.messageAdded).toMatchObject({
      organizationId: alice.organizationId,
      direction: 'inbound',
      platform: 'facebook',
      deliveryStatus: 'received',
      senderUserId: null,
    });
    // The ids are the graph's: A reads the message with a query.
    const { conversation } = await alice.run<{
      conversation: { messages: { edges: Array<{ node: { id: string; text: string } }> } };
    }>(`query ($id: ID!) { conversation(id: $id) { messages(first: 5) { edges { node { id text } } } } }`, {
      id: inbound.messageAdded.conversationId,
    });
    expect(conversation.messages.edges.map((edge) => edge.node)).toEqual([
      { id: inbound.messageAdded.messageId, text: 'Do you have rooms next week?' },
    ]);

    // B's own message reaches B, and A's never does.
    await deliverToB('Is the shop open on Sunday?', 'customer-b');
    await eventually('B receives its message', () => bMessages.results.length === 1);
    // A's reply is a new (outbound) message for A's clients.
    await alice.run(`mutation ($id: ID!) { replyToConversation(id: $id, text: "Yes, we do.") { id } }`, {
      id: inbound.messageAdded.conversationId,
    });
    await eventually('A receives its reply', () => aMessages.results.length === 2);
    expect(aMessages.results[1]).toEqual({
      messageAdded: expect.objectContaining({
        conversationId: inbound.messageAdded.conversationId,
        direction: 'outbound',
        deliveryStatus: 'queued',
        senderUserId: alice.userId,
      }) as unknown,
    });

    // A drafted reply for A, published as conversations will publish it.
    const drafted = createEvent('conversations.reply.drafted.v1', {
      source: '/services/conversations',
      subject: randomUUID(),
      tenantId: alice.organizationId,
      data: {
        replyId: randomUUID(),
        conversationId: inbound.messageAdded.conversationId,
        organizationId: alice.organizationId,
        inReplyToMessageId: inbound.messageAdded.messageId,
        aiTaskId: randomUUID(),
        status: 'pending',
        confidence: 0.83,
        autoApproved: false,
        draftedAt: new Date().toISOString(),
      },
    });
    await platform.conversations.messaging.producer.send(
      topicName('conversations.reply', platform.topicPrefix),
      [toKafkaMessage(drafted)],
    );
    await eventually('A receives the draft', () => aDrafts.results.length === 1);
    expect(aDrafts.results[0]).toEqual({
      replyDrafted: {
        replyId: drafted.data.replyId,
        conversationId: inbound.messageAdded.conversationId,
        organizationId: alice.organizationId,
        status: 'pending',
        confidence: 0.83,
      },
    });

    // Whatever A got, B never saw: every event B received is B's.
    const bSaw = [...bMessages.results, ...bDrafts.results];
    expect(bSaw).toHaveLength(1);
    expect(JSON.stringify(bSaw)).not.toContain(alice.organizationId);
    expect(bSaw[0]).toMatchObject({
      messageAdded: { organizationId: bob.organizationId, direction: 'inbound' },
    });
    expect(aMessages.results.every((result) => JSON.stringify(result).includes(alice.organizationId))).toBe(
      true,
    );
    expect(await gatewayMetric('realtime_events_delivered_total', { field: 'messageAdded' })).toBe(3);
    expect(await gatewayMetric('realtime_connections')).toBe(2);
  }, 120_000);

  it("filters a conversation's updates by id", async () => {
    const { admin } = await seeds(platform).organization('RealtimeUpdates');
    const watched = randomUUID();
    const before = await gatewayMetric('realtime_subscriptions');
    const client = realtimeClient({ authorization: `Bearer ${admin.accessToken}` });
    const updates = collect(client, SUBSCRIPTIONS.updates, { conversationId: watched });
    await eventually(
      'subscribed',
      async () => (await gatewayMetric('realtime_subscriptions')) === before + 1,
    );
    const update = (conversationId: string) => conversationUpdate(admin.organizationId, conversationId);
    await platform.conversations.messaging.producer.send(
      topicName('conversations.conversation', platform.topicPrefix),
      [update(randomUUID()), update(watched)],
    );
    await eventually('the watched update', () => updates.results.length === 1);
    expect(updates.results).toEqual([
      {
        conversationUpdated: {
          conversationId: watched,
          organizationId: admin.organizationId,
          changes: ['status'],
        },
      },
    ]);
  }, 60_000);

  it('takes a partner API key with conversations:read in x-api-key, and refuses one without it (4403)', async () => {
    const { admin } = await seeds(platform).organization('RealtimeKeys');
    const key = async (scopes: string[]) =>
      (
        await admin.run<{ createApiKey: { secret: string } }>(
          `mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
          { input: { name: `realtime ${scopes.join(' ')}`, scopes } },
        )
      ).createApiKey.secret;
    const [reader, other] = await Promise.all([key(['conversations:read']), key(['contacts:read'])]);
    const before = await gatewayMetric('realtime_subscriptions');
    const partner = collect(realtimeClient({ 'x-api-key': reader }), SUBSCRIPTIONS.updates);
    const refused = collect(realtimeClient({ authorization: `Bearer ${other}` }), SUBSCRIPTIONS.updates);
    await eventually(
      'subscribed',
      async () => (await gatewayMetric('realtime_subscriptions')) === before + 1,
    );
    const conversationId = randomUUID();
    await platform.conversations.messaging.producer.send(
      topicName('conversations.conversation', platform.topicPrefix),
      [conversationUpdate(admin.organizationId, conversationId)],
    );
    await eventually('the partner receives the update', () => partner.results.length === 1);
    expect(partner.results[0]).toMatchObject({ conversationUpdated: { conversationId } });
    await eventually('the other key refused', () => refused.ended.done);
    expect(refused.ended.failure).toMatchObject({ code: REALTIME_CLOSE_CODES.forbidden });
  }, 60_000);

  it('refuses a connection without credentials or with a bad token (4401)', async () => {
    const anonymous = collect(realtimeClient(), SUBSCRIPTIONS.messages);
    const forged = collect(
      realtimeClient({ authorization: 'Bearer eyJhbGciOiJFZERTQSJ9.e30.c2lnbmF0dXJl' }),
      SUBSCRIPTIONS.messages,
    );
    await eventually('both refused', () => anonymous.ended.done && forged.ended.done);
    for (const refused of [anonymous, forged]) {
      expect(refused.results).toEqual([]);
      expect(refused.ended.failure).toMatchObject({ code: REALTIME_CLOSE_CODES.unauthorized });
    }
    expect(await gatewayMetric('realtime_connections_refused_total', { reason: 'unauthorized' })).toBe(2);
  }, 30_000);
});
