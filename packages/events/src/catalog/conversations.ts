import { z } from 'zod';
import { aiUsageRecordedData } from './ai-usage';
import { auditEntry } from './audit';
import { entry, timestamp, uuid } from './schema';

/** Events conversations publishes, and the enums they carry (its domain uses these values). */

export const CONVERSATION_PLATFORMS = [
  'facebook',
  'instagram',
  'twitter',
  'linkedin',
  'whatsapp',
  'email',
  'gmail',
  'slack',
  'sms',
  'chat',
] as const;
export const CONVERSATION_STATUSES = ['open', 'pending', 'snoozed', 'closed'] as const;
export const MESSAGE_DIRECTIONS = ['inbound', 'outbound'] as const;
export const MESSAGE_DELIVERY_STATUSES = ['received', 'queued', 'sent', 'delivered', 'failed'] as const;

const conversationStartedData = z
  .object({
    conversationId: uuid(),
    organizationId: uuid(),
    contactId: uuid().nullable().describe('The contact on the other side, once matched.'),
    platform: z.enum(CONVERSATION_PLATFORMS).describe('The customer channel.'),
    status: z.enum(CONVERSATION_STATUSES),
    createdAt: timestamp(),
  })
  .describe(
    'A conversation was opened. Carries no message content and no subject (they may hold PII): ' +
      'subscribers fetch the conversation through the graph.',
  );

/** The channels an organization connects accounts of (issue #11): the platforms conversations run on. */
export const CHANNEL_PLATFORMS = CONVERSATION_PLATFORMS;
/** connected: tokens usable; disconnected: by a person (reconnect to use again); refresh_failed: the platform refused a refresh. */
export const CHANNEL_ACCOUNT_STATUSES = ['connected', 'disconnected', 'refresh_failed'] as const;

const channelAccountConnectedData = z
  .object({
    accountId: uuid().describe('The connected account (= subject).'),
    organizationId: uuid(),
    platform: z.enum(CHANNEL_PLATFORMS).describe('The channel.'),
    reconnected: z.boolean().describe('True when an account disconnected or refresh_failed got new tokens.'),
    connectedBy: uuid().nullable().describe('The user who connected it (null: the system).'),
    connectedAt: timestamp(),
  })
  .describe('A channel account was connected or reconnected. No tokens, no account name.');

const channelAccountDisconnectedData = z
  .object({
    accountId: uuid().describe('The account (= subject).'),
    organizationId: uuid(),
    platform: z.enum(CHANNEL_PLATFORMS).describe('The channel.'),
    disconnectedBy: uuid().nullable().describe('The user who disconnected it (null: the system).'),
    disconnectedAt: timestamp(),
  })
  .describe(
    'A channel account was disconnected by a person. No tokens, no account name, no reason text (free ' +
      'text may hold PII): subscribers read the account through the graph.',
  );

const channelAccountRefreshFailedData = z
  .object({
    accountId: uuid().describe('The account (= subject).'),
    organizationId: uuid(),
    platform: z.enum(CHANNEL_PLATFORMS).describe('The channel.'),
    attempts: z.number().int().positive().describe('Refresh attempts made before giving up.'),
    errorCode: z
      .string()
      .max(100)
      .describe('Why, as a code: the OAuth error (`invalid_grant`…), `http_<status>` or `network`.'),
    failedAt: timestamp(),
  })
  .describe('Refreshing a channel account’s access token failed for good; the account needs reconnecting.');

const messageReceivedData = z
  .object({
    messageId: uuid(),
    conversationId: uuid(),
    organizationId: uuid(),
    channelAccountId: uuid().nullable().describe('The connected account it came in on.'),
    platform: z.enum(CONVERSATION_PLATFORMS).describe('The customer channel.'),
    contactId: uuid().nullable().describe('The conversation’s contact, once matched.'),
    sentAt: timestamp().describe('When the sender sent it (the platform’s time).'),
    receivedAt: timestamp().describe('When conversations stored it.'),
  })
  .describe(
    'An inbound message was stored (once per platform message, however often it was delivered). Ids ' +
      'only: no text, sender name or attachment names.',
  );

const messageSentData = z
  .object({
    messageId: uuid(),
    conversationId: uuid(),
    organizationId: uuid(),
    platform: z.enum(CONVERSATION_PLATFORMS).describe('The customer channel.'),
    senderUserId: uuid()
      .nullable()
      .describe(
        'The user who replied or approved the AI draft; null: a draft auto-approved by its confidence.',
      ),
    deliveryStatus: z.enum(MESSAGE_DELIVERY_STATUSES).describe('`queued` when recorded.'),
    sentAt: timestamp().describe('When the reply was recorded.'),
  })
  .describe('An outbound reply was recorded (queued for sending). Ids only: no text.');

/** What changed on a conversation (conversations.conversation.updated.v1). */
export const CONVERSATION_CHANGES = [
  'message',
  'status',
  'assignee',
  'needs_reply',
  'read',
  'contact',
] as const;

const conversationUpdatedData = z
  .object({
    conversationId: uuid(),
    organizationId: uuid(),
    platform: z.enum(CONVERSATION_PLATFORMS).describe('The customer channel.'),
    status: z.enum(CONVERSATION_STATUSES).describe('The status after the change.'),
    assigneeId: uuid().nullable().describe('The assigned user after the change.'),
    contactId: uuid().nullable().describe('The conversation’s contact after the change, once matched.'),
    needsReply: z.boolean().describe('Whether the conversation waits for a reply after the change.'),
    unreadCount: z.number().int().nonnegative().describe('Inbound messages not read yet, after the change.'),
    changes: z.array(z.enum(CONVERSATION_CHANGES)).min(1).describe('What changed.'),
    updatedAt: timestamp(),
  })
  .describe(
    'A conversation changed: a message came in or went out, its status, assignee, contact or read state ' +
      'changed. Ids, enums and counts only: no subject, no text.',
  );

/** A drafted reply's status (spec 001's REPLY, with approval): pending → approved → sent / failed, or rejected. */
export const REPLY_STATUSES = ['pending', 'approved', 'rejected', 'sent', 'failed'] as const;

const replyDraftedData = z
  .object({
    replyId: uuid().describe('The drafted reply.'),
    conversationId: uuid(),
    organizationId: uuid(),
    inReplyToMessageId: uuid().describe('The inbound message it answers.'),
    aiTaskId: uuid().describe('The AI task that drafted it.'),
    status: z.enum(REPLY_STATUSES).describe('`pending` (waits for approval) or `approved` (auto-sent).'),
    confidence: z.number().min(0).max(1).describe('The model’s confidence in the draft, 0 to 1.'),
    autoApproved: z
      .boolean()
      .describe('Whether it was approved without a person: its confidence met the organization’s threshold.'),
    draftedAt: timestamp(),
  })
  .describe('The AI pipeline drafted a reply to an inbound message. No text.');

/** Spec 001's LEAD score. */
export const LEAD_SCORES = ['hot', 'warm', 'cold'] as const;

const leadScoredData = z
  .object({
    conversationId: uuid().describe('The conversation whose participant was scored (= the Kafka key).'),
    organizationId: uuid(),
    messageId: uuid().describe('The inbound message that led to the score.'),
    aiTaskId: uuid().describe('The scoring task.'),
    platform: z.enum(CONVERSATION_PLATFORMS).describe('The customer channel.'),
    contactId: uuid().nullable().describe('The conversation’s contact, once matched.'),
    score: z.enum(LEAD_SCORES),
    signals: z
      .array(z.string().regex(/^[a-z][a-z0-9_]{0,49}$/))
      .max(20)
      .describe('Why, as codes (`pricing_question`, `urgency`, `negative_sentiment`…); never quoted text.'),
    scoredAt: timestamp(),
  })
  .describe('The AI pipeline scored a conversation’s participant as a lead. Codes only, no text.');

/**
 * How crm found or made the contact of a conversation's participant (crm.contact.lead_linked.v1):
 * `conversation` (the conversation was linked before), `email`, `phone` (blind index), `channel_identity`
 * (the participant's platform id on that platform), or null when the contact was created.
 */
export const LEAD_MATCHES = ['conversation', 'email', 'phone', 'channel_identity'] as const;

/**
 * The plaintext of a lead event's `sealed` field (conversations.lead.message.v1), sealed with the
 * `LEADS_TRANSIT_KEYRING` both conversations and crm hold (the kit's field envelope, associated data
 * LEAD_TRANSIT_LOCATION with the event id as row): the participant as the platform told them, and the
 * message. Part of the contract, so both sides parse the same shape.
 */
export const leadTransitPayload = z.object({
  participant: z.object({
    platformUserId: z.string().min(1).max(255),
    displayName: z.string().max(500).nullable(),
    handle: z.string().max(255).nullable(),
    email: z.string().max(320).nullable(),
    phone: z.string().max(64).nullable(),
  }),
  message: z.object({
    text: z.string().max(100_000),
    subject: z.string().max(500).nullable(),
  }),
});
export type LeadTransitPayload = z.infer<typeof leadTransitPayload>;

/** Where a lead event's seal is bound (with the organization and the event id as row id). */
export const LEAD_TRANSIT_LOCATION = { table: 'lead_events', column: 'sealed' } as const;

const leadMessageData = z
  .object({
    conversationId: uuid().describe('The conversation (= the Kafka key).'),
    organizationId: uuid(),
    messageId: uuid().describe('The message (inbound or outbound): crm records it once on the timeline.'),
    channelAccountId: uuid().nullable().describe('The connected account of the conversation.'),
    platform: z.enum(CONVERSATION_PLATFORMS).describe('The customer channel.'),
    direction: z.enum(MESSAGE_DIRECTIONS),
    contactId: uuid().nullable().describe('The conversation’s contact, once crm linked it.'),
    senderUserId: uuid().nullable().describe('The user who wrote an outbound message.'),
    sentAt: timestamp().describe('When the message was sent (the platform’s time for inbound).'),
    sealed: z
      .string()
      .min(1)
      .describe(
        'The participant (platform user id, display name, handle, email, phone) and the message (text, subject), sealed with LEADS_TRANSIT_KEYRING for this event id: only conversations and crm open it.',
      ),
  })
  .describe(
    'A message of a customer conversation, for the contact timeline in crm: the first inbound message of ' +
      'a new participant captures a lead. Personal data sealed.',
  );

/** What conversations stores for organizations: message attachments and retrieval documents (004). */
export const STORAGE_OBJECT_KINDS = ['attachment', 'document', 'archive'] as const;

const storageObjectChangedData = z
  .object({
    objectId: uuid().describe('The stored object (an attachment, a document).'),
    organizationId: uuid(),
    kind: z.enum(STORAGE_OBJECT_KINDS),
    sizeBytes: z
      .number()
      .int()
      .nonnegative()
      .describe('The object’s size now, in bytes (not a change): 0 once it is deleted.'),
    deleted: z.boolean().describe('Whether the object is gone (its bytes no longer count).'),
    changedAt: timestamp().describe('When it was stored, replaced or deleted.'),
  })
  .describe(
    'An object was stored, replaced or deleted. Carries its size, never its name or content. Sizes are ' +
      'absolute, so a redelivered or repeated event leaves the organization’s storage as it is.',
  );

const inboundReceivedData = z
  .object({
    organizationId: uuid(),
    channelAccountId: uuid().describe('The connected account the delivery came to.'),
    platform: z.enum(CHANNEL_PLATFORMS).describe('The channel.'),
    conversationKey: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .describe(
        "SHA-256 (hex) of the account and the platform's thread id: the Kafka key, so one conversation's messages keep their order without naming the thread.",
      ),
    sealedMessage: z
      .string()
      .min(1)
      .describe(
        "The message as the platform sent it (ids, sender, text, attachments), sealed with conversations' keyring for this event id: only conversations opens it.",
      ),
    receivedAt: timestamp().describe('When the webhook delivery was verified.'),
  })
  .describe('A verified inbound message, waiting to be stored. Its content is sealed.');

export const conversationsEvents = {
  'conversations.inbound.received.v1': entry(
    'conversations.inbound.received.v1',
    'conversations.inbound',
    "A channel's webhook delivered a verified message; conversations' ingestion consumer stores it (once per platform message id). Content sealed. Published by conversations.",
    inboundReceivedData,
  ),
  'conversations.conversation.started.v1': entry(
    'conversations.conversation.started.v1',
    'conversations.conversation',
    'A conversation was opened on a channel. PII-free. Published by conversations.',
    conversationStartedData,
  ),
  'conversations.account.connected.v1': entry(
    'conversations.account.connected.v1',
    'conversations.account',
    'A channel account (facebook, gmail, slack…) was connected or reconnected. PII-free. Published by conversations.',
    channelAccountConnectedData,
  ),
  'conversations.account.disconnected.v1': entry(
    'conversations.account.disconnected.v1',
    'conversations.account',
    'A channel account was disconnected by a person. PII-free. Published by conversations; automation alerts the admins.',
    channelAccountDisconnectedData,
  ),
  'conversations.account.refresh_failed.v1': entry(
    'conversations.account.refresh_failed.v1',
    'conversations.account',
    'A channel account’s token refresh failed for good. PII-free. Published by conversations; automation alerts the admins.',
    channelAccountRefreshFailedData,
  ),
  'conversations.message.received.v1': entry(
    'conversations.message.received.v1',
    'conversations.message',
    'An inbound message was stored on a conversation. PII-free (ids only). Published by conversations.',
    messageReceivedData,
  ),
  'conversations.message.sent.v1': entry(
    'conversations.message.sent.v1',
    'conversations.message',
    'An outbound reply was recorded on a conversation. PII-free (ids only). Published by conversations.',
    messageSentData,
  ),
  'conversations.conversation.updated.v1': entry(
    'conversations.conversation.updated.v1',
    'conversations.conversation',
    'A conversation changed (message, status, assignee, contact, read state). PII-free. Published by conversations; the gateway feeds realtime subscriptions from it.',
    conversationUpdatedData,
  ),
  'conversations.reply.drafted.v1': entry(
    'conversations.reply.drafted.v1',
    'conversations.reply',
    'The AI pipeline drafted a reply (pending approval, or auto-approved). PII-free. Published by conversations.',
    replyDraftedData,
  ),
  'conversations.lead.scored.v1': entry(
    'conversations.lead.scored.v1',
    'conversations.lead',
    'The AI pipeline scored a conversation’s participant hot, warm or cold, with signal codes. PII-free. Published by conversations; crm puts the score on the contact.',
    leadScoredData,
  ),
  'conversations.lead.message.v1': entry(
    'conversations.lead.message.v1',
    'conversations.lead',
    'A message of a customer conversation (inbound, or outbound when the AI pipeline or a person replied) with its participant, sealed for crm. Published by conversations; crm matches or creates the contact (a Lead) and records the message on its timeline.',
    leadMessageData,
  ),
  'conversations.ai_usage.recorded.v1': entry(
    'conversations.ai_usage.recorded.v1',
    'conversations.ai_usage',
    'An AI task (classify, score, reply, summarize, chat, embed) ended: its tokens, provider and model. No content. Published by conversations.',
    aiUsageRecordedData,
  ),
  'conversations.storage_object.changed.v1': entry(
    'conversations.storage_object.changed.v1',
    'conversations.storage_object',
    'An attachment, document or message archive was stored, replaced or deleted: its size now. Published by conversations.',
    storageObjectChangedData,
  ),
  'conversations.audit.recorded.v1': auditEntry('conversations'),
} as const;
