import { conflict, notFound } from '@platform/domain';
import type { CatalogEvent } from '@platform/events';
import type { FieldCipher } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import { checkReplyText } from '../../message/domain/message';
import { decideOutbound } from '../../message/infra/message-recorder';
import type { MessageSealing } from '../../message/infra/message-sealing';
import type { ReplyDraft } from '../domain/reply-draft';
import type { PipelineSealing } from './ai-tasks';

type Tx = Prisma.TransactionClient;
export type ReplyDraftRow = Prisma.ReplyDraftGetPayload<object>;

export const toReplyDraft = (sealing: PipelineSealing, row: ReplyDraftRow): ReplyDraft => ({
  ...row,
  text: sealing.openDraft(row, row.text),
});

async function lockDraft(tx: Tx, organizationId: string, id: string): Promise<ReplyDraftRow> {
  await tx.$queryRaw`SELECT id FROM reply_drafts WHERE organization_id = ${organizationId}::uuid AND id = ${id}::uuid FOR UPDATE`;
  const row = await tx.replyDraft.findFirst({ where: { organizationId, id } });
  if (!row) throw notFound('ReplyDraft', id);
  return row;
}

/**
 * Approves a pending draft (by a person, or by its confidence when `userId` is null): its text — the
 * person's edit, if any — becomes an outbound message on the reply queue, and the draft follows that
 * message (sent / failed). CONFLICT when the draft was decided already.
 */
export async function approveDraft(
  tx: Tx,
  sealing: { pipeline: PipelineSealing; messages: MessageSealing; leadTransit: FieldCipher | null },
  draft: { organizationId: string; id: string },
  userId: string | null,
  editedText: string | null,
  now: Date,
): Promise<{ draft: ReplyDraft; events: CatalogEvent[] }> {
  const row = await lockDraft(tx, draft.organizationId, draft.id);
  if (row.status !== 'pending') throw conflict(`This draft is ${row.status} already`, { status: row.status });
  const text = editedText === null ? sealing.pipeline.openDraft(row, row.text) : checkReplyText(editedText);
  const { value, events } = await decideOutbound(
    tx,
    sealing.messages,
    { organizationId: row.organizationId, conversationId: row.conversationId, userId, text },
    now,
    sealing.leadTransit,
  );
  const updated = await tx.replyDraft.update({
    where: { id: row.id },
    data: {
      status: 'approved',
      autoApproved: userId === null,
      decidedBy: userId,
      decidedAt: now,
      messageId: value.message.id,
      ...(editedText === null ? {} : { text: sealing.pipeline.sealDraft(row, text) }),
    },
  });
  return { draft: toReplyDraft(sealing.pipeline, updated), events };
}

/** Rejects a pending draft (nothing is sent); CONFLICT when it was decided already. */
export async function rejectDraft(
  tx: Tx,
  sealing: PipelineSealing,
  draft: { organizationId: string; id: string },
  userId: string,
  reason: string | null,
  now: Date,
): Promise<ReplyDraft> {
  const row = await lockDraft(tx, draft.organizationId, draft.id);
  if (row.status !== 'pending') throw conflict(`This draft is ${row.status} already`, { status: row.status });
  const updated = await tx.replyDraft.update({
    where: { id: row.id },
    data: { status: 'rejected', decidedBy: userId, decidedAt: now, rejectReason: reason },
  });
  return toReplyDraft(sealing, updated);
}
