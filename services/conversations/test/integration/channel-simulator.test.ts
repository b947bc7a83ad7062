import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import {
  CHANNEL_PLATFORMS,
  ChannelPayloadError,
  ChannelSendError,
  type ChannelPlatform,
  type NormalizedInbound,
} from '../../src/modules/channel/domain/channel';
import { channelAdapters, type ChannelAdapters } from '../../src/modules/channel/infra/adapters';
import {
  startPlatformSimulator,
  type PlatformSimulator,
} from '../../src/modules/channel/infra/simulator/server';
import { registerChannelWebhookMetrics } from '../../src/modules/channel/infra/webhook-metrics';

const SECRET = 'account-webhook-secret';

/** A real receiving endpoint: verifies with the platform's adapter, parses, and keeps what it accepted. */
interface Receiver {
  url: string;
  accepted: NormalizedInbound[];
  refusals: string[];
  close(): Promise<void>;
}

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

async function startReceiver(adapters: ChannelAdapters, registry: Registry): Promise<Receiver> {
  const accepted: NormalizedInbound[] = [];
  const refusals: string[] = [];
  const seen = new Set<string>();
  const metrics = registerChannelWebhookMetrics(registry);
  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://receiver');
      const platform = CHANNEL_PLATFORMS.find((name) => url.pathname === `/webhooks/${name}`);
      if (!platform) {
        response.writeHead(404).end();
        return;
      }
      const adapter = adapters.adapterFor(platform);
      const method = request.method ?? 'GET';
      if (method === 'GET') {
        const check = adapter.handshake({ method, query: url.searchParams, rawBody: null }, SECRET);
        if (check) response.writeHead(check.status, { 'content-type': check.contentType }).end(check.body);
        else response.writeHead(405).end();
        return;
      }
      const raw = await body(request);
      const verification = adapter.verify(raw, request.headers, SECRET, new Date());
      if (!verification.verified) {
        refusals.push(verification.reason);
        metrics.record(platform, verification.reason);
        response.writeHead(401).end(verification.reason);
        return;
      }
      const check = adapter.handshake({ method, query: url.searchParams, rawBody: raw }, SECRET);
      if (check) {
        response.writeHead(check.status, { 'content-type': check.contentType }).end(check.body);
        return;
      }
      try {
        const messages = adapter.parse(raw);
        const fresh = messages.filter((message) => !seen.has(message.platformMessageId));
        for (const message of fresh) seen.add(message.platformMessageId);
        accepted.push(...fresh);
        metrics.record(platform, fresh.length === 0 && messages.length > 0 ? 'duplicate' : 'accepted');
        response.writeHead(200).end('{"received":true}');
      } catch (error) {
        if (!(error instanceof ChannelPayloadError)) throw error;
        refusals.push('malformed');
        metrics.record(platform, 'malformed');
        response.writeHead(400).end('malformed');
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address: AddressInfo | string | null = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    refusals,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let simulator: PlatformSimulator;
let adapters: ChannelAdapters;
let receiver: Receiver;
const registry = new Registry();

beforeAll(async () => {
  simulator = await startPlatformSimulator();
  adapters = channelAdapters({ defaultApiBaseUrl: simulator.url });
  receiver = await startReceiver(adapters, registry);
});

afterAll(async () => {
  await receiver.close();
  await simulator.close();
});

const sentAt = new Date('2026-11-30T00:30:00.000Z');

describe.each(CHANNEL_PLATFORMS.map((platform) => [platform]))(
  '%s through the simulator',
  (platform: ChannelPlatform) => {
    const several = platform !== 'slack';
    const account = `acct-${platform}`;

    it('emits a signed webhook the adapter verifies and maps to normalized messages', async () => {
      const before = receiver.accepted.length;
      const delivery = await simulator.emit(platform, {
        url: `${receiver.url}/webhooks/${platform}`,
        secret: SECRET,
        account,
        messages: [
          { text: `hello from ${platform}`, sentAt, sender: { displayName: 'Ada Lovelace' } },
          ...(several ? [{ text: 'second message' }] : []),
        ],
      });
      expect(delivery.status).toBe(200);
      const received = receiver.accepted.slice(before);
      expect(
        received.map((message) => [message.platformMessageId, message.text, message.sentAt.toISOString()]),
      ).toEqual(
        delivery.messages.map((message) => [
          message.platformMessageId,
          message.text,
          message.sentAt.toISOString(),
        ]),
      );
      const who = (message: NormalizedInbound) => [
        message.platformConversationId,
        message.sender.platformUserId,
        message.sender.email,
        message.sender.phone,
      ];
      expect(received.map(who)).toEqual(delivery.messages.map(who));
      expect(received.length).toBe(several ? 2 : 1);
    });

    it('is delivered again with the same bytes (the receiver stores it once)', async () => {
      const delivery = await simulator.emit(platform, {
        url: `${receiver.url}/webhooks/${platform}`,
        secret: SECRET,
        account,
        messages: [{ text: 'again', sentAt }],
      });
      const before = receiver.accepted.length;
      expect(await delivery.redeliver()).toBe(200);
      expect(await delivery.redeliver()).toBe(200);
      expect(receiver.accepted.length).toBe(before);
    });

    it('is refused when signed with another secret', async () => {
      const before = receiver.accepted.length;
      const delivery = await simulator.emit(platform, {
        url: `${receiver.url}/webhooks/${platform}`,
        secret: 'not-the-secret',
        account,
        messages: [{ text: 'forged', sentAt }],
      });
      expect(delivery.status).toBe(401);
      expect(delivery.responseBody).toBe('bad_signature');
      expect(receiver.accepted.length).toBe(before);
    });

    it('sends a reply the simulator records, answered with a platform message id', async () => {
      const adapter = adapters.adapterFor(platform);
      const result = await adapter.send(
        { accessToken: `token-${platform}`, platformAccountId: account },
        { platformConversationId: `thread-${platform}`, text: `reply on ${platform}`, replyTo: null },
      );
      const recorded = simulator.sends().find((send) => send.text === `reply on ${platform}`);
      expect(result.platformMessageId).toContain(recorded?.platformMessageId ?? 'nothing recorded');
      expect(recorded).toMatchObject({
        platformConversationId: `thread-${platform}`,
        text: `reply on ${platform}`,
        accessToken: `token-${platform}`,
      });
    });
  },
);

describe('platform specifics', () => {
  it('a stale Slack delivery is refused', async () => {
    const delivery = await simulator.emit('slack', {
      url: `${receiver.url}/webhooks/slack`,
      secret: SECRET,
      account: 'T1',
      messages: [{ text: 'old', sentAt }],
      signedAt: new Date(Date.now() - 10 * 60_000),
    });
    expect(delivery.status).toBe(401);
    expect(delivery.responseBody).toBe('stale_timestamp');
  });

  it('a malformed payload is refused and counted', async () => {
    const scheme = adapters.adapterFor('facebook');
    const raw = Buffer.from('{"object":"page","entry":[{"id":1}]}');
    expect(() => scheme.parse(raw)).toThrow(ChannelPayloadError);
    const delivery = await simulator.emit('sms', {
      url: `${receiver.url}/webhooks/sms`,
      secret: SECRET,
      account: '+15550001111',
      messages: [{ text: 'x', sender: { platformUserId: 'not a number' } }],
    });
    expect(delivery.status).toBe(400);
    const metric = await registry.getSingleMetricAsString('channel_webhooks_total');
    expect(metric).toContain('platform="sms",outcome="malformed"} 1');
    expect(metric).toContain('outcome="bad_signature"');
  });

  it('a Slack reply goes into the thread of the message answered', async () => {
    const result = await adapters
      .adapterFor('slack')
      .send(
        { accessToken: 'xoxb-1', platformAccountId: 'T1' },
        { platformConversationId: 'D1', text: 'hi', replyTo: 'D1:1700000000.000100' },
      );
    const recorded = simulator
      .sends()
      .find((send) => result.platformMessageId === `D1:${send.platformMessageId}`);
    expect(recorded).toMatchObject({ api: 'slack', replyTo: '1700000000.000100' });
  });

  it('WhatsApp maps the contact name, phone and media', async () => {
    const before = receiver.accepted.length;
    await simulator.emit('whatsapp', {
      url: `${receiver.url}/webhooks/whatsapp`,
      secret: SECRET,
      account: 'PN1',
      messages: [
        {
          platformMessageId: 'wamid.PHOTO1',
          text: 'see the photo',
          sentAt,
          sender: { platformUserId: '15551234567', displayName: 'Grace' },
          attachments: [{ kind: 'image', url: null, name: 'photo.jpg', mime: 'image/jpeg', size: null }],
        },
      ],
    });
    expect(receiver.accepted.slice(before)).toEqual([
      {
        platformMessageId: 'wamid.PHOTO1',
        platformConversationId: '15551234567',
        sender: {
          platformUserId: '15551234567',
          displayName: 'Grace',
          handle: null,
          email: null,
          phone: '+15551234567',
        },
        text: 'see the photo',
        attachments: [{ kind: 'image', url: null, name: 'photo.jpg', mime: 'image/jpeg', size: null }],
        sentAt,
      },
    ]);
  });

  it('a revoked access token is refused with a non-retryable send error', async () => {
    simulator.revokeAccessToken('revoked-token');
    const sending = adapters
      .adapterFor('facebook')
      .send(
        { accessToken: 'revoked-token', platformAccountId: 'P1' },
        { platformConversationId: 'U1', text: 'x' },
      );
    await expect(sending).rejects.toBeInstanceOf(ChannelSendError);
    await expect(sending).rejects.toMatchObject({ status: 401, retryable: false });
  });

  it('emits one message given inline, with its thread and sender', async () => {
    const before = receiver.accepted.length;
    const delivery = await simulator.emit('chat', {
      url: `${receiver.url}/webhooks/chat`,
      secret: SECRET,
      account: 'site-1',
      conversation: 'session-42',
      sender: { platformUserId: 'visitor-7', displayName: 'Vera', email: 'vera@example.com' },
      text: 'is anyone there?',
      sentAt,
    });
    expect(delivery.status).toBe(200);
    expect(receiver.accepted.slice(before)).toEqual(delivery.messages);
    expect(
      delivery.messages.map((message) => [message.platformConversationId, message.sender.email]),
    ).toEqual([['session-42', 'vera@example.com']]);
  });

  it('a platform outage is a retryable send error, and the platform answers again afterwards', async () => {
    simulator.failNextSends(1, 503);
    const adapter = adapters.adapterFor('twitter');
    const credentials = { accessToken: 'x-token', platformAccountId: '100' };
    const message = { platformConversationId: '200', text: 'after the outage' };
    await expect(adapter.send(credentials, message)).rejects.toMatchObject({ status: 503, retryable: true });
    const result = await adapter.send(credentials, message);
    expect(
      simulator
        .sends()
        .filter((send) => send.text === 'after the outage')
        .map((send) => [send.api, send.platformMessageId]),
    ).toEqual([['twitter', result.platformMessageId]]);
  });

  it('an unreachable platform is a retryable send error', async () => {
    const nowhere = channelAdapters({ defaultApiBaseUrl: 'http://127.0.0.1:9' }).adapterFor('sms');
    await expect(
      nowhere.send(
        { accessToken: 't', platformAccountId: '+1555' },
        { platformConversationId: '+1666', text: 'x' },
      ),
    ).rejects.toMatchObject({ status: null, retryable: true });
  });

  it.each<[ChannelPlatform]>([['facebook'], ['instagram'], ['whatsapp'], ['twitter'], ['slack']])(
    "%s's endpoint check passes with the account's secret and fails with another",
    async (platform) => {
      const url = `${receiver.url}/webhooks/${platform}`;
      expect(await simulator.handshake(platform, { url, secret: SECRET })).toMatchObject({
        passed: true,
        status: 200,
      });
      expect(await simulator.handshake(platform, { url, secret: 'another-secret' })).toMatchObject({
        passed: false,
      });
    },
  );

  it('platforms without an endpoint check have none', async () => {
    expect(
      await simulator.handshake('sms', { url: `${receiver.url}/webhooks/sms`, secret: SECRET }),
    ).toBeNull();
    expect(
      adapters
        .adapterFor('email')
        .handshake({ method: 'GET', query: new URLSearchParams('crc_token=x'), rawBody: null }, SECRET),
    ).toBeNull();
  });

  it('the token endpoint refreshes (rotating the refresh token) and refuses a spent one', async () => {
    const refreshToken = simulator.issueRefreshToken();
    const refresh = (token: string) =>
      fetch(`${simulator.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString(),
      });
    const first = await refresh(refreshToken);
    expect(first.status).toBe(200);
    const tokens: unknown = await first.json();
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    const again = await refresh(refreshToken);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
  });
});
