/**
 * The reply queue's worker: every outbound message of a conversation on a connected channel gets an
 * `outbound_deliveries` row in the transaction that records it; the worker finds due rows across
 * organizations (a read-only look through the `outbound_deliveries` flag policy), claims each in its
 * organization's transaction, sends it through the channel adapter outside any transaction, and records
 * the outcome: `sent` with the platform's message id, or after a retryable failure (unreachable, 429,
 * 5xx) a later attempt, until the last one fails the message (`failed` with the error code). A drafted
 * reply follows its message (sent / failed).
 */
import {
  startPollingJob,
  withFlag,
  type FieldCipher,
  type Logger,
  type PollingJob,
  type TenantClient,
  type TenantDatabase,
} from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import { channelSecrets } from '../../account/infra/channel-account-repository';
import { ChannelSendError, type OutboundMessage } from '../../channel/domain/channel';
import type { ChannelAdapters } from '../../channel/infra/adapters';
import type { MessageSealing } from './message-sealing';

const BATCH = 50;
const CONCURRENCY = 4;

export interface DeliveryPolicy {
  /** Attempts in all before the message fails. */
  maxAttempts: number;
  /** The first retry's delay; each next one four times longer. */
  backoffBaseMs: number;
  /** How long a claimed delivery is one worker's. */
  claimMs: number;
}

export const DELIVERY_POLICY: DeliveryPolicy = { maxAttempts: 5, backoffBaseMs: 30_000, claimMs: 120_000 };

export interface DeliveryDependencies {
  database: TenantClient<Prisma.TransactionClient>;
  tenants: TenantDatabase<Prisma.TransactionClient>;
  cipher: FieldCipher;
  sealing: MessageSealing;
  adapters: ChannelAdapters;
  logger: Logger;
  now?: () => Date;
  policy?: Partial<DeliveryPolicy>;
}

type Outcome =
  | { kind: 'sent'; platformMessageId: string }
  | { kind: 'retry'; error: string; at: Date }
  | { kind: 'failed'; error: string };

const errorCode = (error: unknown): { code: string; retryable: boolean } => {
  if (error instanceof ChannelSendError) {
    return { code: error.status === null ? 'network' : `http_${error.status}`, retryable: error.retryable };
  }
  return { code: 'internal', retryable: false };
};

/** One pass over due deliveries; answers the counts (and whether a full batch was due). */
export async function sendDueMessages(
  dependencies: DeliveryDependencies,
): Promise<{ sent: number; retrying: number; failed: number; full: boolean }> {
  const { database, tenants, cipher, sealing, adapters, logger } = dependencies;
  const policy = { ...DELIVERY_POLICY, ...dependencies.policy };
  const now = (dependencies.now ?? (() => new Date()))();
  const secrets = channelSecrets(cipher);
  const due = await withFlag(
    database,
    'outbound_deliveries',
    (tx: Prisma.TransactionClient) =>
      tx.$queryRaw<Array<{ message_id: string; organization_id: string }>>`
      SELECT message_id::text, organization_id::text FROM outbound_deliveries
      WHERE next_attempt_at <= ${now} ORDER BY next_attempt_at LIMIT ${BATCH}`,
  );
  const counts = { sent: 0, retrying: 0, failed: 0, full: due.length === BATCH };

  const deliver = async (messageId: string, organizationId: string): Promise<void> => {
    // Claim, and read what sending needs, in the organization's transaction.
    const job = await tenants.read(organizationId, async (tx) => {
      const claimed = await tx.outboundDelivery.updateMany({
        where: { messageId, nextAttemptAt: { lte: now } },
        data: { nextAttemptAt: new Date(now.getTime() + policy.claimMs), attempts: { increment: 1 } },
      });
      if (claimed.count !== 1) return null;
      const delivery = await tx.outboundDelivery.findUnique({ where: { messageId } });
      if (!delivery) return null;
      const message = await tx.message.findUnique({
        where: { id_sentAt: { id: messageId, sentAt: delivery.messageSentAt } },
      });
      const conversation = await tx.conversation.findFirst({ where: { id: delivery.conversationId } });
      const account = conversation?.channelAccountId
        ? await tx.channelAccount.findFirst({ where: { id: conversation.channelAccountId } })
        : null;
      if (!message || !conversation) return { delivery, send: null, problem: 'message_gone' };
      if (!account || account.status !== 'connected' || !conversation.platformConversationId) {
        return { delivery, send: null, problem: 'account_unavailable' };
      }
      const accessToken = secrets.openAccessToken(account);
      if (!accessToken) return { delivery, send: null, problem: 'account_unavailable' };
      // Threaded platforms answer the newest inbound message.
      const [latest] = await tx.$queryRaw<Array<{ platform_message_id: string | null }>>`
        SELECT platform_message_id FROM messages
        WHERE organization_id = ${organizationId}::uuid AND conversation_id = ${conversation.id}::uuid
          AND direction = 'inbound' AND sent_at >= ${conversation.firstMessageAt ?? message.sentAt}
          AND sent_at <= ${message.sentAt}
        ORDER BY sent_at DESC LIMIT 1`;
      const outbound: OutboundMessage = {
        platformConversationId: conversation.platformConversationId,
        text: sealing.open(message, 'text', message.text),
        replyTo: latest?.platform_message_id ?? null,
        subject: conversation.subject,
      };
      return {
        delivery,
        send: {
          platform: account.platform,
          credentials: { accessToken, platformAccountId: account.platformAccountId },
          outbound,
        },
        problem: null,
      };
    });
    if (!job) return;

    let outcome: Outcome;
    if (!job.send) {
      outcome = { kind: 'failed', error: job.problem ?? 'internal' };
    } else {
      try {
        const result = await adapters
          .adapterFor(job.send.platform)
          .send(job.send.credentials, job.send.outbound);
        outcome = { kind: 'sent', platformMessageId: result.platformMessageId };
      } catch (error) {
        const { code, retryable } = errorCode(error);
        if (!(error instanceof ChannelSendError))
          logger.error({ err: error, messageId }, 'reply queue: a send threw');
        outcome =
          retryable && job.delivery.attempts < policy.maxAttempts
            ? {
                kind: 'retry',
                error: code,
                at: new Date(now.getTime() + policy.backoffBaseMs * 4 ** (job.delivery.attempts - 1)),
              }
            : { kind: 'failed', error: code };
      }
    }

    await tenants.read(organizationId, async (tx) => {
      const { messageSentAt: sentAt } = job.delivery;
      if (outcome.kind === 'retry') {
        await tx.outboundDelivery.updateMany({
          where: { messageId },
          data: { nextAttemptAt: outcome.at, lastError: outcome.error },
        });
        return;
      }
      await tx.outboundDelivery.deleteMany({ where: { messageId } });
      await tx.message.updateMany({
        where: { id: messageId, sentAt },
        data:
          outcome.kind === 'sent'
            ? { deliveryStatus: 'sent', platformMessageId: outcome.platformMessageId, deliveryError: null }
            : { deliveryStatus: 'failed', deliveryError: outcome.error },
      });
      await tx.replyDraft.updateMany({
        where: { messageId, status: 'approved' },
        data:
          outcome.kind === 'sent'
            ? { status: 'sent', error: null }
            : { status: 'failed', error: outcome.error },
      });
    });
    if (outcome.kind === 'sent') counts.sent += 1;
    else if (outcome.kind === 'retry') counts.retrying += 1;
    else counts.failed += 1;
  };

  const queue = [...due];
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        try {
          await deliver(next.message_id, next.organization_id);
        } catch (error) {
          // One broken delivery must not stop the others; its claim runs out and it is tried again.
          logger.error({ err: error, messageId: next.message_id }, 'reply queue: a delivery failed');
        }
      }
    }),
  );
  return counts;
}

/** The reply queue's worker as a kit job. */
export function startDeliveryWorker(dependencies: DeliveryDependencies, intervalMs: number): PollingJob {
  return startPollingJob({
    name: 'reply queue',
    intervalMs,
    logger: dependencies.logger,
    pass: async () => (await sendDueMessages(dependencies)).full,
  });
}
