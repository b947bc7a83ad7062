import { randomUUID } from 'node:crypto';
import type { FieldCipher } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import { tasksForInbound, type AiTaskKind } from '../domain/ai-task';
import { aiEntitlementOf } from './entitlements';

type Tx = Prisma.TransactionClient;

/** The message an AI task works on. */
export interface TaskSubject {
  organizationId: string;
  conversationId: string;
  messageId: string;
  messageSentAt: Date;
}

/** Queues tasks of a message (once per message and kind: a repeated call adds nothing). */
export async function queueAiTasks(
  tx: Tx,
  subject: TaskSubject,
  kinds: readonly AiTaskKind[],
  now: Date,
): Promise<number> {
  if (kinds.length === 0) return 0;
  const { count } = await tx.aiTask.createMany({
    data: kinds.map((kind) => ({
      id: randomUUID(),
      ...subject,
      kind,
      nextAttemptAt: now,
      createdAt: now,
    })),
    skipDuplicates: true,
  });
  return count;
}

/**
 * What an inbound message starts: a classify task when the organization's plan has AI insights (the
 * others follow classify's result). Runs in the transaction that stored the message.
 */
export async function queueInboundAiTasks(tx: Tx, subject: TaskSubject, now: Date): Promise<number> {
  const { aiInsights } = await aiEntitlementOf(tx, subject.organizationId);
  return queueAiTasks(tx, subject, tasksForInbound(aiInsights), now);
}

/** Seals free text the pipeline keeps (a score's reasoning, a draft), bound to its row like messages. */
export function pipelineSealing(cipher: FieldCipher) {
  const at = (table: string, column: string, row: { organizationId: string; id: string }) => ({
    organizationId: row.organizationId,
    table,
    column,
    rowId: row.id,
  });
  return {
    sealReasoning: (conversation: { organizationId: string; id: string }, text: string) =>
      cipher.encrypt(text, at('conversations', 'lead_reasoning', conversation)),
    openReasoning: (conversation: { organizationId: string; id: string }, stored: string) =>
      cipher.decrypt(stored, at('conversations', 'lead_reasoning', conversation)),
    sealDraft: (draft: { organizationId: string; id: string }, text: string) =>
      cipher.encrypt(text, at('reply_drafts', 'text', draft)),
    openDraft: (draft: { organizationId: string; id: string }, stored: string) =>
      cipher.decrypt(stored, at('reply_drafts', 'text', draft)),
  };
}
export type PipelineSealing = ReturnType<typeof pipelineSealing>;
