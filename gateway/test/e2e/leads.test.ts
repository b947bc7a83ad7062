import { randomUUID } from 'node:crypto';
import { appendToOutbox, createEvent } from '@platform/events';
import {
  accountByWebhookId,
  CHANNEL_WEBHOOK_PREFIX,
  startPlatformSimulator,
  type PlatformSimulator,
} from '@platform/conversations';
import { fieldCipher, withTenant } from '@platform/service-kit';
import { eventually } from '@platform/testing';
import { startTestPlatform, type TestPlatform } from './platform';
import { seeds, type Member } from './seed';

// Leads into the CRM, through the whole platform: the local platform simulator delivers a signed email
// to a connected account's webhook; conversations stores it and sends the participant and message to
// crm sealed; crm creates the contact in the Lead state with the message on its timeline and links it
// back to the conversation; the AI pipeline's hot score reaches the contact. Real PostgreSQL, Kafka and
// HTTP.

const LEAD = /* GraphQL */ `
  query Lead($email: String!) {
    contactByEmail(email: $email) {
      id
      givenName
      familyName
      relationshipState
      source
      leadTemperature
      leadSignals
      interactions(first: 10) {
        totalCount
        edges {
          node {
            type
            direction
            content
          }
        }
      }
    }
    contacts(first: 10) {
      totalCount
    }
  }
`;

interface LeadAnswer {
  contactByEmail: {
    id: string;
    givenName: string;
    familyName: string | null;
    relationshipState: string;
    source: string | null;
    leadTemperature: string | null;
    leadSignals: string[];
    interactions: {
      totalCount: number;
      edges: Array<{ node: { type: string; direction: string; content: string | null } }>;
    };
  } | null;
  contacts: { totalCount: number };
}

describe('leads into the CRM through the gateway', () => {
  let platform: TestPlatform;
  let simulator: PlatformSimulator;

  beforeAll(async () => {
    simulator = await startPlatformSimulator();
    platform = await startTestPlatform();
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
    await simulator?.close();
  });

  /** An email account of the member's organization connected through the gateway: its webhook and secret. */
  async function connectedEmail(member: Member) {
    const account = `sales-${member.organizationId.slice(0, 8)}@shop.example`;
    const { connectChannelAccount } = await member.run<{ connectChannelAccount: { webhookId: string } }>(
      `mutation ($input: ConnectChannelAccountInput!) { connectChannelAccount(input: $input) { webhookId } }`,
      {
        input: { platform: 'email', platformAccountId: account, displayName: 'Sales', accessToken: 'token' },
      },
    );
    const found = await accountByWebhookId(
      platform.conversations.database,
      fieldCipher(platform.conversationsPiiKeyring),
      connectChannelAccount.webhookId,
    );
    if (!found) throw new Error('the connected account is not found by its webhook id');
    return {
      account,
      url: `${platform.conversations.url}${CHANNEL_WEBHOOK_PREFIX}${connectChannelAccount.webhookId}`,
      secret: found.webhookSecret,
    };
  }

  const lead = async (member: Member, email: string) => {
    const answer = await platform.graphql<LeadAnswer>(LEAD, { email }, member.accessToken);
    expect(answer.errors).toBeUndefined();
    if (!answer.data) throw new Error('no answer');
    return answer.data;
  };

  it('a new participant’s email becomes a Lead with the message on its timeline, matched again, scored hot, seen by no other organization', async () => {
    const { admin } = await seeds(platform).organization('Leads');
    const { admin: stranger } = await seeds(platform).organization('Strangers');
    const { account, url, secret } = await connectedEmail(admin);
    const sender = {
      platformUserId: 'marie@example.com',
      displayName: 'Marie Curie',
      email: 'marie@example.com',
    };

    const first = await simulator.emit('email', {
      url,
      secret,
      account,
      sender,
      text: 'Do you offer a trial?',
    });
    expect(first.status).toBe(200);
    const created = await eventually('the lead in crm with its message', async () => {
      const found = await lead(admin, 'marie@example.com');
      return found.contactByEmail?.interactions.totalCount === 1 ? found.contactByEmail : undefined;
    });
    expect(created).toMatchObject({
      givenName: 'Marie',
      familyName: 'Curie',
      relationshipState: 'Lead',
      source: 'email',
      interactions: {
        edges: [{ node: { type: 'Email', direction: 'Inbound', content: 'Do you offer a trial?' } }],
      },
    });

    // crm linked the contact back: the conversation names it, and the gateway joins the two.
    const inbox = await eventually('the conversation linked to the contact', async () => {
      const answer = await platform.graphql<{
        inbox: {
          edges: Array<{ node: { id: string; contact: { id: string; relationshipState: string } | null } }>;
        };
      }>(
        `{ inbox(first: 5) { edges { node { id contact { id relationshipState } } } } }`,
        {},
        admin.accessToken,
      );
      const node = answer.data?.inbox.edges[0]?.node;
      return node?.contact ? node : undefined;
    });
    expect(inbox.contact).toEqual({ id: created.id, relationshipState: 'Lead' });

    // A second message of the same participant joins the same contact; the webhook redelivered adds nothing.
    const second = await simulator.emit('email', { url, secret, account, sender, text: 'And the price?' });
    expect(await second.redeliver()).toBe(200);
    expect(await first.redeliver()).toBe(200);
    const matched = await eventually('the second message on the timeline', async () => {
      const found = await lead(admin, 'marie@example.com');
      return found.contactByEmail?.interactions.totalCount === 2 ? found : undefined;
    });
    expect(matched.contactByEmail?.id).toBe(created.id);
    expect(matched.contacts.totalCount).toBe(1);

    // The AI pipeline scores the conversation hot (conversations publishes it): the contact has it.
    await withTenant(platform.conversations.database, admin.organizationId, (tx) =>
      appendToOutbox(tx, [
        createEvent('conversations.lead.scored.v1', {
          source: '/services/conversations',
          subject: inbox.id,
          tenantId: admin.organizationId,
          data: {
            conversationId: inbox.id,
            organizationId: admin.organizationId,
            messageId: randomUUID(),
            aiTaskId: randomUUID(),
            platform: 'email',
            contactId: created.id,
            score: 'hot',
            signals: ['pricing_question', 'trial_request'],
            scoredAt: new Date().toISOString(),
          },
        }),
      ]),
    );
    const scored = await eventually('the hot score on the contact', async () => {
      const found = await lead(admin, 'marie@example.com');
      return found.contactByEmail?.leadTemperature === 'hot' ? found.contactByEmail : undefined;
    });
    expect(scored.leadSignals).toEqual(['pricing_question', 'trial_request']);

    // Redelivery created nothing twice, after everything settled.
    const settled = await lead(admin, 'marie@example.com');
    expect(settled.contacts.totalCount).toBe(1);
    expect(settled.contactByEmail?.interactions.totalCount).toBe(2);

    // Another organization sees nothing of it.
    const theirs = await lead(stranger, 'marie@example.com');
    expect(theirs.contactByEmail).toBeNull();
    expect(theirs.contacts.totalCount).toBe(0);
  });
});
