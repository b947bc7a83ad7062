import type { FieldCipher, TenantDatabase } from '@platform/service-kit';
import { Prisma } from '../../../generated/prisma/client';
import type { Message } from '../domain/message';
import type { MessageRepository } from '../domain/message-repository';
import { decideOutbound } from './message-recorder';
import { fromPageRow, type MessagePageRow } from './message-rows';
import type { MessageSealing } from './message-sealing';

/** Messages over Prisma, every call in the organization's tenant transaction. */
export function messageRepository(
  db: TenantDatabase<Prisma.TransactionClient>,
  sealing: MessageSealing,
  leadTransit: FieldCipher | null = null,
): MessageRepository {
  return {
    reply: (organizationId, reply, now) =>
      db.writeDecided(organizationId, async (tx) => {
        const { value, events } = await decideOutbound(
          tx,
          sealing,
          { organizationId, ...reply },
          now,
          leadTransit,
        );
        return { value: value.message, events };
      }),

    pages: (organizationId, conversationIds, request) =>
      db.read(organizationId, async (tx) => {
        const after = request.after;
        // Time bounds prune partitions: no message is older than the conversation's first one or newer
        // than its last one (or the cursor).
        const bound = after
          ? Prisma.sql`m.sent_at >= c.first_message_at AND m.sent_at <= ${after.createdAt} AND (m.sent_at < ${after.createdAt} OR m.id < ${after.id}::uuid)`
          : Prisma.sql`m.sent_at >= c.first_message_at AND m.sent_at <= c.last_message_at`;
        const rows = await tx.$queryRaw<MessagePageRow[]>`
          SELECT c.id::text AS parent, c.message_count AS total, m.*
          FROM conversations c
          LEFT JOIN LATERAL (
            SELECT * FROM messages m
            WHERE m.organization_id = c.organization_id AND m.conversation_id = c.id AND ${bound}
            ORDER BY m.sent_at DESC, m.id DESC
            LIMIT ${request.first + 1}
          ) m ON true
          WHERE c.organization_id = ${organizationId}::uuid AND c.id = ANY(${[...conversationIds]}::uuid[])
          ORDER BY c.id, m.sent_at DESC, m.id DESC`;
        const byConversation = new Map<string, { rows: Message[]; totalCount: number }>();
        for (const row of rows) {
          const page = byConversation.get(row.parent) ?? { rows: [], totalCount: row.total };
          byConversation.set(row.parent, page);
          const message = fromPageRow(sealing, row);
          if (message) page.rows.push(message);
        }
        return conversationIds.map((id) => byConversation.get(id) ?? { rows: [], totalCount: 0 });
      }),
  };
}
