import { randomUUID } from 'node:crypto';
import { createEvent, toKafkaMessage, topicName } from '@platform/events';
import { LEAD_TRANSIT_LOCATION, leadTransitPayload } from '@platform/events/catalog';
import { fieldCipher, generateFieldKeyring, parseFieldKeyring, withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { eventually } from '@platform/testing';
import { Client } from 'pg';
import { LEAD_LINKS_GROUP } from '../../src/consumers/lead-links';
import {
  startPlatformSimulator,
  type PlatformSimulator,
} from '../../src/modules/channel/infra/simulator/server';
import { CHANNEL_WEBHOOK_PREFIX } from '../../src/modules/ingestion/infra/webhook-route';
import { messageSealing, recordOutbound } from '../../src/messages';
import { accountByWebhookId, startConversationsService } from '../../src/service';

// Leads to crm against real PostgreSQL and Kafka: a simulator-delivered inbound message becomes a
// conversations.lead.message.v1 in the outbox whose participant and text are sealed with the transit
// keyring (nothing personal in clear); outbound messages go the same way through publishLeadMessage;
// crm's crm.contact.lead_linked.v1 sets the conversation's contact once.

const piiKeyring = parseFieldKeyring(generateFieldKeyring());
const transitKeyring = parseFieldKeyring(generateFieldKeyring());
const transit = fieldCipher(transitKeyring);

interface OutboxRow {
  id: string;
  event_type: string;
  partition_key: string;
  payload: { id: string; tenantid: string; data: Record<string, unknown> };
}

describe('leads to crm', () => {
  let simulator: PlatformSimulator;
  const subject = serviceUnderTest('conversations', async (env) => {
    simulator = await startPlatformSimulator();
    return startConversationsService({
      ...env.startOptions(),
      piiKeyring,
      leadsTransitKeyring: transitKeyring,
      channelApiBaseUrl: simulator.url,
      tokenRefreshIntervalMs: 3_600_000,
    });
  });
  afterAll(() => simulator.close());

  async function call<T>(auth: TestTenant, query: string, variables: Record<string, unknown> = {}) {
    const { env, service } = subject;
    return env.graphql<T>(service.graphqlUrl, query, variables, await env.headersFor(auth));
  }

  async function connectedEmail() {
    const auth = newTenant();
    const account = `sales-${auth.organizationId.slice(0, 8)}@shop.example`;
    const answer = await call<{ connectChannelAccount: { webhookId: string } }>(
      auth,
      `mutation ($input: ConnectChannelAccountInput!) { connectChannelAccount(input: $input) { webhookId } }`,
      {
        input: { platform: 'email', platformAccountId: account, displayName: 'Sales', accessToken: 'token' },
      },
    );
    expect(answer.errors).toBeUndefined();
    const webhookId = answer.data?.connectChannelAccount.webhookId ?? '';
    const found = await accountByWebhookId(subject.service.database, fieldCipher(piiKeyring), webhookId);
    if (!found) throw new Error('the account is not found by its webhook id');
    return {
      auth,
      account,
      url: `${subject.service.url}${CHANNEL_WEBHOOK_PREFIX}${webhookId}`,
      secret: found.webhookSecret,
    };
  }

  /** The service's outbox rows of a type for an organization (read as the owner: the outbox has no tenant). */
  async function outbox(type: string, organizationId: string): Promise<OutboxRow[]> {
    const client = new Client({ connectionString: subject.env.database.ownerUrl });
    await client.connect();
    try {
      const result = await client.query<OutboxRow>(
        `SELECT id, event_type, partition_key, payload FROM outbox_events
          WHERE event_type = $1 AND payload->>'tenantid' = $2 ORDER BY seq`,
        [type, organizationId],
      );
      return result.rows;
    } finally {
      await client.end();
    }
  }

  const open = (row: OutboxRow) =>
    leadTransitPayload.parse(
      JSON.parse(
        transit.decrypt(String(row.payload.data['sealed']), {
          organizationId: row.payload.tenantid,
          ...LEAD_TRANSIT_LOCATION,
          rowId: row.payload.id,
        }),
      ),
    );

  it('an inbound message from a new participant is published for crm with the participant and text sealed, once however often it is delivered', async () => {
    const { auth, account, url, secret } = await connectedEmail();
    const delivery = await simulator.emit('email', {
      url,
      secret,
      account,
      text: 'Do you ship to Lisbon?',
      sender: { platformUserId: 'joana@example.com', displayName: 'Joana Silva', email: 'joana@example.com' },
    });
    expect(delivery.status).toBe(200);
    expect(await delivery.redeliver()).toBe(200);
    const [row, ...others] = await eventually('the lead event', async () => {
      const rows = await outbox('conversations.lead.message.v1', auth.organizationId);
      return rows.length > 0 ? rows : undefined;
    });
    // Once more, after the redelivery was handled too: still one.
    await eventually('the redelivery handled', async () => {
      const stored = await withTenant(subject.service.database, auth.organizationId, (tx) =>
        tx.messageKey.count({ where: { organizationId: auth.organizationId } }),
      );
      return stored === 1;
    });
    expect(others).toEqual([]);
    if (!row) throw new Error('no lead event');
    const conversation = await withTenant(subject.service.database, auth.organizationId, (tx) =>
      tx.conversation.findFirstOrThrow({ where: { organizationId: auth.organizationId } }),
    );
    expect(row.partition_key).toBe(conversation.id);
    expect(row.payload.data).toMatchObject({
      conversationId: conversation.id,
      organizationId: auth.organizationId,
      platform: 'email',
      direction: 'inbound',
      contactId: null,
      senderUserId: null,
    });
    // Nothing personal in clear anywhere in the event.
    const text = JSON.stringify(row.payload);
    for (const personal of ['joana', 'Joana', 'Silva', 'Lisbon']) expect(text).not.toContain(personal);
    expect(open(row)).toEqual({
      participant: {
        platformUserId: 'joana@example.com',
        displayName: 'Joana Silva',
        handle: null,
        email: 'joana@example.com',
        phone: null,
      },
      message: { text: 'Do you ship to Lisbon?', subject: null },
    });
    // The seal is bound to its event: under another event id (a copied ciphertext) it does not open.
    expect(() =>
      transit.decrypt(String(row.payload.data['sealed']), {
        organizationId: auth.organizationId,
        ...LEAD_TRANSIT_LOCATION,
        rowId: randomUUID(),
      }),
    ).toThrow();
  });

  it('an outbound reply goes to crm when it is recorded; crm’s link sets the conversation’s contact once', async () => {
    const { auth, account, url, secret } = await connectedEmail();
    await simulator.emit('email', {
      url,
      secret,
      account,
      text: 'Hello',
      sender: { platformUserId: 'li@example.com', displayName: 'Li', email: 'li@example.com' },
    });
    const conversation = await eventually('the conversation', () =>
      withTenant(subject.service.database, auth.organizationId, (tx) =>
        tx.conversation.findFirst({ where: { organizationId: auth.organizationId } }),
      ).then((row) => row ?? undefined),
    );
    const agent = randomUUID();
    // Recording a reply with the transit keyring publishes it for crm's timeline in the same transaction.
    await withTenant(subject.service.database, auth.organizationId, (tx) =>
      recordOutbound(
        tx,
        messageSealing(fieldCipher(piiKeyring)),
        {
          organizationId: auth.organizationId,
          conversationId: conversation.id,
          userId: agent,
          text: 'Hi Li, yes we do.',
        },
        new Date(),
        transit,
      ),
    );
    const rows = await outbox('conversations.lead.message.v1', auth.organizationId);
    const outbound = rows.find((row) => row.payload.data['direction'] === 'outbound');
    expect(outbound?.payload.data).toMatchObject({ senderUserId: agent, conversationId: conversation.id });
    if (!outbound) throw new Error('no outbound lead event');
    expect(open(outbound)).toMatchObject({
      participant: { platformUserId: 'li@example.com', displayName: 'Li' },
      message: { text: 'Hi Li, yes we do.' },
    });

    // crm answers with the contact it created; the same answer twice changes the conversation once.
    const contactId = randomUUID();
    const linked = () =>
      createEvent('crm.contact.lead_linked.v1', {
        source: '/services/crm',
        subject: contactId,
        tenantId: auth.organizationId,
        data: {
          contactId,
          organizationId: auth.organizationId,
          conversationId: conversation.id,
          platform: 'email',
          outcome: 'created',
          matchedBy: null,
          relationshipState: 'Lead',
          linkedAt: new Date().toISOString(),
        },
      });
    const events = [linked(), linked()];
    await subject.service.messaging.producer.send(
      topicName('crm.contact', subject.env.kafka.topicPrefix),
      events.map(toKafkaMessage),
    );
    for (const event of events) {
      await eventually('the link handled', () =>
        subject.service.database.processedEvent
          .findUnique({
            where: { consumerGroup_eventId: { consumerGroup: LEAD_LINKS_GROUP, eventId: event.id } },
          })
          .then((row) => row ?? undefined),
      );
    }
    const { data } = await call<{ conversation: { contact: { id: string } | null } }>(
      auth,
      `query ($id: ID!) { conversation(id: $id) { contact { id } } }`,
      { id: conversation.id },
    );
    expect(data?.conversation.contact).toEqual({ id: contactId });
    const updated = await outbox('conversations.conversation.updated.v1', auth.organizationId);
    const contactChanges = updated.filter((row) =>
      (row.payload.data['changes'] as string[] | undefined)?.includes('contact'),
    );
    expect(contactChanges).toHaveLength(1);
    expect(contactChanges[0]?.payload.data).toMatchObject({ contactId, changes: ['contact'] });
    // Later lead events carry the contact.
    await simulator.emit('email', {
      url,
      secret,
      account,
      text: 'Great, thanks',
      sender: { platformUserId: 'li@example.com', displayName: 'Li', email: 'li@example.com' },
    });
    await eventually('the next lead event names the contact', async () =>
      (await outbox('conversations.lead.message.v1', auth.organizationId)).some(
        (row) => row.payload.data['contactId'] === contactId,
      ),
    );
  });
});
