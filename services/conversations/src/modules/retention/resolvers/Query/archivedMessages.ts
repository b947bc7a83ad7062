import { pageRequest } from '@platform/domain';
import { toConnectionBy } from '@platform/service-kit';
import type { QueryResolvers } from '../../../../generated/graphql';

/** Cursors hold (sentAt, id), as Conversation.messages' do. */
export const archivedMessages: NonNullable<QueryResolvers['archivedMessages']> = async (
  _parent,
  { archiveId, first, after },
  { auth, messageArchives },
) =>
  toConnectionBy(await messageArchives.messages(auth, archiveId, pageRequest(first, after)), (message) => ({
    createdAt: message.sentAt,
    id: message.id,
  }));
