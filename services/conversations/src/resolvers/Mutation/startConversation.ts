import { parseInput } from '@platform/service-kit';
import { z } from 'zod';
import type { ConversationsContext } from '../../context';
import { CONVERSATION_PLATFORMS, type Conversation } from '../../domain/conversation';

const StartConversationInput = z.object({
  contactId: z.uuid().nullish(),
  platform: z.enum(CONVERSATION_PLATFORMS),
  subject: z.string().nullish(),
});

export function startConversation(
  _parent: unknown,
  args: { input: unknown },
  context: ConversationsContext,
): Promise<Conversation> {
  return context.conversations.start(context.auth, parseInput(StartConversationInput, args.input));
}
