import { pageRequest } from '@platform/domain';
import { parseInput, toConnectionBy } from '@platform/service-kit';
import { CONVERSATION_PLATFORMS, CONVERSATION_STATUSES } from '@platform/events/catalog';
import { z } from 'zod';
import type { QueryResolvers } from '../../../../generated/graphql';

/** What the SDL cannot say: ids are UUIDs. */
const InboxFilter = z.object({
  needsReply: z.boolean().nullish(),
  platform: z.enum(CONVERSATION_PLATFORMS).nullish(),
  contactId: z.uuid().nullish(),
  companyId: z.uuid().nullish(),
  assigneeId: z.uuid().nullish(),
  mine: z.boolean().nullish(),
  statuses: z.array(z.enum(CONVERSATION_STATUSES)).nullish(),
});

export const inbox: NonNullable<QueryResolvers['inbox']> = async (
  _parent,
  { filter, first, after },
  { auth, conversations },
) =>
  toConnectionBy(
    await conversations.inbox(auth, parseInput(InboxFilter, filter ?? {}), pageRequest(first, after)),
    (conversation) => ({
      createdAt: conversation.lastMessageAt ?? conversation.createdAt,
      id: conversation.id,
    }),
  );
