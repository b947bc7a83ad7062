import { uuidsOnly, type FieldCipher, type TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { MessageSealing } from '../../message/infra/message-sealing';
import type { AiRepository, ConversationLeadView, MessageAi } from '../domain/ai-operations';
import type { ReplyDraft } from '../domain/reply-draft';
import type { PipelineSealing } from './ai-tasks';
import { classificationOf } from './ai-worker';
import { approveDraft, rejectDraft, toReplyDraft } from './reply-drafts';

const DRAFTS_PER_CONVERSATION = 50;

/** The AI pipeline's results over Prisma, every call in the organization's tenant transaction. */
export function aiRepository(
  db: TenantDatabase<Prisma.TransactionClient>,
  sealing: { pipeline: PipelineSealing | null; messages: MessageSealing; leadTransit: FieldCipher | null },
): AiRepository {
  const pipeline = (): PipelineSealing => {
    if (!sealing.pipeline) throw new Error('drafts need a keyring (CONVERSATIONS_PII_KEYRING)');
    return sealing.pipeline;
  };
  return {
    byMessages: (organizationId, messageIds) =>
      db.read(organizationId, async (tx) => {
        const tasks = await tx.aiTask.findMany({
          where: { organizationId, messageId: { in: uuidsOnly(messageIds) } },
          orderBy: [{ createdAt: 'asc' }, { kind: 'asc' }],
        });
        const byMessage = new Map<string, MessageAi>();
        for (const task of tasks) {
          const entry = byMessage.get(task.messageId) ?? { tasks: [], classification: null };
          entry.tasks.push(task);
          if (task.kind === 'classify' && task.status === 'completed')
            entry.classification = classificationOf(task.result);
          byMessage.set(task.messageId, entry);
        }
        return byMessage;
      }),

    leads: (organizationId, conversationIds) =>
      db.read(organizationId, async (tx) => {
        const rows = await tx.conversation.findMany({
          where: { organizationId, id: { in: uuidsOnly(conversationIds) }, leadScore: { not: null } },
          select: {
            id: true,
            organizationId: true,
            leadScore: true,
            leadSignals: true,
            leadReasoning: true,
            leadScoredAt: true,
          },
        });
        const leads = new Map<string, ConversationLeadView>();
        for (const row of rows) {
          if (!row.leadScore || !row.leadScoredAt) continue;
          leads.set(row.id, {
            score: row.leadScore,
            signals: row.leadSignals,
            reasoning: row.leadReasoning === null ? null : pipeline().openReasoning(row, row.leadReasoning),
            scoredAt: row.leadScoredAt,
          });
        }
        return leads;
      }),

    draftsByConversations: (organizationId, conversationIds) =>
      db.read(organizationId, async (tx) => {
        const ids = uuidsOnly(conversationIds);
        const rows = ids.length
          ? await tx.$queryRaw<Array<{ id: string }>>`
              SELECT d.id::text FROM unnest(${ids}::uuid[]) AS c(id)
              CROSS JOIN LATERAL (
                SELECT id FROM reply_drafts
                WHERE organization_id = ${organizationId}::uuid AND conversation_id = c.id
                ORDER BY created_at DESC, id DESC LIMIT ${DRAFTS_PER_CONVERSATION}
              ) d`
          : [];
        const drafts = await tx.replyDraft.findMany({
          where: { organizationId, id: { in: rows.map((row) => row.id) } },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        });
        const byConversation = new Map<string, ReplyDraft[]>();
        for (const row of drafts) {
          byConversation.set(row.conversationId, [
            ...(byConversation.get(row.conversationId) ?? []),
            toReplyDraft(pipeline(), row),
          ]);
        }
        return byConversation;
      }),

    drafts: (organizationId, status, first) =>
      db.read(organizationId, async (tx) =>
        (
          await tx.replyDraft.findMany({
            where: { organizationId, status },
            orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
            take: first,
          })
        ).map((row) => toReplyDraft(pipeline(), row)),
      ),

    approve: (organizationId, id, userId, text, now) =>
      db.writeDecided(organizationId, async (tx) => {
        const { draft, events } = await approveDraft(
          tx,
          { pipeline: pipeline(), messages: sealing.messages, leadTransit: sealing.leadTransit },
          { organizationId, id },
          userId,
          text,
          now,
        );
        return { value: draft, events };
      }),

    reject: (organizationId, id, userId, reason, now) =>
      db.read(organizationId, (tx) =>
        rejectDraft(tx, pipeline(), { organizationId, id }, userId, reason, now),
      ),
  };
}
