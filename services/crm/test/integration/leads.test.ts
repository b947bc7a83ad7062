import { randomUUID } from 'node:crypto';
import { createEvent, toKafkaMessage, topicName, type CatalogEvent } from '@platform/events';
import { LEAD_TRANSIT_LOCATION, type LeadTransitPayload } from '@platform/events/catalog';
import { fieldCipher, generateFieldKeyring, parseFieldKeyring, withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { eventually } from '@platform/testing';
import { LEADS_GROUP } from '../../src/consumers/leads';
import { startCrmService } from '../../src/service';
import { crmOptions, entitlementsChanged, onPlan } from '../support';

// Leads from conversations against real PostgreSQL and Kafka: conversations.lead.message.v1 published
// to the conversations.lead topic as conversations' relay would (participant and message sealed with the
// transit keyring), conversations.lead.scored.v1 beside it; crm's `crm.leads` consumer makes contacts,
// timelines and scores of them.

/** The transit keyring conversations and crm share (LEADS_TRANSIT_KEYRING). */
const transitKeyring = parseFieldKeyring(generateFieldKeyring());
const transit = fieldCipher(transitKeyring);

type LeadMessage = CatalogEvent<'conversations.lead.message.v1'>;
type LeadScored = CatalogEvent<'conversations.lead.scored.v1'>;

interface Participant {
  platformUserId: string;
  displayName?: string | null;
  handle?: string | null;
  email?: string | null;
  phone?: string | null;
}

function leadMessage(
  auth: TestTenant,
  options: {
    conversationId: string;
    participant: Participant;
    text: string;
    messageId?: string;
    platform?: LeadMessage['data']['platform'];
    direction?: 'inbound' | 'outbound';
    senderUserId?: string | null;
    subject?: string | null;
    sentAt?: Date;
    /** Seal for another organization than the event's (a copied ciphertext). */
    sealFor?: string;
  },
): LeadMessage {
  const id = randomUUID();
  const payload: LeadTransitPayload = {
    participant: {
      platformUserId: options.participant.platformUserId,
      displayName: options.participant.displayName ?? null,
      handle: options.participant.handle ?? null,
      email: options.participant.email ?? null,
      phone: options.participant.phone ?? null,
    },
    message: { text: options.text, subject: options.subject ?? null },
  };
  const sealed = transit.encrypt(JSON.stringify(payload), {
    organizationId: options.sealFor ?? auth.organizationId,
    ...LEAD_TRANSIT_LOCATION,
    rowId: id,
  });
  return createEvent('conversations.lead.message.v1', {
    id,
    source: '/services/conversations',
    subject: options.conversationId,
    tenantId: auth.organizationId,
    data: {
      conversationId: options.conversationId,
      organizationId: auth.organizationId,
      messageId: options.messageId ?? randomUUID(),
      channelAccountId: randomUUID(),
      platform: options.platform ?? 'email',
      direction: options.direction ?? 'inbound',
      contactId: null,
      senderUserId: options.senderUserId ?? null,
      sentAt: (options.sentAt ?? new Date()).toISOString(),
      sealed,
    },
  });
}

function leadScored(
  auth: TestTenant,
  conversationId: string,
  score: 'hot' | 'warm' | 'cold',
  signals: string[],
  scoredAt: Date = new Date(),
): LeadScored {
  return createEvent('conversations.lead.scored.v1', {
    source: '/services/conversations',
    subject: conversationId,
    tenantId: auth.organizationId,
    data: {
      conversationId,
      organizationId: auth.organizationId,
      messageId: randomUUID(),
      aiTaskId: randomUUID(),
      platform: 'email',
      contactId: null,
      score,
      signals,
      scoredAt: scoredAt.toISOString(),
    },
  });
}

const CONTACT_BY_EMAIL = `query ($email: String!) {
  contactByEmail(email: $email) {
    id givenName familyName email relationshipState lifecycleStage leadStatus source
    leadTemperature leadSignals leadScoredAt
    interactions(first: 20) {
      totalCount
      edges { node { id type channel direction status content subject createdBy { id } } }
    }
  }
}`;
const CONTACTS = `{ contacts(first: 50) { totalCount edges { node { id givenName relationshipState source
  interactions(first: 20) { totalCount edges { node { content direction } } } } } } }`;

interface TimelineEntry {
  id: string;
  type: string;
  channel: string;
  direction: string;
  status: string;
  content: string | null;
  subject: string | null;
  createdBy: { id: string } | null;
}
interface LeadContact {
  id: string;
  givenName: string;
  familyName: string | null;
  email: string | null;
  relationshipState: string;
  lifecycleStage: string | null;
  leadStatus: string | null;
  source: string | null;
  leadTemperature: string | null;
  leadSignals: string[];
  leadScoredAt: string | null;
  interactions: { totalCount: number; edges: Array<{ node: TimelineEntry }> };
}

describe('leads from conversations', () => {
  const subject = serviceUnderTest('crm', (env) =>
    startCrmService({ ...crmOptions(env.startOptions()), leadsTransitKeyring: transitKeyring }),
  );

  /** Publishes to conversations.lead keyed by conversation, as conversations' relay does; waits until handled. */
  async function publish(...events: Array<LeadMessage | LeadScored>): Promise<void> {
    const { service, env } = subject;
    await service.messaging.producer.send(
      topicName('conversations.lead', env.kafka.topicPrefix),
      events.map(toKafkaMessage),
    );
    for (const event of events) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const row = await service.database.processedEvent.findUnique({
          where: { consumerGroup_eventId: { consumerGroup: LEADS_GROUP, eventId: event.id } },
        });
        if (row) break;
        if (Date.now() > deadline) throw new Error(`event ${event.id} was not handled within 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  async function byEmail(auth: TestTenant, email: string): Promise<LeadContact | null> {
    const { env, service } = subject;
    const answer = await env.graphql<{ contactByEmail: LeadContact | null }>(
      service.graphqlUrl,
      CONTACT_BY_EMAIL,
      { email },
      await env.headersFor(auth),
    );
    expect(answer.errors).toBeUndefined();
    return answer.data?.contactByEmail ?? null;
  }

  async function contacts(auth: TestTenant) {
    const { env, service } = subject;
    const answer = await env.graphql<{
      contacts: {
        totalCount: number;
        edges: Array<{
          node: {
            id: string;
            givenName: string;
            relationshipState: string;
            source: string | null;
            interactions: {
              totalCount: number;
              edges: Array<{ node: { content: string; direction: string } }>;
            };
          };
        }>;
      };
    }>(service.graphqlUrl, CONTACTS, {}, await env.headersFor(auth));
    expect(answer.errors).toBeUndefined();
    return answer.data?.contacts;
  }

  const links = (auth: TestTenant) =>
    withTenant(subject.service.database, auth.organizationId, (tx) =>
      tx.leadConversation.findMany({ where: { organizationId: auth.organizationId } }),
    );

  it('a new participant’s first message creates a Lead with the message on its timeline, and publishes the link', async () => {
    const auth = newTenant();
    const conversationId = randomUUID();
    await publish(
      leadMessage(auth, {
        conversationId,
        participant: {
          platformUserId: 'ada@example.com',
          displayName: 'Ada Lovelace',
          email: 'Ada@Example.com',
        },
        subject: 'Pricing',
        text: 'How much is the pro plan?',
      }),
    );

    const contact = await byEmail(auth, 'ada@example.com');
    expect(contact).toMatchObject({
      givenName: 'Ada',
      familyName: 'Lovelace',
      email: 'ada@example.com',
      relationshipState: 'Lead',
      lifecycleStage: 'lead',
      leadStatus: 'new',
      source: 'email',
      leadTemperature: null,
      leadSignals: [],
    });
    expect(contact?.interactions.totalCount).toBe(1);
    expect(contact?.interactions.edges[0]?.node).toMatchObject({
      type: 'Email',
      channel: 'Email',
      direction: 'Inbound',
      status: 'Completed',
      subject: 'Pricing',
      content: 'How much is the pro plan?',
      // The system recorded it: no user to name.
      createdBy: null,
    });
    expect(await links(auth)).toEqual([
      expect.objectContaining({
        conversationId,
        contactId: contact?.id,
        outcome: 'created',
        matchedBy: null,
      }),
    ]);
    const linked = (await subject.env.outboxEvents()).filter(
      (event) => event.type === 'crm.contact.lead_linked.v1' && event.subject === contact?.id,
    );
    expect(linked).toHaveLength(1);
    // The content is sealed at rest in crm too.
    const rows = await withTenant(subject.service.database, auth.organizationId, (tx) =>
      tx.interaction.findMany({ where: { organizationId: auth.organizationId } }),
    );
    expect(rows[0]?.content).toMatch(/^pii1\./);
  });

  it('the same participant is matched again (email, then channel identity), redeliveries and repeated messages record nothing twice', async () => {
    const auth = newTenant();
    const first = randomUUID();
    const participant = {
      platformUserId: 'grace@example.com',
      displayName: 'Grace Hopper',
      email: 'grace@example.com',
    };
    const opening = leadMessage(auth, { conversationId: first, participant, text: 'Hello' });
    await publish(opening);
    // The same event again (Kafka's at-least-once), and the same message in a new event.
    await publish(opening);
    await publish(
      leadMessage(auth, {
        conversationId: first,
        participant,
        text: 'Hello',
        messageId: opening.data.messageId,
      }),
    );
    // A reply of the organization, and a second message of the conversation.
    const agent = randomUUID();
    await publish(
      leadMessage(auth, {
        conversationId: first,
        participant,
        text: 'Hi Grace, here are our prices',
        direction: 'outbound',
        senderUserId: agent,
      }),
      leadMessage(auth, { conversationId: first, participant, text: 'Thanks!' }),
    );
    // A new conversation from the same address.
    const second = randomUUID();
    await publish(leadMessage(auth, { conversationId: second, participant, text: 'Another question' }));

    const all = await contacts(auth);
    expect(all?.totalCount).toBe(1);
    const contact = await byEmail(auth, 'grace@example.com');
    expect(contact?.interactions.totalCount).toBe(4);
    expect(contact?.interactions.edges.map(({ node }) => [node.direction, node.content]).sort()).toEqual(
      [
        ['Inbound', 'Another question'],
        ['Inbound', 'Hello'],
        ['Inbound', 'Thanks!'],
        ['Outbound', 'Hi Grace, here are our prices'],
      ].sort(),
    );
    const reply = contact?.interactions.edges.find(({ node }) => node.direction === 'Outbound');
    expect(reply?.node.createdBy).toEqual({ id: agent });
    const byConversation = new Map((await links(auth)).map((link) => [link.conversationId, link]));
    expect(byConversation.get(first)).toMatchObject({ contactId: contact?.id, outcome: 'created' });
    expect(byConversation.get(second)).toMatchObject({
      contactId: contact?.id,
      outcome: 'matched',
      matchedBy: 'email',
    });
    // One link event per conversation.
    const linked = (await subject.env.outboxEvents()).filter(
      (event) => event.type === 'crm.contact.lead_linked.v1' && event.subject === contact?.id,
    );
    expect(linked).toHaveLength(2);
  });

  it('a participant without email or phone is found again by their channel identity', async () => {
    const auth = newTenant();
    const participant = { platformUserId: 'psid-1234', displayName: 'Linus' };
    await publish(
      leadMessage(auth, { conversationId: randomUUID(), participant, text: 'hi', platform: 'facebook' }),
    );
    const later = randomUUID();
    await publish(
      leadMessage(auth, { conversationId: later, participant, text: 'again', platform: 'facebook' }),
    );
    // The same id on another platform is another person.
    await publish(
      leadMessage(auth, { conversationId: randomUUID(), participant, text: 'other', platform: 'instagram' }),
    );

    const all = await contacts(auth);
    expect(all?.totalCount).toBe(2);
    const facebook = all?.edges.find(({ node }) => node.source === 'facebook')?.node;
    expect(facebook).toMatchObject({ givenName: 'Linus', relationshipState: 'Lead' });
    expect(facebook?.interactions.totalCount).toBe(2);
    expect((await links(auth)).find((link) => link.conversationId === later)).toMatchObject({
      outcome: 'matched',
      matchedBy: 'channel_identity',
    });
  });

  it('the lead’s score and signals reach the contact; an older score does not replace a newer one; a score before the link waits for it', async () => {
    const auth = newTenant();
    const conversationId = randomUUID();
    const participant = { platformUserId: 'x', email: 'hot@example.com', displayName: 'Hot Lead' };
    await publish(leadMessage(auth, { conversationId, participant, text: 'I want to buy today' }));
    const scoredAt = new Date();
    await publish(leadScored(auth, conversationId, 'hot', ['pricing_question', 'urgency'], scoredAt));
    expect(await byEmail(auth, 'hot@example.com')).toMatchObject({
      leadTemperature: 'hot',
      leadSignals: ['pricing_question', 'urgency'],
      leadScoredAt: scoredAt.toISOString(),
    });
    // Lists filter on it.
    const hot = await subject.env.graphql<{ contacts: { edges: Array<{ node: { id: string } }> } }>(
      subject.service.graphqlUrl,
      `{ contacts(first: 10, filter: { leadTemperature: { eq: hot } }) { edges { node { id } } } }`,
      {},
      await subject.env.headersFor(auth),
    );
    expect(hot.errors).toBeUndefined();
    expect(hot.data?.contacts.edges.map(({ node }) => node.id)).toEqual([
      (await byEmail(auth, 'hot@example.com'))?.id,
    ]);
    // A late, older score changes nothing.
    await publish(leadScored(auth, conversationId, 'cold', [], new Date(scoredAt.getTime() - 60_000)));
    expect(await byEmail(auth, 'hot@example.com')).toMatchObject({ leadTemperature: 'hot' });

    // Scored before crm linked the conversation: applied when its first message arrives.
    const early = randomUUID();
    await publish(leadScored(auth, early, 'warm', ['demo_request']));
    await publish(
      leadMessage(auth, {
        conversationId: early,
        participant: { platformUserId: 'y', email: 'warm@example.com', displayName: 'Warm' },
        text: 'Can I see a demo?',
      }),
    );
    expect(await byEmail(auth, 'warm@example.com')).toMatchObject({
      leadTemperature: 'warm',
      leadSignals: ['demo_request'],
    });
  });

  it('at the plan’s contact limit the lead is parked (kept, counted), not lost and not crashing the consumer, and replayed after an upgrade', async () => {
    const auth = newTenant();
    await withTenant(subject.service.database, auth.organizationId, async (tx) => {
      await onPlan(tx, auth.organizationId, 'free');
      await tx.$executeRaw`
        UPDATE organization_entitlements SET contact_limit = 0 WHERE organization_id = ${auth.organizationId}::uuid`;
    });
    const parked = leadMessage(auth, {
      conversationId: randomUUID(),
      participant: { platformUserId: 'z', email: 'full@example.com' },
      text: 'hello?',
    });
    await publish(parked);
    expect((await contacts(auth))?.totalCount).toBe(0);
    const rows = await withTenant(subject.service.database, auth.organizationId, (tx) =>
      tx.parkedLeadEvent.findMany({ where: { organizationId: auth.organizationId } }),
    );
    expect(rows).toEqual([expect.objectContaining({ eventId: parked.id, reason: 'plan_limit_reached' })]);
    // An upgrade makes room: the parked lead is replayed, the contact made with its message.
    const upgrade = entitlementsChanged(auth.organizationId, 'pro', 1);
    await subject.service.messaging.producer.send(
      topicName('billing.entitlements', subject.env.kafka.topicPrefix),
      [toKafkaMessage(upgrade)],
    );
    await eventually('the upgrade handled by the leads consumer', () =>
      subject.service.database.processedEvent
        .findUnique({ where: { consumerGroup_eventId: { consumerGroup: LEADS_GROUP, eventId: upgrade.id } } })
        .then((row) => row ?? undefined),
    );
    expect(await byEmail(auth, 'full@example.com')).toMatchObject({
      relationshipState: 'Lead',
      interactions: { totalCount: 1, edges: [{ node: { content: 'hello?' } }] },
    });
    expect(
      await withTenant(subject.service.database, auth.organizationId, (tx) =>
        tx.parkedLeadEvent.count({ where: { organizationId: auth.organizationId } }),
      ),
    ).toBe(0);
    // The consumer goes on with the next organization's leads.
    const other = newTenant();
    await publish(
      leadMessage(other, {
        conversationId: randomUUID(),
        participant: { platformUserId: 'w', email: 'next@example.com' },
        text: 'hi',
      }),
    );
    expect(await byEmail(other, 'next@example.com')).toMatchObject({ relationshipState: 'Lead' });
  });

  it('another organization sees nothing, and a ciphertext sealed for another organization does not open', async () => {
    const auth = newTenant();
    const stranger = newTenant();
    await publish(
      leadMessage(auth, {
        conversationId: randomUUID(),
        participant: { platformUserId: 'p', email: 'private@example.com' },
        text: 'secret',
      }),
    );
    expect(await byEmail(auth, 'private@example.com')).not.toBeNull();
    expect(await byEmail(stranger, 'private@example.com')).toBeNull();
    expect((await contacts(stranger))?.totalCount).toBe(0);

    // Moved into another organization's event, the seal refuses: the event goes to the DLQ, nothing is made.
    const copied = leadMessage(stranger, {
      conversationId: randomUUID(),
      participant: { platformUserId: 'p', email: 'copied@example.com' },
      text: 'copied',
      sealFor: auth.organizationId,
    });
    const { service, env } = subject;
    await service.messaging.producer.send(topicName('conversations.lead', env.kafka.topicPrefix), [
      toKafkaMessage(copied),
    ]);
    // A later event of the same conversation's partition is handled: the bad one was set aside.
    const after = leadMessage(stranger, {
      conversationId: copied.data.conversationId,
      participant: { platformUserId: 'q', email: 'after@example.com' },
      text: 'after',
    });
    await publish(after);
    expect(await byEmail(stranger, 'copied@example.com')).toBeNull();
    expect(await byEmail(stranger, 'after@example.com')).not.toBeNull();
  });
});
