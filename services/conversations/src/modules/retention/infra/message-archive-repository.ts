import { conflict, notFound, type PageRequest } from '@platform/domain';
import type { TenantDatabase } from '@platform/service-kit';
import { z } from 'zod';
import type { Prisma } from '../../../generated/prisma/client';
import type { Message } from '../../message/domain/message';
import { fromPageRow, type MessagePageRow } from '../../message/infra/message-rows';
import type { MessageSealing } from '../../message/infra/message-sealing';
import type { ObjectStorage } from '../../storage/domain/object-storage';
import type { MessageArchive } from '../domain/retention';
import { ArchiveFormatError, decodeArchive, sha256Hex, type ArchivedRow } from './archive-codec';

type ArchiveRow = Prisma.MessageArchiveGetPayload<object>;

export const toMessageArchive = (row: ArchiveRow): MessageArchive => ({ ...row });

/**
 * An archived row as the message reads see a stored one (message-rows.ts): the columns those reads
 * use, other columns carried along as they are (sealed columns stay sealed until fromPageRow opens them).
 */
const ArchivedMessageRow = z.looseObject({
  id: z.string(),
  organization_id: z.string(),
  conversation_id: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  platform_message_id: z.string().nullable(),
  sender_platform_user_id: z.string().nullable(),
  sender_display_name: z.string().nullable(),
  sender_user_id: z.string().nullable(),
  text: z.string(),
  attachments: z.custom<Prisma.JsonValue>(() => true),
  delivery_status: z.enum(['received', 'queued', 'sent', 'delivered', 'failed']),
  sent_at: z.coerce.date(),
  created_at: z.coerce.date(),
});

function toMessage(sealing: MessageSealing, row: ArchivedRow, line: number): Message {
  const parsed = ArchivedMessageRow.safeParse(row);
  if (!parsed.success) throw new ArchiveFormatError(`line ${line} is not a message row`);
  const pageRow: MessagePageRow = { ...parsed.data, parent: parsed.data.conversation_id, total: 0 };
  const message = fromPageRow(sealing, pageRow);
  if (!message) throw new ArchiveFormatError(`line ${line} has no message`);
  return message;
}

/** Archives over Prisma (rows) and object storage (their messages). */
export function messageArchiveRepository(
  db: TenantDatabase<Prisma.TransactionClient>,
  storage: ObjectStorage,
  sealing: MessageSealing,
) {
  const find = async (organizationId: string, id: string) => {
    const row = await db.read(organizationId, (tx) =>
      tx.messageArchive.findFirst({ where: { organizationId, id } }),
    );
    if (!row) throw notFound('MessageArchive', id);
    return toMessageArchive(row);
  };
  return {
    /** The organization's archives, newest month first. */
    list: async (organizationId: string): Promise<MessageArchive[]> =>
      (
        await db.read(organizationId, (tx) =>
          tx.messageArchive.findMany({ where: { organizationId }, orderBy: { period: 'desc' } }),
        )
      ).map(toMessageArchive),

    /**
     * A page of an archive's messages, newest first (as Conversation.messages), read from storage with
     * its checksum verified: NOT_FOUND for an unknown archive, CONFLICT (`reason`: `archive_missing`,
     * `archive_corrupt`) when the stored object is gone or is not what was archived.
     */
    async messages(
      organizationId: string,
      id: string,
      request: PageRequest,
    ): Promise<{ rows: Message[]; totalCount: number }> {
      const archive = await find(organizationId, id);
      const body = await storage.get(archive.storageKey);
      if (!body) {
        throw conflict(`Archive ${id} is missing from storage`, { reason: 'archive_missing', id });
      }
      if (sha256Hex(body) !== archive.checksum) {
        throw conflict(`Archive ${id} does not match its checksum`, { reason: 'archive_corrupt', id });
      }
      let messages: Message[];
      try {
        messages = (await decodeArchive(body)).map((row, index) => toMessage(sealing, row, index + 1));
      } catch (error) {
        if (error instanceof ArchiveFormatError) {
          throw conflict(`Archive ${id} cannot be read: ${error.message}`, { reason: 'archive_corrupt', id });
        }
        throw error;
      }
      const newestFirst = messages.sort(
        (a, b) => b.sentAt.getTime() - a.sentAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
      );
      const after = request.after;
      const rest = after
        ? newestFirst.filter(
            (message) =>
              message.sentAt.getTime() < after.createdAt.getTime() ||
              (message.sentAt.getTime() === after.createdAt.getTime() && message.id < after.id),
          )
        : newestFirst;
      return { rows: rest.slice(0, request.first + 1), totalCount: newestFirst.length };
    },
  };
}

export type MessageArchiveRepository = ReturnType<typeof messageArchiveRepository>;
