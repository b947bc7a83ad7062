import type { EventConsumer } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type FieldCipher, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import type { NormalizedInbound } from '../modules/channel/domain/channel';
import { queueInboundAiTasks } from '../modules/ai/infra/ai-tasks';
import { openInbound } from '../modules/ingestion/infra/sealed-inbound';
import { publishInboundLead } from '../modules/lead/infra/lead-messages';
import { messageSealing, recordInbound, type NormalizedInboundMessage } from '../messages';
import type { ConversationsDependencies } from '../service';

/** Consumer group of webhook ingestion; also its key in processed_events. */
export const INGESTION_GROUP = 'conversations.ingestion';

/** A platform's message as the message store keeps it (an attachment without a type gets its family's). */
function storedMessage(inbound: NormalizedInbound): NormalizedInboundMessage {
  return {
    platformMessageId: inbound.platformMessageId,
    platformConversationId: inbound.platformConversationId,
    sender: { platformUserId: inbound.sender.platformUserId, displayName: inbound.sender.displayName },
    text: inbound.text,
    attachments: inbound.attachments.map((attachment) => ({
      contentType:
        attachment.mime ??
        (attachment.kind === 'file' || attachment.kind === 'other'
          ? 'application/octet-stream'
          : `${attachment.kind}/*`),
      name: attachment.name,
      sizeBytes: attachment.size,
      url: attachment.url,
    })),
    sentAt: inbound.sentAt,
  };
}

/**
 * Stores what the webhook route took in: each `conversations.inbound.received.v1` is opened and
 * recorded on its conversation, once per platform message id (a redelivered webhook, or this event
 * redelivered, stores nothing more). One conversation's messages share a partition (the event's key),
 * so they are stored in the order they came.
 */
export function startIngestionConsumer(
  dependencies: ConversationsDependencies,
  cipher: FieldCipher,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  const sealing = messageSealing(cipher);
  return startTenantConsumer<Prisma.TransactionClient>(dependencies, messaging, options, {
    groupId: INGESTION_GROUP,
    // A conversation's messages share a partition and stay in order; the topic's partitions are
    // stored side by side (the work is mostly waiting on PostgreSQL).
    partitionsConsumedConcurrently: 6,
    handlers: {
      'conversations.inbound.received.v1': async (event, tx) => {
        const { organizationId, channelAccountId, platform, sealedMessage } = event.data;
        const inbound = openInbound(cipher, organizationId, event.id, sealedMessage);
        const recorded = await recordInbound(tx, sealing, storedMessage(inbound), {
          organizationId,
          channelAccountId,
          platform,
        });
        // The AI pipeline starts in the same transaction: a stored message always has its tasks.
        if (!recorded.duplicate) {
          await queueInboundAiTasks(
            tx,
            {
              organizationId,
              conversationId: recorded.conversation.id,
              messageId: recorded.message.id,
              messageSentAt: recorded.message.sentAt,
            },
            recorded.message.createdAt,
          );
        }
        // The sender's email and phone are known here only (the message store keeps name and id).
        await publishInboundLead(tx, dependencies.leadTransit, inbound, recorded);
      },
    },
  });
}
