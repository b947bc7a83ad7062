import { isUuid } from '@platform/domain';
import { orderByKeys, pagesByParent, uuidsOnly, type TenantDatabase } from '@platform/service-kit';
import { Prisma } from '../../../generated/prisma/client';
import { conversationUpdatedEvents, type Conversation } from '../domain/conversation';
import type { ConversationRepository } from '../domain/conversation-repository';

type ConversationRow = Prisma.ConversationGetPayload<object>;

const toConversation = (row: ConversationRow): Conversation => ({ ...row });

/** A row as PostgreSQL names its columns (what `pagesByParent` returns). */
export interface RankedRow extends Record<string, unknown> {
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
  channel_account_id: string | null;
  platform_conversation_id: string | null;
  participant_platform_user_id: string | null;
  participant_display_name: string | null;
  assignee_id: string | null;
  snoozed_until: Date | null;
  replied_at: Date | null;
  replied_by_id: string | null;
  last_inbound_at: Date | null;
  first_message_at: Date | null;
  unread_count: number;
}

export const fromRanked = (row: RankedRow): Conversation => ({
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
  channelAccountId: row.channel_account_id,
  platformConversationId: row.platform_conversation_id,
  participantPlatformUserId: row.participant_platform_user_id,
  participantDisplayName: row.participant_display_name,
  assigneeId: row.assignee_id,
  snoozedUntil: row.snoozed_until,
  repliedAt: row.replied_at,
  repliedById: row.replied_by_id,
  lastInboundAt: row.last_inbound_at,
  firstMessageAt: row.first_message_at,
  unreadCount: row.unread_count,
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

    inbox: (organizationId, query, request) =>
      db.read(organizationId, async (tx) => {
        const conditions = [
          Prisma.sql`organization_id = ${organizationId}::uuid`,
          Prisma.sql`status::text IN (${Prisma.join([...query.statuses])})`,
        ];
        if (query.needsReply !== undefined) conditions.push(Prisma.sql`needs_reply = ${query.needsReply}`);
        if (query.platform) conditions.push(Prisma.sql`platform::text = ${query.platform}`);
        if (query.contactId) conditions.push(Prisma.sql`contact_id = ${query.contactId}::uuid`);
        if (query.assigneeId) conditions.push(Prisma.sql`assignee_id = ${query.assigneeId}::uuid`);
        if (query.companyId)
          conditions.push(
            Prisma.sql`contact_id IN (SELECT contact_id FROM contact_companies WHERE organization_id = ${organizationId}::uuid AND company_id = ${query.companyId}::uuid)`,
          );
        const where = Prisma.join(conditions, ' AND ');
        const activity = Prisma.sql`COALESCE(last_message_at, created_at)`;
        const after = request.after
          ? Prisma.sql`AND (${activity} < ${request.after.createdAt} OR (${activity} = ${request.after.createdAt} AND id < ${request.after.id}::uuid))`
          : Prisma.empty;
        const rows = await tx.$queryRaw<RankedRow[]>`
          SELECT * FROM conversations WHERE ${where} ${after}
          ORDER BY ${activity} DESC, id DESC LIMIT ${request.first + 1}`;
        const [count] = await tx.$queryRaw<Array<{ total: number }>>`
          SELECT count(*)::int AS total FROM conversations WHERE ${where}`;
        return { rows: rows.map(fromRanked), totalCount: count?.total ?? 0 };
      }),

    update: (organizationId, id, change) =>
      isUuid(id)
        ? db.writeDecided(organizationId, async (tx) => {
            await tx.$queryRaw`SELECT id FROM conversations WHERE organization_id = ${organizationId}::uuid AND id = ${id}::uuid FOR UPDATE`;
            const before = await tx.conversation.findFirst({ where: { organizationId, id } });
            if (!before) return { value: null, events: [] };
            const after = toConversation(await tx.conversation.update({ where: { id }, data: change }));
            return { value: after, events: conversationUpdatedEvents(before, after, after.updatedAt) };
          })
        : Promise.resolve(null),

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
