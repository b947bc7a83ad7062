/**
 * What other parts of conversations (the ingestion of channel messages, the AI pipeline) call to record
 * messages in their own tenant transaction.
 */
export {
  decideInbound,
  decideOutbound,
  recordInbound,
  recordOutbound,
  type InboundOrigin,
  type OutboundReply,
  type RecordedInbound,
  type RecordedOutbound,
} from './modules/message/infra/message-recorder';
export type {
  Message,
  MessageAttachment,
  MessageDeliveryStatus,
  MessageDirection,
  NormalizedInboundMessage,
} from './modules/message/domain/message';
export { messageSealing, type MessageSealing } from './modules/message/infra/message-sealing';
export { ensureMessagePartitions, MONTHS_AHEAD } from './modules/message/infra/partition-job';
