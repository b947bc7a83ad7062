import { requireAiFeature } from '../../ai/infra/entitlements';
import { pageOf } from '@platform/domain';
import {
  afterCursorWhere,
  orderByKeys,
  pagesByParent,
  uuidsOnly,
  type FieldCipher,
  type TenantDatabase,
} from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { AssistantRepository } from '../domain/assistant-repository';
import type { ChatCitation, ChatMessage, ChatRole, ChatRoute, ChatSession } from '../domain/chat';

type SessionRow = Prisma.ChatSessionGetPayload<object>;

const toSession = (row: SessionRow): ChatSession => ({
  id: row.id,
  organizationId: row.organizationId,
  userId: row.userId,
  title: row.title,
  companyId: row.companyId,
  lastMessageAt: row.lastMessageAt,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** A message row as PostgreSQL names its columns (what `pagesByParent` answers). */
interface MessageRow extends Record<string, unknown> {
  id: string;
  organization_id: string;
  session_id: string;
  role: ChatRole;
  content: string;
  route_used: ChatRoute | null;
  citations: unknown;
  tokens_used: number | null;
  model: string | null;
  created_at: Date;
}

const CHAT_MESSAGES_TABLE = 'chat_messages';

function citationsOf(value: unknown): ChatCitation[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { documentId, chunkId, score } = entry as Record<string, unknown>;
    return typeof documentId === 'string' && typeof chunkId === 'string' && typeof score === 'number'
      ? [{ documentId, chunkId, score }]
      : [];
  });
}

/**
 * Chat sessions and messages over Prisma, every call in the organization's tenant transaction.
 * Messages' content is sealed with the field cipher (a question may name customers; an answer quotes
 * documents), bound to the organization, table, column and row; without a keyring the assistant
 * refuses, as channel accounts do: chat text is never stored in plain text.
 */
export function assistantRepository(
  db: TenantDatabase<Prisma.TransactionClient>,
  cipher: FieldCipher | null,
): AssistantRepository {
  const sealing = () => {
    if (!cipher)
      throw new Error('the assistant needs a keyring for chat messages (CONVERSATIONS_PII_KEYRING)');
    return cipher;
  };
  const at = (organizationId: string, rowId: string) => ({
    organizationId,
    table: CHAT_MESSAGES_TABLE,
    column: 'content',
    rowId,
  });
  const open = (row: MessageRow): ChatMessage => ({
    id: row.id,
    organizationId: row.organization_id,
    sessionId: row.session_id,
    role: row.role,
    content: sealing().decrypt(row.content, at(row.organization_id, row.id)),
    routeUsed: row.route_used,
    citations: citationsOf(row.citations),
    tokensUsed: row.tokens_used,
    model: row.model,
    createdAt: row.created_at,
  });
  const sealed = (message: ChatMessage) => {
    const key = sealing();
    return {
      id: message.id,
      organizationId: message.organizationId,
      sessionId: message.sessionId,
      role: message.role,
      content: key.encrypt(message.content, at(message.organizationId, message.id)),
      contentKeyId: key.activeKeyId,
      routeUsed: message.routeUsed,
      citations: message.citations.map((citation) => ({ ...citation })),
      tokensUsed: message.tokensUsed,
      model: message.model,
      createdAt: message.createdAt,
    };
  };

  return {
    async createSession(session) {
      return db.write(session.organizationId, [], async (tx) =>
        toSession(
          await tx.chatSession.create({
            data: {
              id: session.id,
              organizationId: session.organizationId,
              userId: session.userId,
              title: session.title,
              companyId: session.companyId,
              createdAt: session.createdAt,
            },
          }),
        ),
      );
    },

    async sessionsByIds(organizationId, userId, ids) {
      const valid = uuidsOnly(ids);
      if (valid.length === 0) return ids.map(() => null);
      const rows = await db.read(organizationId, (tx) =>
        tx.chatSession.findMany({ where: { organizationId, userId, id: { in: valid } } }),
      );
      return orderByKeys(ids, rows.map(toSession), (session) => session.id);
    },

    async listSessions(organizationId, userId, request) {
      const where = { organizationId, userId };
      const [rows, total] = await db.read(organizationId, (tx) =>
        Promise.all([
          tx.chatSession.findMany({
            where: { ...where, ...afterCursorWhere(request) },
            orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
            take: request.first + 1,
          }),
          tx.chatSession.count({ where }),
        ]),
      );
      return pageOf(rows.map(toSession), request, total);
    },

    async openTurn(organizationId, userId, sessionId, historyLimit) {
      if (uuidsOnly([sessionId]).length === 0) return null;
      return db.read(organizationId, async (tx) => {
        // The organization's plan must include AI insights (billing's entitlements, conversations'
        // local copy): FORBIDDEN with reason plan_feature otherwise, before anything is read.
        await requireAiFeature(tx, organizationId, 'assistant');
        const row = await tx.chatSession.findFirst({ where: { organizationId, userId, id: sessionId } });
        if (!row) return null;
        const messages = await tx.$queryRaw<MessageRow[]>`
          SELECT id, organization_id, session_id, role, content, route_used, citations, tokens_used, model, created_at
          FROM chat_messages
          WHERE organization_id = ${organizationId}::uuid AND session_id = ${sessionId}::uuid
          ORDER BY created_at DESC, id DESC
          LIMIT ${historyLimit}`;
        return { session: toSession(row), history: messages.reverse().map(open) };
      });
    },

    async recordTurn(session, question, answer, events) {
      const rows = [sealed(question), sealed(answer)];
      await db.write(session.organizationId, events, async (tx) => {
        await tx.chatMessage.createMany({ data: rows });
        await tx.chatSession.update({
          where: { id: session.id },
          data: { lastMessageAt: answer.createdAt },
        });
      });
    },

    async messagesOfSessions(organizationId, sessionIds, request) {
      const valid = uuidsOnly(sessionIds);
      if (valid.length === 0) return sessionIds.map(() => pageOf<ChatMessage>([], request, 0));
      const pages = await db.read(organizationId, (tx) =>
        pagesByParent<MessageRow>(tx, {
          table: CHAT_MESSAGES_TABLE,
          parentColumn: 'session_id',
          organizationId,
          parentIds: valid,
          request,
        }),
      );
      const byId = new Map(valid.map((id, index) => [id, pages[index]] as const));
      return sessionIds.map((id) => {
        const page = byId.get(id);
        return page
          ? pageOf(page.rows.map(open), request, page.totalCount)
          : pageOf<ChatMessage>([], request, 0);
      });
    },

    async inboxFigures(organizationId) {
      return db.read(organizationId, async (tx) => {
        const [totals] = await tx.$queryRaw<
          Array<{ open: bigint; needs_reply: bigint; unassigned: bigint; unread: bigint }>
        >`
          SELECT count(*) AS open,
                 count(*) FILTER (WHERE needs_reply) AS needs_reply,
                 count(*) FILTER (WHERE needs_reply AND assignee_id IS NULL) AS unassigned,
                 coalesce(sum(unread_count), 0)::bigint AS unread
          FROM conversations
          WHERE organization_id = ${organizationId}::uuid AND status <> 'closed'`;
        const byPlatform = await tx.$queryRaw<Array<{ platform: string; count: bigint }>>`
          SELECT platform::text AS platform, count(*) AS count
          FROM conversations
          WHERE organization_id = ${organizationId}::uuid AND status <> 'closed' AND needs_reply
          GROUP BY platform ORDER BY count(*) DESC, platform`;
        return {
          open: Number(totals?.open ?? 0),
          needsReply: Number(totals?.needs_reply ?? 0),
          unassignedNeedingReply: Number(totals?.unassigned ?? 0),
          unread: Number(totals?.unread ?? 0),
          needsReplyByPlatform: byPlatform.map((entry) => ({
            platform: entry.platform,
            count: Number(entry.count),
          })),
        };
      });
    },
  };
}
