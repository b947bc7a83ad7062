import { randomUUID } from 'node:crypto';
import {
  CHANNEL_WEBHOOK_PREFIX,
  startPlatformSimulator,
  type PlatformSimulator,
} from '@platform/conversations';
import { eventually } from '@platform/testing';
import { Client } from 'pg';
import { startTestPlatform, type TestPlatform } from './platform';
import { seeds, type Member } from './seed';

// The social inbox as an agency uses it, through the gateway and the local platform simulator: the
// organization is on Pro (AI: advanced), connects its mailbox with the platform's signing secret; a
// customer writes; within seconds the conversation needs a reply, the message is classified, the lead
// is scored hot and a reply is drafted, and crm has a Contact in the Lead state with the message on its
// timeline; an agent approves the draft, the simulator (the platform)
// receives it, and the conversation no longer needs a reply.

const CUSTOMER_EMAIL = 'maria.lopez@example.com';
const HOT =
  "Hello, I'm interested in buying the loft on Elm Street. What's the price? I'd like to book a viewing this week.";

interface InboxConversation {
  id: string;
  needsReply: boolean;
  platform: string;
  lead: { score: string; signals: string[] } | null;
  replyDrafts: Array<{ id: string; status: string; text: string; confidence: number }>;
  messages: {
    edges: Array<{
      node: {
        direction: string;
        text: string;
        deliveryStatus: string;
        classification: { intent: string; sentiment: string } | null;
      };
    }>;
  };
}

const INBOX = /* GraphQL */ `
  query Inbox {
    inbox(filter: { needsReply: true }, first: 10) {
      totalCount
      edges {
        node {
          id
          needsReply
          platform
          lead {
            score
            signals
          }
          replyDrafts {
            id
            status
            text
            confidence
          }
          messages(first: 5) {
            edges {
              node {
                direction
                text
                deliveryStatus
                classification {
                  intent
                  sentiment
                }
              }
            }
          }
        }
      }
    }
  }
`;

const LEAD = /* GraphQL */ `
  query Lead($email: String!) {
    contactByEmail(email: $email) {
      id
      givenName
      familyName
      relationshipState
      leadTemperature
      interactions(first: 10) {
        totalCount
        edges {
          node {
            direction
            content
          }
        }
      }
    }
  }
`;

interface Lead {
  id: string;
  givenName: string;
  familyName: string;
  relationshipState: string;
  leadTemperature: string | null;
  interactions: { totalCount: number; edges: Array<{ node: { direction: string; content: string | null } }> };
}

describe('the social inbox, as a story', () => {
  let platform: TestPlatform;
  let simulator: PlatformSimulator;
  let admin: Member;

  beforeAll(async () => {
    simulator = await startPlatformSimulator();
    platform = await startTestPlatform({
      conversations: { channelApiBaseUrl: simulator.url, aiWorkerIntervalMs: 100, replyQueueIntervalMs: 100 },
    });
    ({ admin } = await seeds(platform).organization('elmstreet'));
  }, 180_000);

  afterAll(async () => {
    await platform?.close();
    await simulator?.close();
  });

  /** conversations' copy of the organization's AI level, as billing announced it. */
  async function aiLevel(organizationId: string): Promise<string | null> {
    const client = new Client({ connectionString: platform.databases.conversations.superuserUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ ai_insights: string }>(
        'SELECT ai_insights FROM organization_entitlements WHERE organization_id = $1',
        [organizationId],
      );
      return rows[0]?.ai_insights ?? null;
    } finally {
      await client.end();
    }
  }

  it('turns a customer email into a classified, scored conversation with a drafted reply an agent approves and sends', async () => {
    // Pro, as a trial: AI insights at the advanced level reach conversations through billing's event.
    await admin.run(
      `mutation { startSubscription(input: { planId: "pro", seats: 3, trialDays: 14 }) { status } }`,
    );
    await eventually(
      'conversations knows the plan',
      async () => (await aiLevel(admin.organizationId)) === 'advanced',
    );

    // The mailbox, connected with the signing secret its email platform signs webhooks with.
    const signingSecret = `whsec-${randomUUID()}`;
    const mailbox = `sales-${admin.organizationId.slice(0, 8)}@elmstreet.example`;
    // The plan and the starter's seat reach identity as two events of two topics: until both are
    // applied the starter is a seatless member of a plan priced per seat, who reads only (a moment;
    // identity's access_changed event then makes the gateway ask again). A refusal writes nothing.
    const { connectChannelAccount } = await eventually('the starter’s seat reached identity', async () => {
      const result = await platform.graphql<{
        connectChannelAccount: { webhookId: string; status: string };
      }>(
        `mutation ($input: ConnectChannelAccountInput!) { connectChannelAccount(input: $input) { webhookId status } }`,
        {
          input: {
            platform: 'email',
            platformAccountId: mailbox,
            displayName: 'Sales mailbox',
            accessToken: 'mailbox-token',
            webhookSecret: signingSecret,
          },
        },
        admin.accessToken,
      );
      if (result.errors?.[0]?.extensions?.['code'] === 'FORBIDDEN') return undefined;
      if (result.errors || !result.data)
        throw new Error(`connecting failed: ${JSON.stringify(result.errors)}`);
      return result.data;
    });
    expect(connectChannelAccount.status).toBe('connected');

    // The customer writes; the platform signs and delivers the webhook.
    const started = Date.now();
    const delivery = await simulator.emit('email', {
      url: `${platform.conversations.url}${CHANNEL_WEBHOOK_PREFIX}${connectChannelAccount.webhookId}`,
      secret: signingSecret,
      account: mailbox,
      text: HOT,
      sender: { platformUserId: CUSTOMER_EMAIL, displayName: 'Maria Lopez', email: CUSTOMER_EMAIL },
    });
    expect(delivery.status).toBe(200);

    // Within seconds: needs a reply, classified, scored hot, a reply drafted.
    const conversation = await eventually(
      'the conversation classified, scored and drafted',
      async () => {
        const { inbox } = await admin.run<{ inbox: { edges: Array<{ node: InboxConversation }> } }>(INBOX);
        const found = inbox.edges[0]?.node;
        return found?.lead && found.replyDrafts.length > 0 ? found : undefined;
      },
      { timeoutMs: 15_000 },
    );
    const elapsedMs = Date.now() - started;
    expect(elapsedMs).toBeLessThan(15_000);
    expect(conversation).toMatchObject({ needsReply: true, platform: 'email', lead: { score: 'hot' } });
    expect(conversation.messages.edges[0]?.node).toMatchObject({
      direction: 'inbound',
      text: HOT,
      classification: { intent: 'purchase_inquiry', sentiment: 'neutral' },
    });
    const [draft] = conversation.replyDrafts;
    expect(draft).toMatchObject({ status: 'pending' });
    expect(draft?.text).toMatch(/^Hi Maria, thanks for your interest!/);

    // crm has the customer as a Lead with the message on the timeline, scored hot, linked to the conversation.
    const lead = await eventually(
      'the lead in crm',
      async () => {
        const { contactByEmail } = await admin.run<{ contactByEmail: Lead | null }>(LEAD, {
          email: CUSTOMER_EMAIL,
        });
        return contactByEmail?.leadTemperature === 'hot' && contactByEmail.interactions.totalCount === 1
          ? contactByEmail
          : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(lead).toMatchObject({ relationshipState: 'Lead', givenName: 'Maria', familyName: 'Lopez' });
    expect(lead.interactions.edges[0]?.node).toMatchObject({ direction: 'Inbound', content: HOT });
    await eventually('the conversation linked to the contact', async () => {
      const { conversation: linked } = await admin.run<{ conversation: { contact: { id: string } | null } }>(
        `query ($id: ID!) { conversation(id: $id) { contact { id } } }`,
        { id: conversation.id },
      );
      return linked.contact?.id === lead.id;
    });

    // An agent approves the draft; the platform receives it; nothing needs a reply any more.
    const { approveReplyDraft } = await admin.run<{ approveReplyDraft: { status: string } }>(
      `mutation ($id: ID!) { approveReplyDraft(id: $id) { status } }`,
      { id: draft?.id },
    );
    expect(approveReplyDraft.status).toBe('approved');
    const sent = await eventually('the platform received the reply', () =>
      simulator.sends().find((send) => send.text === draft?.text),
    );
    expect(sent).toMatchObject({ accessToken: 'mailbox-token' });
    const after = await eventually('the draft sent', async () => {
      const { conversation: found } = await admin.run<{
        conversation: {
          needsReply: boolean;
          replyDrafts: Array<{ status: string }>;
          messages: { edges: Array<{ node: { direction: string; deliveryStatus: string } }> };
        };
      }>(
        `query ($id: ID!) { conversation(id: $id) { needsReply replyDrafts { status }
          messages(first: 1) { edges { node { direction deliveryStatus } } } } }`,
        { id: conversation.id },
      );
      return found.replyDrafts[0]?.status === 'sent' ? found : undefined;
    });
    expect(after.needsReply).toBe(false);
    expect(after.messages.edges[0]?.node).toEqual({ direction: 'outbound', deliveryStatus: 'sent' });
    // The reply joins the lead's timeline.
    await eventually('the reply on the timeline', async () => {
      const { contactByEmail } = await admin.run<{ contactByEmail: Lead | null }>(LEAD, {
        email: CUSTOMER_EMAIL,
      });
      return contactByEmail?.interactions.edges.some((edge) => edge.node.direction === 'Outbound') === true;
    });
    const { inbox } = await admin.run<{ inbox: { totalCount: number } }>(
      `{ inbox(filter: { needsReply: true }) { totalCount } }`,
    );
    expect(inbox.totalCount).toBe(0);
  });
});
