/**
 * `/webhooks/channels/<webhookId>`: where a connected account's platform delivers. The route finds the
 * account by the id in the URL, answers the platform's endpoint check, verifies the delivery's
 * signature the platform's way with the account's secret, maps the payload to messages and writes one
 * sealed `conversations.inbound.received.v1` per message to the outbox, then answers 200 at once: the
 * ingestion consumer stores them (idempotent on the platform message id, in order per conversation).
 * Refusals (unknown account, bad or missing signature, stale timestamp, malformed payload, too large)
 * are answered 4xx, counted in `channel_webhooks_total` and never stored.
 */
import type { IncomingMessage } from 'node:http';
import { appendToOutbox } from '@platform/events';
import {
  readRawBody,
  sendJson,
  type FieldCipher,
  type Logger,
  type RouteHandler,
  type TenantClient,
  type TenantDatabase,
} from '@platform/service-kit';
import type { Registry } from 'prom-client';
import type { Prisma } from '../../../generated/prisma/client';
import { accountByWebhookId } from '../../account/infra/account-by-webhook-id';
import { ChannelPayloadError, isChannelPlatform, type WebhookHeaders } from '../../channel/domain/channel';
import type { ChannelAdapters } from '../../channel/infra/adapters';
import { registerChannelWebhookMetrics } from '../../channel/infra/webhook-metrics';
import { inboundReceived, newInboundEventId } from '../domain/inbound';
import { conversationKey, sealInbound } from './sealed-inbound';

type Transaction = Prisma.TransactionClient;

export const CHANNEL_WEBHOOK_PREFIX = '/webhooks/channels/';
export const CHANNEL_WEBHOOK_ROUTE = `${CHANNEL_WEBHOOK_PREFIX}*`;
/** The largest delivery taken (platforms batch a few messages; attachments travel as links). */
export const MAX_CHANNEL_WEBHOOK_BYTES = 1_048_576;

export interface ChannelWebhookDependencies {
  database: TenantClient<Transaction>;
  tenants: TenantDatabase<Transaction>;
  cipher: FieldCipher;
  adapters: ChannelAdapters;
  /** The time signatures' timestamps are checked against. */
  now: () => Date;
  logger: Logger;
  outbox: { notify(): void };
  metrics: { registry: Registry };
}

function headersOf(request: IncomingMessage): WebhookHeaders {
  return request.headers;
}

export function channelWebhookRoute(dependencies: ChannelWebhookDependencies): RouteHandler {
  const { database, tenants, cipher, adapters, now: clockNow, outbox } = dependencies;
  const logger = dependencies.logger.child({ component: 'channel-webhooks' });
  const metrics = registerChannelWebhookMetrics(dependencies.metrics.registry);

  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://webhook.local');
    const webhookId = url.pathname.slice(CHANNEL_WEBHOOK_PREFIX.length);
    if (request.method !== 'POST' && request.method !== 'GET') {
      response.setHeader('allow', 'GET, POST');
      sendJson(response, 405, { error: { code: 'method_not_allowed', message: 'use POST' } });
      return;
    }
    const found = await accountByWebhookId(database, cipher, webhookId);
    if (!found || !isChannelPlatform(found.account.platform)) {
      metrics.record('unknown', 'unknown_account');
      sendJson(response, 404, { error: { code: 'unknown_account', message: 'no channel account here' } });
      return;
    }
    const { account, webhookSecret } = found;
    const platform = account.platform;
    const adapter = adapters.adapterFor(platform);
    const body =
      request.method === 'POST' ? await readRawBody(request, MAX_CHANNEL_WEBHOOK_BYTES) : Buffer.alloc(0);
    if (!body) {
      response.setHeader('connection', 'close');
      metrics.record(platform, 'too_large');
      sendJson(response, 413, {
        error: { code: 'too_large', message: `a delivery is at most ${MAX_CHANNEL_WEBHOOK_BYTES} bytes` },
      });
      return;
    }
    const check = adapter.handshake(
      { method: request.method, query: url.searchParams, rawBody: request.method === 'POST' ? body : null },
      webhookSecret,
    );
    if (check) {
      response.writeHead(check.status, { 'content-type': check.contentType }).end(check.body);
      return;
    }
    if (request.method !== 'POST') {
      metrics.record(platform, 'malformed');
      sendJson(response, 400, { error: { code: 'malformed', message: 'deliveries are POSTed' } });
      return;
    }
    if (account.status !== 'connected') {
      // The platform may still deliver for a while: acknowledged, not stored.
      metrics.record(platform, 'ignored');
      sendJson(response, 200, { received: true, stored: 0 });
      return;
    }
    const now = clockNow();
    const verification = adapter.verify(body, headersOf(request), webhookSecret, now);
    if (!verification.verified) {
      metrics.record(platform, verification.reason);
      sendJson(response, verification.reason === 'malformed' ? 400 : 401, {
        error: { code: verification.reason, message: verification.message },
      });
      return;
    }
    let messages;
    try {
      messages = adapter.parse(body);
    } catch (error) {
      if (!(error instanceof ChannelPayloadError)) throw error;
      metrics.record(platform, 'malformed');
      sendJson(response, 400, { error: { code: 'malformed', message: error.message } });
      return;
    }
    const events = messages.map((message) => {
      const id = newInboundEventId();
      return inboundReceived({
        id,
        organizationId: account.organizationId,
        channelAccountId: account.id,
        platform,
        conversationKey: conversationKey(account.id, message.platformConversationId),
        sealed: sealInbound(cipher, account.organizationId, id, message),
        receivedAt: now,
      });
    });
    if (events.length > 0) {
      await tenants.transaction(account.organizationId, (tx) => appendToOutbox(tx, events));
      outbox.notify();
    }
    metrics.record(platform, events.length > 0 ? 'accepted' : 'ignored');
    logger.debug({ accountId: account.id, messages: events.length }, 'channel delivery taken in');
    sendJson(response, 200, { received: true, stored: events.length });
  };
}
