import { randomUUID } from 'node:crypto';
import { generateFieldKeyring, parseFieldKeyring, withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { eventually } from '@platform/testing';
import { AiProviderError, type AiProvider } from '../../src/modules/ai/domain/ai-provider';
import { applyEntitlements } from '../../src/modules/ai/infra/entitlements';
import { localAiProvider } from '../../src/modules/ai/infra/local-provider';
import type { ChannelPlatform } from '../../src/modules/channel/domain/channel';
import {
  startPlatformSimulator,
  type PlatformSimulator,
} from '../../src/modules/channel/infra/simulator/server';
import { CHANNEL_WEBHOOK_PREFIX } from '../../src/modules/ingestion/infra/webhook-route';
import { startConversationsService } from '../../src/service';

// The AI pipeline and the reply queue against real PostgreSQL and Kafka, through the local platform
// simulator: an inbound message is classified, its sender scored and a reply drafted by the worker; an
// approved draft is sent through the channel adapter; the plan's AI level decides what runs; failed
// provider calls are retried with backoff and end failed; usage is published for every task that ends.

const piiKeyring = parseFieldKeyring(generateFieldKeyring());
const HOT = "Hi, I'm interested in buying the loft. What's the price? Can I book a viewing this week?";

interface ConversationView {
  id: string;
  needsReply: boolean;
  repliedAt: string | null;
  lead: { score: string; signals: string[]; reasoning: string | null } | null;
  replyDrafts: Array<{
    id: string;
    status: string;
    text: string;
    confidence: number;
    autoApproved: boolean;
    messageId: string | null;
    error: string | null;
  }>;
  messages: {
    edges: Array<{
      node: {
        id: string;
        direction: string;
        text: string;
        deliveryStatus: string;
        classification: { intent: string; sentiment: string; confidence: number } | null;
        aiTasks: Array<{
          kind: string;
          status: string;
          retryCount: number;
          provider: string | null;
          error: string | null;
          inputTokens: number;
        }>;
      };
    }>;
  };
}

const VIEW = `query ($id: ID!) { conversation(id: $id) {
  id needsReply repliedAt
  lead { score signals reasoning }
  replyDrafts { id status text confidence autoApproved messageId error }
  messages(first: 10) { edges { node { id direction text deliveryStatus
    classification { intent sentiment confidence }
    aiTasks { kind status retryCount provider error inputTokens } } } }
} }`;

/** A provider whose calls fail as scripted before the local provider answers. */
function scriptedProvider(failures: { classify?: AiProviderError[] }): AiProvider {
  const local = localAiProvider();
  const queue = [...(failures.classify ?? [])];
  return {
    ...local,
    name: 'scripted',
    classify: (input) => {
      const next = queue.shift();
      return next ? Promise.reject(next) : local.classify(input);
    },
  };
}

describe('AI pipeline and reply queue', () => {
  let simulator: PlatformSimulator;
  let provider: AiProvider = localAiProvider();
  let threshold: number | null = null;
  const subject = serviceUnderTest('conversations', async (env) => {
    simulator = await startPlatformSimulator();
    return startConversationsService({
      ...env.startOptions(),
      piiKeyring,
      channelApiBaseUrl: simulator.url,
      tokenRefreshIntervalMs: 3_600_000,
      aiWorkerIntervalMs: 100,
      replyQueueIntervalMs: 100,
      ai: {
        name: 'switchable',
        embeddingDimensions: 256,
        classify: (input) => provider.classify(input),
        scoreLead: (input) => provider.scoreLead(input),
        draftReply: (input) => provider.draftReply(input),
        answer: (input) => provider.answer(input),
        embed: (texts) => provider.embed(texts),
      },
      autoSendThresholdOf: () => Promise.resolve(threshold),
    });
  });
  afterAll(() => simulator.close());
  afterEach(() => {
    provider = localAiProvider();
    threshold = null;
  });

  async function call<T>(auth: TestTenant, query: string, variables: Record<string, unknown> = {}) {
    const { env, service } = subject;
    return env.graphql<T>(service.graphqlUrl, query, variables, await env.headersFor(auth));
  }

  /** A new organization on a plan with `aiInsights`, with a connected account signed by its app secret. */
  async function organization(
    aiInsights: 'none' | 'basic' | 'advanced',
    platform: ChannelPlatform = 'facebook',
  ) {
    const auth = newTenant();
    await withTenant(subject.service.database, auth.organizationId, (tx) =>
      applyEntitlements(tx, {
        organizationId: auth.organizationId,
        planId: aiInsights === 'none' ? 'free' : aiInsights === 'basic' ? 'basic' : 'pro',
        aiInsights,
        version: 1,
        changedAt: new Date(),
      }),
    );
    const secret = `app-secret-${randomUUID()}`;
    const account = `page-${auth.organizationId.slice(0, 8)}`;
    const connected = await call<{ connectChannelAccount: { webhookId: string } }>(
      auth,
      `mutation ($input: ConnectChannelAccountInput!) { connectChannelAccount(input: $input) { webhookId } }`,
      {
        input: {
          platform,
          platformAccountId: account,
          displayName: 'Our page',
          accessToken: `token-${account}`,
          webhookSecret: secret,
        },
      },
    );
    expect(connected.errors).toBeUndefined();
    const url = `${subject.service.url}${CHANNEL_WEBHOOK_PREFIX}${connected.data?.connectChannelAccount.webhookId ?? ''}`;
    return { auth, account, url, secret, platform };
  }

  async function inbound(org: Awaited<ReturnType<typeof organization>>, text: string, sender = 'customer-1') {
    const delivery = await simulator.emit(org.platform, {
      url: org.url,
      secret: org.secret,
      account: org.account,
      text,
      sender: { platformUserId: `${sender}-${org.account}`, displayName: 'Maria Lopez' },
    });
    expect(delivery.status).toBe(200);
    const { data } = await eventually('the conversation', async () => {
      const result = await call<{ inbox: { edges: Array<{ node: { id: string } }> } }>(
        org.auth,
        '{ inbox(first: 5) { edges { node { id } } } }',
      );
      return result.data?.inbox.edges.length ? result : undefined;
    });
    return data?.inbox.edges[0]?.node.id ?? '';
  }

  const view = async (auth: TestTenant, id: string) => {
    const { data, errors } = await call<{ conversation: ConversationView }>(auth, VIEW, { id });
    expect(errors).toBeUndefined();
    if (!data) throw new Error('no conversation');
    return data.conversation;
  };

  it('classifies, scores hot and drafts a reply; an approved draft is sent through the channel and needsReply clears', async () => {
    const org = await organization('advanced');
    const id = await inbound(org, HOT);
    const drafted = await eventually(
      'classified, scored and drafted',
      async () => {
        const found = await view(org.auth, id);
        return found.lead && found.replyDrafts.length === 1 ? found : undefined;
      },
      { timeoutMs: 20_000 },
    );
    const message = drafted.messages.edges[0]?.node;
    expect(message?.classification).toMatchObject({ intent: 'purchase_inquiry', sentiment: 'neutral' });
    expect(
      message?.aiTasks.map((task) => `${task.kind}:${task.status}:${task.provider ?? ''}`).sort(),
    ).toEqual(['classify:completed:switchable', 'reply:completed:switchable', 'score:completed:switchable']);
    expect(message?.aiTasks.every((task) => task.inputTokens > 0)).toBe(true);
    expect(drafted.lead).toMatchObject({ score: 'hot' });
    expect(drafted.lead?.signals).toEqual(
      expect.arrayContaining(['purchase_intent', 'pricing_question', 'urgency']),
    );
    expect(drafted.lead?.reasoning).toMatch(/^Scored hot/);
    const [draft] = drafted.replyDrafts;
    expect(draft).toMatchObject({ status: 'pending', autoApproved: false, messageId: null });
    // Messenger's webhooks carry no sender name: the draft greets without one.
    expect(draft?.text).toMatch(/^Hi, thanks for your interest!/);
    expect(drafted.needsReply).toBe(true);

    const pending = await call<{ replyDrafts: Array<{ id: string }> }>(org.auth, '{ replyDrafts { id } }');
    expect(pending.data?.replyDrafts.map((d) => d.id)).toEqual([draft?.id]);

    const approved = await call<{ approveReplyDraft: { status: string; messageId: string } }>(
      org.auth,
      'mutation ($id: ID!, $text: String) { approveReplyDraft(id: $id, text: $text) { status messageId } }',
      { id: draft?.id, text: 'Hi Maria, happy to show you the loft on Thursday at 5pm.' },
    );
    expect(approved.errors).toBeUndefined();
    expect(approved.data?.approveReplyDraft.status).toBe('approved');
    const sent = await eventually('the simulator received the reply', () =>
      simulator
        .sends()
        .find((send) => send.text === 'Hi Maria, happy to show you the loft on Thursday at 5pm.'),
    );
    expect(sent).toMatchObject({
      accessToken: `token-${org.account}`,
      platformConversationId: `customer-1-${org.account}`,
    });
    const after = await eventually('the draft and the message sent', async () => {
      const found = await view(org.auth, id);
      return found.replyDrafts[0]?.status === 'sent' ? found : undefined;
    });
    expect(after.needsReply).toBe(false);
    expect(after.repliedAt).not.toBeNull();
    expect(after.messages.edges[0]?.node).toMatchObject({ direction: 'outbound', deliveryStatus: 'sent' });
    // Deciding twice is a conflict.
    const again = await call(org.auth, 'mutation ($id: ID!) { rejectReplyDraft(id: $id) { status } }', {
      id: draft?.id,
    });
    expect(again.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');

    const usage = (await subject.env.outboxEvents()).filter(
      (event) => event.type === 'conversations.ai_usage.recorded.v1',
    );
    expect(usage.length).toBeGreaterThanOrEqual(3);
    const updates = (await subject.env.outboxEvents()).filter((event) => event.subject === id);
    expect(updates.map((event) => event.type)).toEqual(
      expect.arrayContaining([
        'conversations.conversation.updated.v1',
        'conversations.reply.drafted.v1',
        'conversations.lead.scored.v1',
        'conversations.message.sent.v1',
      ]),
    );
  });

  it('auto-approves and sends a draft whose confidence meets the threshold, and never one for a plan without it', async () => {
    threshold = 0.5;
    const org = await organization('advanced');
    const id = await inbound(org, HOT, 'auto');
    const sent = await eventually(
      'auto-sent',
      async () => {
        const found = await view(org.auth, id);
        return found.replyDrafts[0]?.status === 'sent' ? found : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(sent.replyDrafts[0]).toMatchObject({ autoApproved: true });
    expect(sent.needsReply).toBe(false);

    // basic: classify and score, no drafts at all.
    const basic = await organization('basic');
    const basicId = await inbound(basic, HOT, 'basic');
    const scored = await eventually('scored on basic', async () => {
      const found = await view(basic.auth, basicId);
      return found.lead ? found : undefined;
    });
    expect(scored.messages.edges[0]?.node.aiTasks.map((task) => task.kind).sort()).toEqual([
      'classify',
      'score',
    ]);
    expect(scored.replyDrafts).toEqual([]);
  });

  it('runs no AI for an organization whose plan has none', async () => {
    const org = await organization('none');
    const id = await inbound(org, HOT, 'free');
    // The message is stored; wait past a few worker passes and see no task.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const found = await view(org.auth, id);
    expect(found.messages.edges[0]?.node).toMatchObject({ classification: null, aiTasks: [] });
    expect(found.lead).toBeNull();
  });

  it('retries a retryable provider failure with backoff and fails a task for good on a refusal', async () => {
    provider = scriptedProvider({ classify: [new AiProviderError('overloaded', 'http_503', true, 0)] });
    const org = await organization('basic');
    const id = await inbound(org, HOT, 'retry');
    const retried = await eventually(
      'classified after a retry',
      async () => {
        const found = await view(org.auth, id);
        const classify = found.messages.edges[0]?.node.aiTasks.find((task) => task.kind === 'classify');
        return classify?.status === 'completed' ? classify : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(retried).toMatchObject({ retryCount: 1, error: null });

    provider = scriptedProvider({ classify: [new AiProviderError('bad key', 'http_401', false)] });
    const refused = await organization('basic');
    const refusedId = await inbound(refused, HOT, 'refused');
    const failed = await eventually('failed for good', async () => {
      const found = await view(refused.auth, refusedId);
      const classify = found.messages.edges[0]?.node.aiTasks.find((task) => task.kind === 'classify');
      return classify?.status === 'failed' ? classify : undefined;
    });
    expect(failed).toMatchObject({ retryCount: 0, error: 'http_401' });
    const usage = (await subject.env.outboxEvents()).filter(
      (event) => event.type === 'conversations.ai_usage.recorded.v1',
    );
    expect(usage.length).toBeGreaterThan(0);
  });

  it('marks a reply failed when the platform refuses it, and the draft with it', async () => {
    const org = await organization('advanced');
    const id = await inbound(org, HOT, 'refuse');
    const drafted = await eventually('drafted', async () => (await view(org.auth, id)).replyDrafts[0]);
    simulator.revokeAccessToken(`token-${org.account}`);
    await call(org.auth, 'mutation ($id: ID!) { approveReplyDraft(id: $id) { status } }', { id: drafted.id });
    const failed = await eventually('the send failed', async () => {
      const found = await view(org.auth, id);
      return found.replyDrafts[0]?.status === 'failed' ? found : undefined;
    });
    expect(failed.replyDrafts[0]?.error).toBe('http_401');
    expect(failed.messages.edges[0]?.node).toMatchObject({ direction: 'outbound', deliveryStatus: 'failed' });
  });

  it('refuses bad input on drafts with typed errors', async () => {
    const auth = newTenant();
    const malformed = await call(auth, 'mutation { approveReplyDraft(id: "nope") { status } }');
    expect(malformed.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const missing = await call(auth, 'mutation ($id: ID!) { rejectReplyDraft(id: $id) { status } }', {
      id: randomUUID(),
    });
    expect(missing.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    const page = await call(auth, '{ replyDrafts(first: 0) { id } }');
    expect(page.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});
