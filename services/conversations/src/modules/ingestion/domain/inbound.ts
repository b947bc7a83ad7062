/**
 * What the webhook route hands to the consumer that stores messages: one event per inbound message,
 * `conversations.inbound.received.v1`, written to the outbox in the account's organization. The
 * message itself (text, sender, the platform's ids, which may be phone numbers or addresses) travels
 * sealed; the Kafka key is a digest of the account and the platform's thread, so one conversation's
 * messages share a partition and keep their order without naming the thread. No Prisma, GraphQL or
 * crypto here: the caller seals.
 */
import { randomUUID } from 'node:crypto';
import { createEvent, type CloudEvent, type EventData } from '@platform/events/catalog';
import type { ChannelPlatform } from '../../channel/domain/channel';

export const EVENT_SOURCE = '/services/conversations';

export type InboundReceived = CloudEvent<
  'conversations.inbound.received.v1',
  EventData<'conversations.inbound.received.v1'>
>;

/** The event for one verified inbound message; `sealed` is the message sealed for this event's id. */
export function inboundReceived(input: {
  id: string;
  organizationId: string;
  channelAccountId: string;
  platform: ChannelPlatform;
  /** The digest of the account and the platform's thread (the Kafka key). */
  conversationKey: string;
  sealed: string;
  receivedAt: Date;
}): InboundReceived {
  return createEvent('conversations.inbound.received.v1', {
    id: input.id,
    source: EVENT_SOURCE,
    subject: input.conversationKey,
    tenantId: input.organizationId,
    time: input.receivedAt,
    data: {
      organizationId: input.organizationId,
      channelAccountId: input.channelAccountId,
      platform: input.platform,
      conversationKey: input.conversationKey,
      sealedMessage: input.sealed,
      receivedAt: input.receivedAt.toISOString(),
    },
  });
}

/** A new event id (the seal is bound to it, so a ciphertext moved to another event does not open). */
export const newInboundEventId = (): string => randomUUID();
