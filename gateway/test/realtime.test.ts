import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEvent, type CatalogEvent, type EventData, type EventType } from '@platform/events';
import {
  CONVERSATION_CHANGES,
  CONVERSATION_PLATFORMS,
  CONVERSATION_STATUSES,
  MESSAGE_DELIVERY_STATUSES,
  MESSAGE_DIRECTIONS,
  REPLY_STATUSES,
} from '@platform/events/catalog';
import { AuthenticationError } from '@platform/service-kit';
import { metricValue, parseMetrics } from '@platform/service-kit/testing';
import { eventually } from '@platform/testing';
import { GraphQLEnumType } from 'graphql';
import { UnsecuredJWT } from 'jose';
import pino from 'pino';
import { Registry } from 'prom-client';
import { WebSocket } from 'ws';
import { createAuthenticator } from '../src/authentication';
import { DEFAULT_QUERY_LIMITS } from '../src/limits';
import type { PrincipalSource } from '../src/principals';
import { matches, realtimeEventOf, type RealtimeEvent, type RealtimeFilter } from '../src/realtime/events';
import { buildRealtimeSchema } from '../src/realtime/schema';
import {
  attachRealtimeServer,
  REALTIME_CLOSE_CODES,
  TOO_MANY_SUBSCRIPTIONS,
  type RealtimeLimits,
  type RealtimeServer,
} from '../src/realtime/server';
import { createAccessTokenIssuer, tablePrincipals, type AccessTokenIssuer } from './support';

// The realtime endpoint without Kafka: the mapping of conversations' events to subscription payloads,
// tenant filtering, and the server's policies (authentication at connection_init, permission, limits,
// backpressure) against a real ws server and real WebSocket clients.

const ORG_A = randomUUID();
const ORG_B = randomUUID();

function catalogEvent<T extends EventType>(
  type: T,
  organizationId: string,
  data: EventData<T>,
): CatalogEvent {
  const event = createEvent(type, {
    source: '/services/conversations',
    subject: randomUUID(),
    tenantId: organizationId,
    data,
  });
  return event as CatalogEvent;
}

function received(organizationId: string, conversationId = randomUUID()): CatalogEvent {
  return catalogEvent('conversations.message.received.v1', organizationId, {
    messageId: randomUUID(),
    conversationId,
    organizationId,
    channelAccountId: randomUUID(),
    platform: 'facebook',
    contactId: null,
    sentAt: '2026-11-30T01:00:00.000Z',
    receivedAt: '2026-11-30T01:00:01.000Z',
  });
}

const messageIdOf = (event: RealtimeEvent): string =>
  event.field === 'messageAdded' ? event.payload.messageId : '';

function realtime(event: CatalogEvent): RealtimeEvent {
  const mapped = realtimeEventOf(event);
  if (!mapped) throw new Error(`${event.type} feeds no subscription`);
  return mapped;
}

describe('realtime events', () => {
  it('maps each conversations event to its subscription payload, ids and enums only', () => {
    const conversationId = randomUUID();
    const inbound = received(ORG_A, conversationId);
    expect(realtime(inbound)).toMatchObject({
      field: 'messageAdded',
      organizationId: ORG_A,
      conversationId,
      payload: {
        conversationId,
        organizationId: ORG_A,
        direction: 'inbound',
        deliveryStatus: 'received',
        platform: 'facebook',
        senderUserId: null,
        occurredAt: '2026-11-30T01:00:01.000Z',
      },
    });
    const userId = randomUUID();
    const sent = catalogEvent('conversations.message.sent.v1', ORG_A, {
      messageId: randomUUID(),
      conversationId,
      organizationId: ORG_A,
      platform: 'slack',
      senderUserId: userId,
      deliveryStatus: 'queued',
      sentAt: '2026-11-30T02:00:00.000Z',
    });
    expect(realtime(sent).payload).toMatchObject({
      direction: 'outbound',
      deliveryStatus: 'queued',
      senderUserId: userId,
      channelAccountId: null,
    });
    const updated = catalogEvent('conversations.conversation.updated.v1', ORG_A, {
      conversationId,
      organizationId: ORG_A,
      platform: 'email',
      status: 'pending',
      assigneeId: userId,
      contactId: null,
      needsReply: false,
      unreadCount: 0,
      changes: ['status', 'assignee'],
      updatedAt: '2026-11-30T03:00:00.000Z',
    });
    expect(realtime(updated)).toMatchObject({
      field: 'conversationUpdated',
      payload: { status: 'pending', assigneeId: userId, changes: ['status', 'assignee'], unreadCount: 0 },
    });
    const drafted = catalogEvent('conversations.reply.drafted.v1', ORG_A, {
      replyId: randomUUID(),
      conversationId,
      organizationId: ORG_A,
      inReplyToMessageId: randomUUID(),
      aiTaskId: randomUUID(),
      status: 'pending',
      confidence: 0.42,
      autoApproved: false,
      draftedAt: '2026-11-30T04:00:00.000Z',
    });
    expect(realtime(drafted)).toMatchObject({
      field: 'replyDrafted',
      payload: { status: 'pending', confidence: 0.42, occurredAt: '2026-11-30T04:00:00.000Z' },
    });
    const started = catalogEvent('conversations.conversation.started.v1', ORG_A, {
      conversationId,
      organizationId: ORG_A,
      contactId: null,
      platform: 'chat',
      status: 'open',
      createdAt: '2026-11-30T00:00:00.000Z',
    });
    expect(realtime(started)).toMatchObject({ field: 'conversationStarted', payload: { platform: 'chat' } });
  });

  it('feeds nothing from other events, nor from an event whose envelope names another organization', () => {
    const scored = catalogEvent('conversations.lead.scored.v1', ORG_A, {
      conversationId: randomUUID(),
      organizationId: ORG_A,
      messageId: randomUUID(),
      aiTaskId: randomUUID(),
      platform: 'chat',
      contactId: null,
      score: 'hot',
      signals: [],
      scoredAt: '2026-11-30T00:00:00.000Z',
    });
    expect(realtimeEventOf(scored)).toBeNull();
    const inbound = received(ORG_A);
    expect(realtimeEventOf({ ...inbound, tenantid: ORG_B })).toBeNull();
  });

  it('matches a subscription of the same organization and field, by conversation and direction', () => {
    const conversationId = randomUUID();
    const event = realtime(received(ORG_A, conversationId));
    const filter: RealtimeFilter = {
      field: 'messageAdded',
      organizationId: ORG_A,
      conversationId: null,
      direction: null,
    };
    expect(matches(filter, event)).toBe(true);
    expect(matches({ ...filter, organizationId: ORG_B }, event)).toBe(false);
    expect(matches({ ...filter, field: 'conversationUpdated' }, event)).toBe(false);
    expect(matches({ ...filter, conversationId }, event)).toBe(true);
    expect(matches({ ...filter, conversationId: randomUUID() }, event)).toBe(false);
    expect(matches({ ...filter, direction: 'inbound' }, event)).toBe(true);
    expect(matches({ ...filter, direction: 'outbound' }, event)).toBe(false);
  });

  it("keeps the schema's enums equal to the catalog's", () => {
    const schema = buildRealtimeSchema();
    const values = (name: string) => {
      const type = schema.getType(name);
      if (!(type instanceof GraphQLEnumType)) throw new Error(`${name} is not an enum`);
      return type.getValues().map((value) => value.name);
    };
    expect(values('ConversationPlatform')).toEqual([...CONVERSATION_PLATFORMS]);
    expect(values('ConversationStatus')).toEqual([...CONVERSATION_STATUSES]);
    expect(values('MessageDirection')).toEqual([...MESSAGE_DIRECTIONS]);
    expect(values('MessageDeliveryStatus')).toEqual([...MESSAGE_DELIVERY_STATUSES]);
    expect(values('ReplyStatus')).toEqual([...REPLY_STATUSES]);
    expect(values('ConversationChange')).toEqual([...CONVERSATION_CHANGES]);
  });
});

interface Message {
  id?: string;
  type: string;
  payload?: unknown;
}

/** A graphql-transport-ws client spoken by hand: every message kept, the close code awaited. */
interface RawClient {
  socket: WebSocket;
  messages: Message[];
  closed: Promise<{ code: number; reason: string }>;
  subscribe(id: string, query: string): void;
  nexts(id: string): unknown[];
}

async function openClient(url: string, payload?: Record<string, unknown>): Promise<RawClient> {
  const socket = new WebSocket(url, 'graphql-transport-ws');
  const messages: Message[] = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8')) as Message));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString('utf8') }));
  });
  await once(socket, 'open');
  socket.send(JSON.stringify({ type: 'connection_init', ...(payload ? { payload } : {}) }));
  return {
    socket,
    messages,
    closed,
    subscribe(id, query) {
      socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query } }));
    },
    nexts: (id) =>
      messages
        .filter((message) => message.id === id && message.type === 'next')
        .map((message) => message.payload),
  };
}

async function acknowledged(client: RawClient): Promise<void> {
  await eventually('connection_ack', () =>
    client.messages.some((message) => message.type === 'connection_ack'),
  );
}

describe('realtime server', () => {
  let issuer: AccessTokenIssuer;
  let server: Server;
  let endpoint: RealtimeServer;
  let registry: Registry;
  let url: string;
  /** Users whose principal identity no longer answers (deactivated). */
  const revoked = new Set<string>();
  const byUser: Record<string, { permissions?: string[]; operationSafelist?: string[] }> = {};
  const clients: RawClient[] = [];

  async function start(limits: Partial<RealtimeLimits> = {}, production = false) {
    issuer = await createAccessTokenIssuer();
    const table = tablePrincipals({ roles: ['member'], permissions: ['conversations:read'] }, byUser);
    const principals: PrincipalSource = {
      ...table,
      resolve: (credential) =>
        credential.type === 'user' && revoked.has(credential.userId)
          ? Promise.reject(new AuthenticationError('the user is deactivated'))
          : table.resolve(credential),
    };
    registry = new Registry();
    server = createServer((_request, response) => response.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = attachRealtimeServer({
      server,
      path: '/graphql',
      authenticate: createAuthenticator({ keySet: issuer.jwks }, principals),
      logger: pino({ level: 'silent' }),
      registry,
      production,
      corsOrigins: new Set(['https://app.example.com']),
      queryLimits: { ...DEFAULT_QUERY_LIMITS, maxAliases: 3 },
      limits,
    });
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  }

  async function member(organizationId: string, userId = randomUUID()): Promise<RawClient> {
    const token = await issuer.sign({ sub: userId, org: organizationId });
    const client = await openClient(url, { authorization: `Bearer ${token}` });
    clients.push(client);
    return client;
  }

  const metric = async (name: string, labels: Record<string, string> = {}) =>
    metricValue(parseMetrics(await registry.metrics()), name, labels) ?? 0;

  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.terminate();
    await endpoint.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    revoked.clear();
  });

  it("delivers an organization's events to its subscriptions only", async () => {
    await start();
    const a = await member(ORG_A);
    const b = await member(ORG_B);
    await Promise.all([acknowledged(a), acknowledged(b)]);
    a.subscribe('1', 'subscription { messageAdded { messageId organizationId direction platform } }');
    b.subscribe('1', 'subscription { messageAdded { messageId organizationId } }');
    await eventually('both subscribed', async () => (await metric('realtime_subscriptions')) === 2);
    const forA = realtime(received(ORG_A));
    endpoint.publish(forA);
    await eventually("A's event", () => a.nexts('1').length === 1);
    expect(a.nexts('1')).toEqual([
      {
        data: {
          messageAdded: {
            messageId: messageIdOf(forA),
            organizationId: ORG_A,
            direction: 'inbound',
            platform: 'facebook',
          },
        },
      },
    ]);
    const forB = realtime(received(ORG_B));
    endpoint.publish(forB);
    await eventually("B's event", () => b.nexts('1').length === 1);
    expect(a.nexts('1')).toHaveLength(1);
    expect(b.nexts('1')).toEqual([
      { data: { messageAdded: { messageId: messageIdOf(forB), organizationId: ORG_B } } },
    ]);
    expect(await metric('realtime_events_delivered_total', { field: 'messageAdded' })).toBe(2);
    expect(await metric('realtime_connections')).toBe(2);
  });

  it('filters by conversation, and answers the connection query', async () => {
    await start();
    const a = await member(ORG_A);
    await acknowledged(a);
    const conversationId = randomUUID();
    a.subscribe(
      'one',
      `subscription { messageAdded(conversationId: "${conversationId}") { conversationId } }`,
    );
    a.subscribe('q', '{ realtimeConnection { organizationId expiresAt maxSubscriptions maxQueuedEvents } }');
    await eventually('the query answered', () => a.nexts('q').length === 1);
    expect(a.nexts('q')[0]).toMatchObject({
      data: { realtimeConnection: { organizationId: ORG_A, maxSubscriptions: 20, maxQueuedEvents: 1000 } },
    });
    await eventually('subscribed', async () => (await metric('realtime_subscriptions')) === 1);
    endpoint.publish(realtime(received(ORG_A)));
    endpoint.publish(realtime(received(ORG_A, conversationId)));
    await eventually('the conversation event', () => a.nexts('one').length === 1);
    expect(a.nexts('one')).toEqual([{ data: { messageAdded: { conversationId } } }]);
  });

  it('refuses a connection without credentials, with a bad token, or without conversations:read', async () => {
    await start();
    const anonymous = await openClient(url);
    clients.push(anonymous);
    expect((await anonymous.closed).code).toBe(REALTIME_CLOSE_CODES.unauthorized);
    const forged = await openClient(url, { authorization: 'Bearer not.a.token' });
    clients.push(forged);
    expect((await forged.closed).code).toBe(REALTIME_CLOSE_CODES.unauthorized);
    const userId = randomUUID();
    byUser[userId] = { permissions: ['crm:read'] };
    const reader = await member(ORG_A, userId);
    expect(await reader.closed).toEqual({
      code: REALTIME_CLOSE_CODES.forbidden,
      reason: 'the conversations:read permission is required',
    });
    expect(await metric('realtime_connections_refused_total', { reason: 'unauthorized' })).toBe(2);
    expect(await metric('realtime_connections_refused_total', { reason: 'forbidden' })).toBe(1);
    expect(anonymous.messages.some((message) => message.type === 'connection_ack')).toBe(false);
  });

  it('refuses a browser origin outside the CORS list', async () => {
    await start();
    const socket = new WebSocket(url, 'graphql-transport-ws', { origin: 'https://evil.example.com' });
    const [error] = (await once(socket, 'error')) as [Error];
    expect(error.message).toContain('403');
  });

  it('caps connections per user and subscriptions per connection, and applies the alias limit', async () => {
    await start({ maxConnectionsPerPrincipal: 1, maxSubscriptionsPerConnection: 1 });
    const userId = randomUUID();
    const first = await member(ORG_A, userId);
    await acknowledged(first);
    const second = await member(ORG_A, userId);
    expect((await second.closed).code).toBe(REALTIME_CLOSE_CODES.tooManyConnections);
    first.subscribe('1', 'subscription { conversationUpdated { conversationId } }');
    first.subscribe('2', 'subscription { replyDrafted { replyId } }');
    await eventually('the second refused', () =>
      first.messages.some((m) => m.id === '2' && m.type === 'error'),
    );
    expect(first.messages.find((m) => m.id === '2')?.payload).toMatchObject([
      { extensions: { code: TOO_MANY_SUBSCRIPTIONS } },
    ]);
    const other = await member(ORG_A);
    await acknowledged(other);
    other.subscribe(
      'deep',
      'subscription { messageAdded { a: messageId b: messageId c: messageId d: messageId e: messageId } }',
    );
    await eventually('refused', () => other.messages.some((m) => m.id === 'deep' && m.type === 'error'));
    expect(JSON.stringify(other.messages.find((m) => m.id === 'deep')?.payload)).toContain(
      'MAX_ALIASES_EXCEEDED',
    );
  });

  it('holds a safelisted key to its manifest, and hides the schema in production', async () => {
    await start({}, true);
    const listed = 'subscription { replyDrafted { replyId } }';
    const userId = randomUUID();
    byUser[userId] = { operationSafelist: [createHash('sha256').update(listed).digest('hex')] };
    const partner = await member(ORG_A, userId);
    await acknowledged(partner);
    partner.subscribe('listed', listed);
    partner.subscribe('other', 'subscription { messageAdded { messageId } }');
    await eventually('the other refused', () =>
      partner.messages.some((m) => m.id === 'other' && m.type === 'error'),
    );
    expect(partner.messages.find((m) => m.id === 'other')?.payload).toMatchObject([
      { extensions: { code: 'OPERATION_NOT_SAFELISTED' } },
    ]);
    expect(partner.messages.some((m) => m.id === 'listed' && m.type === 'error')).toBe(false);
    const reader = await member(ORG_A);
    await acknowledged(reader);
    reader.subscribe('schema', '{ __schema { types { name } } }');
    reader.subscribe('typo', 'subscription { messageAdde { messageId } }');
    // A misspelled enum value in the variables: execution reports it, as a result with errors.
    reader.socket.send(
      JSON.stringify({
        id: 'variables',
        type: 'subscribe',
        payload: {
          query: 'subscription($d: MessageDirection) { messageAdded(direction: $d) { messageId } }',
          variables: { d: 'inbund' },
        },
      }),
    );
    await eventually('both refused', () => reader.messages.filter((m) => m.type === 'error').length === 2);
    await eventually('the variables refused', () => reader.nexts('variables').length === 1);
    expect(reader.nexts('variables')).toMatchObject([
      {
        errors: [
          { message: expect.stringContaining('inbund') as string, extensions: { code: 'BAD_USER_INPUT' } },
        ],
      },
    ]);
    expect(JSON.stringify(reader.messages)).toContain('introspection');
    expect(JSON.stringify(reader.messages)).not.toContain('Did you mean');
    expect(JSON.stringify(reader.messages)).not.toContain('"inbound');
  });

  it('closes a connection when its access token expires, and when its user is deactivated', async () => {
    await start({ reauthenticateIntervalMs: 200 });
    const expiring = await member(ORG_A);
    await acknowledged(expiring);
    // A token that expires in a second: the connection closes then, with 4401.
    const shortLived = await issuer.sign({ sub: randomUUID(), org: ORG_A }, '1s');
    const soon = await openClient(url, { authorization: `Bearer ${shortLived}` });
    clients.push(soon);
    await acknowledged(soon);
    expect(await soon.closed).toEqual({
      code: REALTIME_CLOSE_CODES.unauthorized,
      reason: 'access token expired',
    });
    expect(await metric('realtime_clients_dropped_total', { reason: 'token_expired' })).toBe(1);
    const userId = randomUUID();
    const deactivated = await member(ORG_A, userId);
    await acknowledged(deactivated);
    revoked.add(userId);
    expect((await deactivated.closed).code).toBe(REALTIME_CLOSE_CODES.unauthorized);
    expect(expiring.socket.readyState).toBe(WebSocket.OPEN);
    // An unsigned token is refused whatever its claims say.
    const unsigned = new UnsecuredJWT({ org: ORG_A })
      .setSubject(randomUUID())
      .setExpirationTime('1h')
      .encode();
    const forged = await openClient(url, { authorization: `Bearer ${unsigned}` });
    clients.push(forged);
    expect((await forged.closed).code).toBe(REALTIME_CLOSE_CODES.unauthorized);
  }, 30_000);

  it('drops a client that stops reading once over the limit, while the others keep receiving', async () => {
    await start({ maxBufferedBytes: 256 * 1024 });
    const slow = await member(ORG_A);
    const fast = await member(ORG_A);
    await Promise.all([acknowledged(slow), acknowledged(fast)]);
    const query =
      'subscription { messageAdded { messageId conversationId organizationId platform sentAt occurredAt } }';
    slow.subscribe('1', query);
    fast.subscribe('1', query);
    await eventually('both subscribed', async () => (await metric('realtime_subscriptions')) === 2);
    // The slow client stops reading: the kernel's buffers fill, then its socket's, then its queue.
    slow.socket.pause();
    let published = 0;
    while ((await metric('realtime_clients_dropped_total', { reason: 'slow_consumer' })) === 0) {
      // In small bursts, as the feed hands them over: the sockets write in between.
      for (let index = 0; index < 20; index += 1) endpoint.publish(realtime(received(ORG_A)));
      published += 20;
      if (published > 200_000) throw new Error('the slow client was never dropped');
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(endpoint.connectionCount()).toBe(1);
    // The fast client got every event, and still gets the next one.
    endpoint.publish(realtime(received(ORG_A)));
    published += 1;
    await eventually('every event at the fast client', () => fast.nexts('1').length === published, {
      timeoutMs: 60_000,
    });
    expect(fast.socket.readyState).toBe(WebSocket.OPEN);
    // Once it reads again, the slow client learns why it was dropped.
    slow.socket.resume();
    expect((await slow.closed).code).toBe(REALTIME_CLOSE_CODES.slowConsumer);
    expect(slow.nexts('1').length).toBeLessThan(published);
  }, 120_000);
});
