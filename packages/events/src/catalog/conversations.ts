import { z } from 'zod';
import { auditEntry } from './audit';
import { entry, timestamp, uuid } from './schema';

/** Events conversations publishes, and the enums they carry (its domain uses these values). */

export const CONVERSATION_PLATFORMS = [
  'facebook',
  'instagram',
  'twitter',
  'linkedin',
  'email',
  'gmail',
  'slack',
  'sms',
  'chat',
] as const;
export const CONVERSATION_STATUSES = ['active', 'closed', 'archived'] as const;

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

export const conversationsEvents = {
  'conversations.conversation.started.v1': entry(
    'conversations.conversation.started.v1',
    'conversations.conversation',
    'A conversation was opened on a channel. PII-free. Published by conversations.',
    conversationStartedData,
  ),
  'conversations.audit.recorded.v1': auditEntry('conversations'),
} as const;
