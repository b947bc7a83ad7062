import { randomUUID } from 'node:crypto';
import {
  createLogger,
  fieldCipher,
  generateFieldKeyring,
  parseFieldKeyring,
  withTenant,
} from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import {
  ensureMessagePartitions,
  messageSealing,
  recordInbound,
  type NormalizedInboundMessage,
} from '../../src/messages';
import { startMessagePartitionJob } from '../../src/modules/message/infra/partition-job';
import { startConversationsService } from '../../src/service';

// Messages against real PostgreSQL through the subgraph: an inbound message stored once however often
// it is delivered, needsReply set by it and cleared by a reply, unread counts, monthly partitions made
// ahead by the job and used, tenant isolation on the partitioned table, per-conversation order.

const CONVERSATION = `query ($id: ID!, $first: Int, $after: String) {
  conversation(id: $id) {
    id status needsReply unreadCount messageCount repliedAt repliedById lastInboundAt
    participant { platformUserId displayName }
    messages(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id direction text deliveryStatus platformMessageId sentAt
        sender { platformUserId displayName userId } attachments { contentType name sizeBytes } } }
    }
  }
}`;
const REPLY = `mutation ($id: ID!, $text: String!) {
  replyToConversation(id: $id, text: $text) { id direction deliveryStatus text sender { userId } }
}`;
const READ = `mutation ($id: ID!) { markConversationRead(id: $id) { unreadCount } }`;

interface MessageNode {
  id: string;
  direction: string;
  text: string;
  deliveryStatus: string;
  platformMessageId: string | null;
  sentAt: string;
  sender: { platformUserId: string | null; displayName: string | null; userId: string | null };
}
interface ConversationView {
  id: string;
  status: string;
  needsReply: boolean;
  unreadCount: number;
  messageCount: number;
  repliedAt: string | null;
  repliedById: string | null;
  lastInboundAt: string | null;
  participant: { platformUserId: string; displayName: string | null } | null;
  messages: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: Array<{ node: MessageNode }>;
  };
}

describe('message module', () => {
  const piiKeyring = parseFieldKeyring(generateFieldKeyring());
  const sealing = messageSealing(fieldCipher(piiKeyring));
  const subject = serviceUnderTest('conversations', (env) =>
    startConversationsService({ ...env.startOptions(), piiKeyring }),
  );

  const inbound = (overrides: Partial<NormalizedInboundMessage> = {}): NormalizedInboundMessage => ({
    platformMessageId: `m-${randomUUID()}`,
    platformConversationId: 'thread-1',
    sender: { platformUserId: 'fb-user-7', displayName: 'Ada' },
    text: 'Is the flat still available?',
    attachments: [{ contentType: 'image/png', name: 'plan.png', sizeBytes: 1234 }],
    sentAt: new Date(),
    ...overrides,
  });

  async function receive(tenant: TestTenant, message: NormalizedInboundMessage, channelAccountId: string) {
    return withTenant(subject.service.database, tenant.organizationId, (tx) =>
      recordInbound(tx, sealing, message, {
        organizationId: tenant.organizationId,
        channelAccountId,
        platform: 'facebook',
      }),
    );
  }

  async function view(tenant: TestTenant, id: string, first = 20, after?: string) {
    const { env, service } = subject;
    const { data, errors } = await env.graphql<{ conversation: ConversationView }>(
      service.graphqlUrl,
      CONVERSATION,
      { id, first, after },
      await env.headersFor(tenant),
    );
    expect(errors).toBeUndefined();
    if (!data) throw new Error('no data');
    return data.conversation;
  }

  it('stores an inbound message once when it is delivered three times, with one received event', async () => {
    const { env } = subject;
    const tenant = newTenant();
    const account = randomUUID();
    const message = inbound();
    const first = await receive(tenant, message, account);
    const second = await receive(tenant, message, account);
    const third = await receive(tenant, message, account);
    expect([first.duplicate, second.duplicate, third.duplicate]).toEqual([false, true, true]);
    expect(third.message.id).toBe(first.message.id);
    const conversation = await view(tenant, first.conversation.id);
    expect(conversation).toMatchObject({
      status: 'open',
      needsReply: true,
      unreadCount: 1,
      messageCount: 1,
      participant: { platformUserId: 'fb-user-7', displayName: 'Ada' },
    });
    expect(conversation.messages.totalCount).toBe(1);
    expect(conversation.messages.edges.map((edge) => edge.node)).toEqual([
      {
        id: first.message.id,
        direction: 'inbound',
        text: 'Is the flat still available?',
        deliveryStatus: 'received',
        platformMessageId: message.platformMessageId,
        sentAt: message.sentAt.toISOString(),
        sender: { platformUserId: 'fb-user-7', displayName: 'Ada', userId: null },
        attachments: [{ contentType: 'image/png', name: 'plan.png', sizeBytes: 1234 }],
      },
    ]);
    const events = (await env.outboxEvents()).filter((event) => event.subject === first.conversation.id);
    expect(events).toEqual([
      { type: 'conversations.conversation.started.v1', subject: first.conversation.id },
      { type: 'conversations.message.received.v1', subject: first.conversation.id },
      { type: 'conversations.conversation.updated.v1', subject: first.conversation.id },
    ]);
  });

  it('seals the text and the sender name at rest, each bound to its row (a value moved to another row does not open)', async () => {
    const tenant = newTenant();
    const account = randomUUID();
    const first = await receive(tenant, inbound({ text: 'Call me on +44 7700 900123' }), account);
    const second = await receive(tenant, inbound({ text: 'Second message' }), account);
    const stored = await withTenant(
      subject.service.database,
      tenant.organizationId,
      (tx) =>
        tx.$queryRaw<Array<{ id: string; text: string; sender_display_name: string | null }>>`
        SELECT id::text, text, sender_display_name FROM messages
        WHERE organization_id = ${tenant.organizationId}::uuid ORDER BY sent_at`,
    );
    expect(stored).toHaveLength(2);
    for (const row of stored) {
      expect(row.text).toMatch(new RegExp(`^pii1\\.${piiKeyring.activeKeyId}\\.`));
      expect(row.sender_display_name).toMatch(/^pii1\./);
      expect(row.text).not.toContain('7700');
    }
    // The graph reads the text back; a ciphertext copied onto another message does not open there.
    const view1 = await view(tenant, first.conversation.id);
    expect(view1.messages.edges.map((edge) => edge.node.text)).toEqual([
      'Second message',
      'Call me on +44 7700 900123',
    ]);
    const cipherOfFirst = stored.find((row) => row.id === first.message.id)?.text ?? '';
    const location = { organizationId: tenant.organizationId, id: second.message.id };
    expect(() => sealing.open(location, 'text', cipherOfFirst)).toThrow(/does not open here/);
  });

  it('sets needsReply and unread on inbound, clears them with a reply (repliedAt/By), counts unread again', async () => {
    const { env, service } = subject;
    const tenant = newTenant();
    const account = randomUUID();
    const { conversation } = await receive(tenant, inbound({ sentAt: new Date(Date.now() - 2000) }), account);
    await receive(tenant, inbound({ sentAt: new Date(Date.now() - 1000) }), account);
    expect(await view(tenant, conversation.id)).toMatchObject({ needsReply: true, unreadCount: 2 });

    const reply = await env.graphql<{ replyToConversation: MessageNode }>(
      service.graphqlUrl,
      REPLY,
      { id: conversation.id, text: '  Yes, come on Friday.  ' },
      await env.headersFor(tenant),
    );
    expect(reply.errors).toBeUndefined();
    expect(reply.data?.replyToConversation).toMatchObject({
      direction: 'outbound',
      deliveryStatus: 'queued',
      text: 'Yes, come on Friday.',
      sender: { userId: tenant.userId },
    });
    const replied = await view(tenant, conversation.id);
    expect(replied).toMatchObject({
      needsReply: false,
      unreadCount: 0,
      messageCount: 3,
      repliedById: tenant.userId,
    });
    expect(replied.repliedAt).not.toBeNull();
    expect(replied.messages.edges.map((edge) => edge.node.direction)).toEqual([
      'outbound',
      'inbound',
      'inbound',
    ]);
    const events = (await env.outboxEvents()).filter((event) => event.subject === conversation.id);
    expect(events.map((event) => event.type)).toEqual([
      'conversations.conversation.started.v1',
      'conversations.message.received.v1',
      'conversations.conversation.updated.v1',
      'conversations.message.received.v1',
      'conversations.conversation.updated.v1',
      'conversations.message.sent.v1',
      'conversations.conversation.updated.v1',
    ]);

    await receive(tenant, inbound(), account);
    expect(await view(tenant, conversation.id)).toMatchObject({ needsReply: true, unreadCount: 1 });
    const read = await env.graphql<{ markConversationRead: { unreadCount: number } }>(
      service.graphqlUrl,
      READ,
      { id: conversation.id },
      await env.headersFor(tenant),
    );
    expect(read.data?.markConversationRead.unreadCount).toBe(0);
    expect(await view(tenant, conversation.id)).toMatchObject({ needsReply: true, unreadCount: 0 });
  });

  it('refuses an empty reply and a reply to a conversation of another organization, writing nothing', async () => {
    const { env, service } = subject;
    const tenant = newTenant();
    const { conversation } = await receive(tenant, inbound(), randomUUID());
    const empty = await env.graphql(
      service.graphqlUrl,
      REPLY,
      { id: conversation.id, text: '   ' },
      await env.headersFor(tenant),
    );
    expect(empty.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const other = await env.graphql(
      service.graphqlUrl,
      REPLY,
      { id: conversation.id, text: 'hello' },
      await env.headersFor(newTenant()),
    );
    expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await view(tenant, conversation.id)).toMatchObject({ messageCount: 1, needsReply: true });
  });

  it('reopens a closed conversation when the customer writes again', async () => {
    const { env, service } = subject;
    const tenant = newTenant();
    const account = randomUUID();
    const { conversation } = await receive(tenant, inbound(), account);
    const closed = await env.graphql<{ setConversationStatus: { status: string } }>(
      service.graphqlUrl,
      'mutation ($id: ID!) { setConversationStatus(id: $id, status: closed) { status } }',
      { id: conversation.id },
      await env.headersFor(tenant),
    );
    expect(closed.data?.setConversationStatus.status).toBe('closed');
    await receive(tenant, inbound(), account);
    expect(await view(tenant, conversation.id)).toMatchObject({ status: 'open', unreadCount: 2 });
  });

  it('has the current month and the next two as partitions, and the kit job makes them ahead of its clock', async () => {
    const now = new Date();
    const names = [0, 1, 2].map((ahead) => {
      const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + ahead, 1));
      return `messages_${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
    });
    const found = await subject.service.database.$queryRaw<Array<{ name: string }>>`
      SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'messages'::regclass AND c.relname = ANY(${names}) ORDER BY c.relname`;
    expect(found.map((row) => row.name)).toEqual(names);

    // The job's own pass, on a clock years ahead: it makes that month and the next two.
    const job = startMessagePartitionJob(subject.service.database, {
      intervalMs: 60_000,
      logger: createLogger('conversations-test', 'silent'),
      clock: () => new Date(Date.UTC(2033, 1, 10)),
    });
    await job.stop(); // waits for the pass under way
    const ahead = await subject.service.database.$queryRaw<Array<{ name: string }>>`
      SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'messages'::regclass AND c.relname LIKE 'messages_2033_%' ORDER BY c.relname`;
    expect(ahead.map((row) => row.name)).toEqual([
      'messages_2033_02',
      'messages_2033_03',
      'messages_2033_04',
    ]);
  });

  it('creates partitions ahead with the job (idempotently) and stores each message in its month’s partition', async () => {
    const { service } = subject;
    const tenant = newTenant();
    const account = randomUUID();
    const future = new Date(Date.UTC(2031, 4, 15, 12));
    expect(await ensureMessagePartitions(service.database, future, 2)).toBe(3);
    expect(await ensureMessagePartitions(service.database, future, 2)).toBe(0);
    const partitions = await service.database.$queryRaw<Array<{ name: string }>>`
      SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'messages'::regclass AND c.relname IN ('messages_2031_05', 'messages_2031_06', 'messages_2031_07')
      ORDER BY c.relname`;
    expect(partitions.map((row) => row.name)).toEqual([
      'messages_2031_05',
      'messages_2031_06',
      'messages_2031_07',
    ]);

    const june = await receive(tenant, inbound({ sentAt: new Date(Date.UTC(2031, 5, 30, 23, 59)) }), account);
    // A month no job made yet (an old message, a backfill) is made when its first message arrives.
    const old = await receive(tenant, inbound({ sentAt: new Date(Date.UTC(2024, 0, 1)) }), account);
    const placed = await withTenant(
      service.database,
      tenant.organizationId,
      (tx) =>
        tx.$queryRaw<Array<{ id: string; partition: string }>>`
        SELECT id::text, tableoid::regclass::text AS partition FROM messages
        WHERE organization_id = ${tenant.organizationId}::uuid ORDER BY sent_at`,
    );
    expect(placed).toEqual([
      { id: old.message.id, partition: 'messages_2024_01' },
      { id: june.message.id, partition: 'messages_2031_06' },
    ]);
  });

  it('stores concurrent messages of a month no partition exists for yet (they take turns making it)', async () => {
    const tenant = newTenant();
    const account = randomUUID();
    const recorded = await Promise.all(
      [1, 2, 3, 4].map((day) =>
        receive(
          tenant,
          inbound({ platformConversationId: `old-${day}`, sentAt: new Date(Date.UTC(2019, 2, day)) }),
          account,
        ),
      ),
    );
    expect(recorded.map((result) => result.duplicate)).toEqual([false, false, false, false]);
    const placed = await withTenant(
      subject.service.database,
      tenant.organizationId,
      (tx) =>
        tx.$queryRaw<Array<{ partition: string }>>`
        SELECT DISTINCT tableoid::regclass::text AS partition FROM messages
        WHERE organization_id = ${tenant.organizationId}::uuid`,
    );
    expect(placed).toEqual([{ partition: 'messages_2019_03' }]);
  });

  it('shows another organization nothing of the partitioned messages, through the parent or a partition', async () => {
    const { service } = subject;
    const tenant = newTenant();
    const stranger = newTenant();
    const { message } = await receive(tenant, inbound({ text: 'private' }), randomUUID());
    const month = `messages_${message.sentAt.getUTCFullYear()}_${String(message.sentAt.getUTCMonth() + 1).padStart(2, '0')}`;
    const seen = await withTenant(service.database, stranger.organizationId, async (tx) => ({
      parent: await tx.message.count({ where: { id: message.id } }),
      partition: await tx.$queryRawUnsafe<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM ${month} WHERE id = $1::uuid`,
        message.id,
      ),
      keys: await tx.messageKey.count({ where: { messageId: message.id } }),
    }));
    expect(seen).toEqual({ parent: 0, partition: [{ n: 0 }], keys: 0 });
    const own = await withTenant(service.database, tenant.organizationId, (tx) =>
      tx.message.count({ where: { id: message.id } }),
    );
    expect(own).toBe(1);
  });

  it('keeps per-conversation order over 1,000 messages in 50 conversations, delivered interleaved and concurrently', async () => {
    const tenant = newTenant();
    const account = randomUUID();
    const base = Date.UTC(2026, 10, 1);
    const deliveries = Array.from({ length: 1000 }, (_, n) => ({
      order: (n * 7919) % 1000,
      thread: `t-${n % 50}`,
      index: Math.floor(n / 50),
      message: inbound({
        platformConversationId: `t-${n % 50}`,
        sentAt: new Date(base + Math.floor(n / 50) * 60_000 + (n % 50)),
        text: `#${Math.floor(n / 50)}`,
        attachments: [],
      }),
    }));
    // Shuffled (deterministically), then recorded four at a time: arrival order is not send order.
    const shuffled = [...deliveries].sort((a, b) => a.order - b.order);
    for (let start = 0; start < shuffled.length; start += 4) {
      await Promise.all(shuffled.slice(start, start + 4).map((d) => receive(tenant, d.message, account)));
    }
    const conversations = await withTenant(subject.service.database, tenant.organizationId, (tx) =>
      tx.conversation.findMany({
        where: { organizationId: tenant.organizationId },
        orderBy: { platformConversationId: 'asc' },
      }),
    );
    expect(conversations).toHaveLength(50);
    expect(new Set(conversations.map((c) => c.messageCount))).toEqual(new Set([20]));
    expect(new Set(conversations.map((c) => c.unreadCount))).toEqual(new Set([20]));
    const sample = conversations[7];
    if (!sample) throw new Error('no conversation');
    const firstPage = await view(tenant, sample.id, 15);
    const rest = await view(tenant, sample.id, 15, firstPage.messages.pageInfo.endCursor ?? undefined);
    expect(firstPage.messages.pageInfo.hasNextPage).toBe(true);
    expect(rest.messages.pageInfo.hasNextPage).toBe(false);
    const texts = [...firstPage.messages.edges, ...rest.messages.edges].map((edge) => edge.node.text);
    expect(texts).toEqual(Array.from({ length: 20 }, (_, n) => `#${19 - n}`));
    expect(sample.lastMessageAt?.getTime()).toBe(
      base + 19 * 60_000 + Number(sample.platformConversationId?.slice(2)),
    );
  });
});
