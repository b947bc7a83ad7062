/**
 * The social inbox's figures (issue #11), the five services and the gateway in this process on real
 * PostgreSQL and Kafka, the local platform simulator as the channel:
 *
 * 1. Webhook → stored → classified: signed webhooks POSTed at a steady rate (default 200 messages/s
 *    for 10 s, one message per delivery, over 50 senders) to a connected account's endpoint; per
 *    message, the time from the POST to the stored row (`messages.created_at`) and to its completed
 *    classify task (`ai_tasks.completed_at`), with the local AI provider. p50/p99/max.
 * 2. The inbox query for an organization with 100,000 messages (default: 5,000 conversations of 20
 *    messages each, written in bulk with SQL), through the gateway: needs-reply first page, a platform
 *    filter and paging; p50/p95/p99.
 *
 *   pnpm --filter @platform/gateway bench:inbox [-- --rate 200 --seconds 10 --messages 100000 --queries 200]
 *
 * Prints numbers, asserts nothing.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { CHANNEL_WEBHOOK_PREFIX, startPlatformSimulator } from '@platform/conversations';
import { withTestInfrastructure } from '@platform/testing';
import { eventually } from '@platform/testing';
import { Client } from 'pg';
import { startTestPlatform } from '../test/e2e/platform';
import { seeds } from '../test/e2e/seed';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const RATE = option('rate', 200);
const SECONDS = option('seconds', 10);
const SENDERS = 50;
const MESSAGES = option('messages', 100_000);
const PER_CONVERSATION = 20;
const QUERIES = option('queries', 200);

const percentile = (sorted: readonly number[], fraction: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
const line = (label: string, values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${label}: p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${percentile(sorted, 0.95).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms (n = ${sorted.length})`;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const simulator = await startPlatformSimulator();
  const platform = await startTestPlatform({
    principalTtlMs: 3_600_000,
    conversations: { channelApiBaseUrl: simulator.url, aiWorkerIntervalMs: 50, replyQueueIntervalMs: 1_000 },
  });
  const database = new Client({ connectionString: platform.databases.conversations.superuserUrl });
  await database.connect();
  try {
    // 1. Webhook → stored → classified, on Basic (classify and score; no drafts).
    const { admin } = await seeds(platform).organization('inbox-bench');
    await admin.run(
      `mutation { startSubscription(input: { planId: "basic", seats: 3, trialDays: 14 }) { status } }`,
    );
    await eventually('conversations knows the plan', async () => {
      const { rows } = await database.query<{ ai_insights: string }>(
        'SELECT ai_insights FROM organization_entitlements WHERE organization_id = $1',
        [admin.organizationId],
      );
      return rows[0]?.ai_insights === 'basic';
    });
    const secret = `whsec-${randomUUID()}`;
    const account = `page-${admin.organizationId.slice(0, 8)}`;
    const { connectChannelAccount } = await admin.run<{ connectChannelAccount: { webhookId: string } }>(
      `mutation ($input: ConnectChannelAccountInput!) { connectChannelAccount(input: $input) { webhookId } }`,
      {
        input: {
          platform: 'facebook',
          platformAccountId: account,
          displayName: 'Bench',
          accessToken: 't',
          webhookSecret: secret,
        },
      },
    );
    const url = `${platform.conversations.url}${CHANNEL_WEBHOOK_PREFIX}${connectChannelAccount.webhookId}`;

    const total = RATE * SECONDS;
    const postedAt = new Map<string, number>();
    const webhook: number[] = [];
    const refused: number[] = [];
    const started = performance.now();
    const wallStart = Date.now();
    const inFlight: Promise<void>[] = [];
    for (let n = 0; n < total; n += 1) {
      const due = started + (n * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const platformMessageId = `m-${n}-${randomUUID()}`;
      postedAt.set(platformMessageId, wallStart + (performance.now() - started));
      const sentAt = performance.now();
      inFlight.push(
        simulator
          .emit('facebook', {
            url,
            secret,
            account,
            platformMessageId,
            text:
              n % 3 === 0 ? 'How much is the flat? I want to book a viewing today.' : `Hello, question ${n}`,
            sender: { platformUserId: `sender-${n % SENDERS}` },
          })
          .then(
            (delivery) => {
              if (delivery.status === 200) webhook.push(performance.now() - sentAt);
              else refused.push(delivery.status);
            },
            // The simulator gives up on a delivery after its timeout, as a platform would (and retries
            // later, which this benchmark does not): counted, not stored.
            () => {
              refused.push(0);
              postedAt.delete(platformMessageId);
            },
          ),
      );
    }
    await Promise.all(inFlight);
    const postSeconds = (performance.now() - started) / 1000;
    await eventually(
      'every message classified',
      async () => {
        // Every stored message (a delivery the simulator gave up on may still have been stored) has its
        // classify task completed.
        const { rows } = await database.query<{ stored: number; classified: number }>(
          `SELECT (SELECT count(*)::int FROM message_keys WHERE organization_id = $1) AS stored,
                  (SELECT count(*)::int FROM ai_tasks WHERE organization_id = $1 AND kind = 'classify'
                     AND status IN ('completed', 'failed')) AS classified`,
          [admin.organizationId],
        );
        const found = rows[0];
        return (
          found !== undefined && found.stored >= total - refused.length && found.classified >= found.stored
        );
      },
      { timeoutMs: 300_000, intervalMs: 500 },
    );
    const { rows } = await database.query<{
      platform_message_id: string;
      stored: Date;
      classified: Date | null;
    }>(
      `SELECT k.platform_message_id, m.created_at AS stored, t.completed_at AS classified
       FROM message_keys k JOIN messages m ON m.id = k.message_id AND m.sent_at = k.sent_at
       JOIN ai_tasks t ON t.message_id = k.message_id AND t.kind = 'classify'
       WHERE k.organization_id = $1`,
      [admin.organizationId],
    );
    const stored: number[] = [];
    const classified: number[] = [];
    for (const row of rows) {
      const posted = postedAt.get(row.platform_message_id);
      if (posted === undefined || row.classified === null) continue;
      stored.push(row.stored.getTime() - posted);
      classified.push(row.classified.getTime() - posted);
    }
    console.log(
      `\n1. Webhook → stored → classified: ${total} messages posted at ${RATE}/s (${postSeconds.toFixed(1)} s), ${refused.length} refused`,
    );
    console.log(`   ${line('webhook answered', webhook)}`);
    console.log(`   ${line('POST → stored', stored)}`);
    console.log(`   ${line('POST → classified', classified)}`);

    // 2. The inbox of an organization with MESSAGES messages.
    const big = await seeds(platform).organization('inbox-big');
    const conversations = Math.ceil(MESSAGES / PER_CONVERSATION);
    const bulk = performance.now();
    await database.query(
      `INSERT INTO conversations (id, organization_id, platform, status, needs_reply, message_count, last_message_at,
         first_message_at, last_inbound_at, channel_account_id, platform_conversation_id, participant_platform_user_id,
         unread_count, created_at, updated_at)
       SELECT gen_random_uuid(), $1, (ARRAY['facebook','instagram','email','sms']::"ConversationPlatform"[])[1 + c % 4], 'open', c % 3 = 0,
         $2, now() - (c || ' minutes')::interval, now() - (c || ' minutes')::interval - interval '40 days',
         now() - (c || ' minutes')::interval, $3, 'thread-' || c, 'user-' || c, c % 3, now(), now()
       FROM generate_series(1, $4) AS c`,
      [big.admin.organizationId, PER_CONVERSATION, randomUUID(), conversations],
    );
    await database.query(`SELECT ensure_message_partitions(now() - interval '3 months', 4)`);
    await database.query(
      `INSERT INTO messages (id, organization_id, conversation_id, direction, platform_message_id, sender_platform_user_id,
         text, attachments, delivery_status, sent_at, created_at)
       SELECT gen_random_uuid(), c.organization_id, c.id, CASE WHEN s % 2 = 0 THEN 'inbound' ELSE 'outbound' END::"MessageDirection",
         'pm-' || c.id || '-' || s, c.participant_platform_user_id, 'message ' || s, '[]',
         CASE WHEN s % 2 = 0 THEN 'received' ELSE 'sent' END::"MessageDeliveryStatus",
         c.last_message_at - ((${PER_CONVERSATION} - s) || ' days')::interval * 2, now()
       FROM conversations c CROSS JOIN generate_series(1, $2) AS s
       WHERE c.organization_id = $1`,
      [big.admin.organizationId, PER_CONVERSATION],
    );
    await database.query('ANALYZE conversations; ANALYZE messages');
    const { rows: counted } = await database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM messages WHERE organization_id = $1',
      [big.admin.organizationId],
    );
    console.log(
      `\n2. Inbox of an organization with ${counted[0]?.n ?? 0} messages in ${conversations} conversations (written in ${((performance.now() - bulk) / 1000).toFixed(1)} s)`,
    );
    const queries = {
      'needs reply, first 20, with the last message': `{ inbox(filter: { needsReply: true }, first: 20) { totalCount edges { node { id needsReply unreadCount messages(first: 1) { edges { node { text sentAt } } } } } } }`,
      'platform filter, first 20': `{ inbox(filter: { platform: email }, first: 20) { totalCount edges { node { id platform } } } }`,
      'page 5 (cursor)': 'cursor',
    } as const;
    for (const [label, query] of Object.entries(queries)) {
      const times: number[] = [];
      for (let n = 0; n < QUERIES; n += 1) {
        const begin = performance.now();
        if (query === 'cursor') {
          let after: string | null = null;
          for (let page = 0; page < 5; page += 1) {
            const data: { inbox: { pageInfo: { endCursor: string | null } } } = await big.admin.run(
              `query ($after: String) { inbox(first: 20, after: $after) { pageInfo { endCursor } edges { node { id } } } }`,
              { after },
            );
            after = data.inbox.pageInfo.endCursor;
          }
          times.push((performance.now() - begin) / 5);
        } else {
          await big.admin.run(query);
          times.push(performance.now() - begin);
        }
      }
      console.log(`   ${line(label, times)}`);
    }
  } finally {
    await database.end();
    await platform.close();
    await simulator.close();
  }
}

withTestInfrastructure(main).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
