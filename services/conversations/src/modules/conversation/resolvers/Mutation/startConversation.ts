import { CONVERSATION_PLATFORMS } from '@platform/events/catalog';
import { parseInput } from '@platform/service-kit';
import { z } from 'zod';
import type { MutationResolvers } from '../../../../generated/graphql';

/** What the SDL cannot say: contactId must be a UUID. */
const StartConversationInput = z.object({
  contactId: z.uuid().nullish(),
  platform: z.enum(CONVERSATION_PLATFORMS),
  subject: z.string().nullish(),
});

export const startConversation: NonNullable<MutationResolvers['startConversation']> = (
  _parent,
  { input },
  { auth, conversations },
) => conversations.start(auth, parseInput(StartConversationInput, input));
