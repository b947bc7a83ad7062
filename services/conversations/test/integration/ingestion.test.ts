import { fieldCipher, generateFieldKeyring, parseFieldKeyring } from '@platform/service-kit';
import {
  metricValue,
  newTenant,
  parseMetrics,
  serviceUnderTest,
  type TestTenant,
} from '@platform/service-kit/testing';
import { eventually } from '@platform/testing';
import type { ChannelPlatform } from '../../src/modules/channel/domain/channel';
import {
  startPlatformSimulator,
  type PlatformSimulator,
} from '../../src/modules/channel/infra/simulator/server';
import { CHANNEL_WEBHOOK_PREFIX } from '../../src/modules/ingestion/infra/webhook-route';
import { accountByWebhookId, startConversationsService } from '../../src/service';

// Webhook ingestion end to end against real PostgreSQL and Kafka: the local platform simulator signs
// and delivers a platform's payload to a connected account's endpoint; the route verifies it, writes the
// sealed message to the outbox and answers; the ingestion consumer stores it on its conversation.

const piiKeyring = parseFieldKeyring(generateFieldKeyring());

interface Conversation {
  id: string;
  platform: string;
  needsReply: boolean;
  unreadCount: number;
  messages: { totalCount: number; edges: Array<{ node: { text: string; direction: string } }> };
}

describe('webhook ingestion', () => {
  let simulator: PlatformSimulator;
  const subject = serviceUnderTest('conversations', async (env) => {
    simulator = await startPlatformSimulator();
    return startConversationsService({
      ...env.startOptions(),
      piiKeyring,
      channelApiBaseUrl: simulator.url,
      tokenRefreshIntervalMs: 3_600_000,
    });
  });
  afterAll(() => simulator.close());

  async function call<T>(auth: TestTenant, query: string, variables: Record<string, unknown> = {}) {
    const { env, service } = subject;
    return env.graphql<T>(service.graphqlUrl, query, variables, await env.headersFor(auth));
  }

  /** A connected account of a new organization: its endpoint and the secret its platform signs with. */
  async function connected(platform: ChannelPlatform) {
    const auth = newTenant();
    const connectedAccount = await call<{ connectChannelAccount: { id: string; webhookId: string } }>(
      auth,
      `mutation ($input: ConnectChannelAccountInput!) { connectChannelAccount(input: $input) { id webhookId } }`,
      {
        input: {
          platform,
          platformAccountId: `page-${auth.organizationId.slice(0, 8)}`,
          displayName: 'Our page',
          accessToken: 'token',
        },
      },
    );
    expect(connectedAccount.errors).toBeUndefined();
    const webhookId = connectedAccount.data?.connectChannelAccount.webhookId ?? '';
    const found = await accountByWebhookId(subject.service.database, fieldCipher(piiKeyring), webhookId);
    if (!found) throw new Error('the account is not found by its webhook id');
    return {
      auth,
      account: `page-${auth.organizationId.slice(0, 8)}`,
      url: `${subject.service.url}${CHANNEL_WEBHOOK_PREFIX}${webhookId}`,
      secret: found.webhookSecret,
    };
  }

  const inbox = async (auth: TestTenant) => {
    const { data, errors } = await call<{ inbox: { edges: Array<{ node: Conversation }> } }>(
      auth,
      `{ inbox(first: 10) { edges { node { id platform needsReply unreadCount
          messages(first: 10) { totalCount edges { node { text direction } } } } } } }`,
    );
    expect(errors).toBeUndefined();
    return data?.inbox.edges.map((edge) => edge.node) ?? [];
  };

  it('stores a signed message once when the platform delivers it three times', async () => {
    const { auth, account, url, secret } = await connected('facebook');
    const delivery = await simulator.emit('facebook', {
      url,
      secret,
      account,
      text: 'Hello, do you have rooms for next week?',
      sender: { platformUserId: 'customer-1', displayName: 'Ada' },
    });
    expect(delivery.status).toBe(200);
    expect(await delivery.redeliver()).toBe(200);
    expect(await delivery.redeliver()).toBe(200);
    const [conversation, ...others] = await eventually('the message stored', async () => {
      const found = await inbox(auth);
      return found.length === 1 && found[0]?.messages.totalCount === 1 ? found : undefined;
    });
    expect(others).toEqual([]);
    expect(conversation).toMatchObject({
      platform: 'facebook',
      needsReply: true,
      unreadCount: 1,
      messages: {
        edges: [{ node: { text: 'Hello, do you have rooms for next week?', direction: 'inbound' } }],
      },
    });
    // A later message in the same thread joins the conversation.
    await simulator.emit('facebook', {
      url,
      secret,
      account,
      text: 'For two people.',
      sender: { platformUserId: 'customer-1', displayName: 'Ada' },
    });
    await eventually('the second message', async () => (await inbox(auth))[0]?.messages.totalCount === 2);
  });

  it('refuses a bad signature, a stale Slack delivery and an unknown endpoint, stores nothing, and counts each', async () => {
    const { auth, account, url, secret } = await connected('slack');
    const forged = await simulator.emit('slack', { url, secret: 'not-the-secret', account, text: 'forged' });
    expect(forged.status).toBe(401);
    const stale = await simulator.emit('slack', {
      url,
      secret,
      account,
      text: 'old',
      signedAt: new Date(Date.now() - 3_600_000),
    });
    expect(stale.status).toBe(401);
    const unknown = await fetch(
      `${subject.service.url}${CHANNEL_WEBHOOK_PREFIX}00000000-0000-4000-8000-000000000000`,
      {
        method: 'POST',
        body: '{}',
      },
    );
    expect(unknown.status).toBe(404);
    const good = await simulator.emit('slack', { url, secret, account, text: 'the real one' });
    expect(good.status).toBe(200);
    await eventually(
      'the good message stored',
      async () => (await inbox(auth))[0]?.messages.totalCount === 1,
    );
    const conversations = await inbox(auth);
    expect(
      conversations.flatMap((conversation) => conversation.messages.edges.map((edge) => edge.node.text)),
    ).toEqual(['the real one']);
    const samples = parseMetrics(await (await fetch(`${subject.service.url}/metrics`)).text());
    expect(
      metricValue(samples, 'channel_webhooks_total', { platform: 'slack', outcome: 'bad_signature' }),
    ).toBe(1);
    expect(
      metricValue(samples, 'channel_webhooks_total', { platform: 'slack', outcome: 'stale_timestamp' }),
    ).toBe(1);
    expect(
      metricValue(samples, 'channel_webhooks_total', { platform: 'unknown', outcome: 'unknown_account' }),
    ).toBe(1);
  });
});
