import { orderByKeys, pagesByParent, uuidsOnly, type TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { Conversation } from '../domain/conversation';
import type { ConversationRepository } from '../domain/conversation-repository';

type ConversationRow = Prisma.ConversationGetPayload<object>;

const toConversation = (row: ConversationRow): Conversation => ({ ...row });

/** A row as PostgreSQL names its columns (what `pagesByParent` returns). */
interface RankedRow extends Record<string, unknown> {
  id: string;
  organization_id: string;
  contact_id: string;
  platform: Conversation['platform'];
  status: Conversation['status'];
  subject: string | null;
  needs_reply: boolean;
  message_count: number;
  last_message_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const fromRanked = (row: RankedRow): Conversation => ({
  id: row.id,
  organizationId: row.organization_id,
  contactId: row.contact_id,
  platform: row.platform,
  status: row.status,
  subject: row.subject,
  needsReply: row.needs_reply,
  messageCount: row.message_count,
  lastMessageAt: row.last_message_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Conversations over Prisma, every call in the organization's tenant transaction. */
export function conversationRepository(db: TenantDatabase<Prisma.TransactionClient>): ConversationRepository {
  return {
    create: (conversation, events) =>
      db.write(conversation.organizationId, events, async (tx) =>
        toConversation(await tx.conversation.create({ data: conversation })),
      ),

    async byIds(organizationId, ids) {
      const rows = await db.read(organizationId, (tx) =>
        tx.conversation.findMany({ where: { organizationId, id: { in: uuidsOnly(ids) } } }),
      );
      return orderByKeys(ids, rows.map(toConversation), (conversation) => conversation.id);
    },

    withContacts: (organizationId, contactIds, request) =>
      db.read(organizationId, async (tx) => {
        const pages = await pagesByParent<RankedRow>(tx, {
          table: 'conversations',
          parentColumn: 'contact_id',
          organizationId,
          parentIds: contactIds,
          request,
        });
        return pages.map(({ rows, totalCount }) => ({ rows: rows.map(fromRanked), totalCount }));
      }),
  };
}
