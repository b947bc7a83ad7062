/**
 * The AI pipeline's worker (spec 001's AI_TASK): finds due tasks across organizations (a read-only look
 * through the `ai_tasks` flag policy), claims them in their organization's transaction (queued →
 * processing, for `claimMs`: a worker that dies leaves them to another once the claim runs out), reads
 * the message and its thread, asks the provider outside any transaction, and records the result in the
 * organization's transaction with the events it implies: classify queues score and reply; score puts the
 * lead on the conversation (conversations.lead.scored.v1); reply stores a draft
 * (conversations.reply.drafted.v1), approved and queued for sending at once when its confidence meets
 * the organization's threshold. Every task that ends publishes its usage for billing.
 */
import { randomUUID } from 'node:crypto';
import { createEvent, type CatalogEvent } from '@platform/events';
import {
  startPollingJob,
  withFlag,
  type FieldCipher,
  type Logger,
  type PollingJob,
  type TenantClient,
  type TenantDatabase,
} from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import { EVENT_SOURCE } from '../../conversation/domain/conversation';
import type { MessageSealing } from '../../message/infra/message-sealing';
import {
  MESSAGE_INTENTS,
  MESSAGE_SENTIMENTS,
  type AiCall,
  type AiProvider,
  type Classification,
  type InboundContext,
} from '../domain/ai-provider';
import {
  afterFailure,
  AI_RETRY_POLICY,
  aiUsageRecorded,
  autoApproves,
  signalCodes,
  tasksAfterClassify,
  type AiTaskKind,
  type RetryPolicy,
} from '../domain/ai-task';
import { queueAiTasks, type PipelineSealing } from './ai-tasks';
import { aiEntitlementOf } from './entitlements';
import { approveDraft } from './reply-drafts';

type Tx = Prisma.TransactionClient;
type TaskRow = Prisma.AiTaskGetPayload<object>;

const BATCH = 100;
const CONCURRENCY = 8;
/** Earlier messages of the thread a task sees, at most. */
const HISTORY = 6;

export interface AiWorkerDependencies {
  database: TenantClient<Tx>;
  tenants: TenantDatabase<Tx>;
  ai: AiProvider;
  sealing: { messages: MessageSealing; pipeline: PipelineSealing; leadTransit: FieldCipher | null };
  /** The organization's auto-send threshold (0–1; null: drafts always wait for a person). */
  autoSendThresholdOf(tx: Tx, organizationId: string): Promise<number | null>;
  logger: Logger;
  now?: () => Date;
  policy?: Partial<RetryPolicy>;
}

interface TaskContext {
  input: InboundContext;
  classification: Classification | null;
  platform: Prisma.ConversationGetPayload<object>['platform'];
  contactId: string | null;
}

const isIntent = (value: unknown): value is Classification['intent'] =>
  typeof value === 'string' && (MESSAGE_INTENTS as readonly string[]).includes(value);
const isSentiment = (value: unknown): value is Classification['sentiment'] =>
  typeof value === 'string' && (MESSAGE_SENTIMENTS as readonly string[]).includes(value);

/** A completed classify task's result, as stored. */
export function classificationOf(result: Prisma.JsonValue | null): Classification | null {
  if (!result || typeof result !== 'object' || Array.isArray(result)) return null;
  const { intent, sentiment, confidence } = result;
  if (!isIntent(intent) || !isSentiment(sentiment) || typeof confidence !== 'number') return null;
  return { intent, sentiment, confidence };
}

async function contextOf(tx: Tx, sealing: MessageSealing, task: TaskRow): Promise<TaskContext | null> {
  const message = await tx.message.findUnique({
    where: { id_sentAt: { id: task.messageId, sentAt: task.messageSentAt } },
  });
  const conversation = await tx.conversation.findFirst({ where: { id: task.conversationId } });
  if (!message || !conversation) return null;
  const earlier = await tx.$queryRaw<
    Array<{ id: string; organization_id: string; direction: 'inbound' | 'outbound'; text: string }>
  >`
    SELECT id::text, organization_id::text, direction, text FROM messages
    WHERE organization_id = ${task.organizationId}::uuid AND conversation_id = ${task.conversationId}::uuid
      AND sent_at >= ${conversation.firstMessageAt ?? message.sentAt} AND sent_at <= ${message.sentAt}
      AND id <> ${message.id}::uuid
    ORDER BY sent_at DESC, id DESC LIMIT ${HISTORY}`;
  let classification: Classification | null = null;
  if (task.kind !== 'classify') {
    const classify = await tx.aiTask.findUnique({
      where: { messageId_kind: { messageId: task.messageId, kind: 'classify' } },
    });
    classification = classificationOf(classify?.result ?? null);
  }
  return {
    input: {
      text: sealing.open(message, 'text', message.text),
      platform: conversation.platform,
      participantName: sealing.openNullable(message, 'sender_display_name', message.senderDisplayName),
      history: earlier.reverse().map((row) => ({
        direction: row.direction,
        text: sealing.open({ organizationId: row.organization_id, id: row.id }, 'text', row.text),
      })),
    },
    classification,
    platform: conversation.platform,
    contactId: conversation.contactId,
  };
}

type Answer =
  | { kind: 'classify'; call: AiCall<Classification> }
  | { kind: 'score'; call: AiCall<Awaited<ReturnType<AiProvider['scoreLead']>>['result']> }
  | { kind: 'reply'; call: AiCall<Awaited<ReturnType<AiProvider['draftReply']>>['result']> };

async function ask(ai: AiProvider, kind: AiTaskKind, context: TaskContext): Promise<Answer> {
  if (kind === 'classify') return { kind, call: await ai.classify(context.input) };
  const classification = context.classification;
  if (!classification) throw new Error('the message has no classification to work from');
  if (kind === 'score') return { kind, call: await ai.scoreLead({ ...context.input, classification }) };
  return { kind, call: await ai.draftReply({ ...context.input, classification }) };
}

/** One pass over due tasks; answers the counts (and whether a full batch was due). */
export async function runDueAiTasks(
  dependencies: AiWorkerDependencies,
): Promise<{ completed: number; retrying: number; failed: number; full: boolean }> {
  const { database, tenants, ai, sealing, logger } = dependencies;
  const policy = { ...AI_RETRY_POLICY, ...dependencies.policy };
  const clock = dependencies.now ?? (() => new Date());
  const now = clock();
  const due = await withFlag(
    database,
    'ai_tasks',
    (tx: Tx) =>
      tx.$queryRaw<Array<{ id: string; organization_id: string }>>`
      SELECT id::text, organization_id::text FROM ai_tasks
      WHERE status IN ('queued', 'processing') AND next_attempt_at <= ${now}
      ORDER BY next_attempt_at, created_at LIMIT ${BATCH}`,
  );
  const counts = { completed: 0, retrying: 0, failed: 0, full: due.length === BATCH };
  const byOrganization = new Map<string, string[]>();
  for (const row of due)
    byOrganization.set(row.organization_id, [...(byOrganization.get(row.organization_id) ?? []), row.id]);

  // Claim each organization's due tasks in one statement of its transaction.
  const claimed: TaskRow[] = [];
  for (const [organizationId, ids] of byOrganization) {
    const rows = await tenants.read(organizationId, async (tx) => {
      await tx.aiTask.updateMany({
        where: { id: { in: ids }, status: { in: ['queued', 'processing'] }, nextAttemptAt: { lte: now } },
        data: {
          status: 'processing',
          nextAttemptAt: new Date(now.getTime() + policy.claimMs),
          startedAt: now,
        },
      });
      return tx.aiTask.findMany({ where: { id: { in: ids }, status: 'processing', startedAt: now } });
    });
    claimed.push(...rows);
  }

  const run = async (task: TaskRow): Promise<void> => {
    const context = await tenants.read(task.organizationId, (tx) => contextOf(tx, sealing.messages, task));
    let answer: Answer | null = null;
    let failure: unknown = null;
    if (!context) failure = new Error('the message is gone');
    else {
      try {
        answer = await ask(ai, task.kind, context);
      } catch (error) {
        failure = error;
      }
    }
    const finishedAt = clock();
    const outcome = await tenants.writeDecided(task.organizationId, async (tx) => {
      const current = await tx.aiTask.findUnique({ where: { id: task.id } });
      // Another worker took it over after this one's claim ran out: its result wins.
      if (!current || current.status !== 'processing' || current.startedAt?.getTime() !== now.getTime()) {
        return { value: 'skipped' as const, events: [] };
      }
      if (!answer || !context) {
        const next = afterFailure(current.retryCount, failure, finishedAt, policy);
        if (!(failure instanceof Error && failure.name === 'AiProviderError')) {
          logger.warn({ err: failure, aiTaskId: task.id }, 'AI task: an attempt failed');
        }
        await tx.aiTask.update({
          where: { id: task.id },
          data:
            next.status === 'queued'
              ? {
                  status: 'queued',
                  retryCount: next.retryCount,
                  nextAttemptAt: next.nextAttemptAt,
                  error: next.error,
                }
              : { status: 'failed', retryCount: next.retryCount, error: next.error, completedAt: finishedAt },
        });
        const events: CatalogEvent[] =
          next.status === 'failed'
            ? [
                aiUsageRecorded({
                  id: task.id,
                  organizationId: task.organizationId,
                  kind: task.kind,
                  outcome: 'failed',
                  provider: current.provider ?? ai.name,
                  model: current.model ?? 'none',
                  inputTokens: current.inputTokens,
                  outputTokens: current.outputTokens,
                  finishedAt,
                }),
              ]
            : [];
        return { value: next.status === 'queued' ? ('retrying' as const) : ('failed' as const), events };
      }
      const recorded = await recordAnswer(tx, dependencies, task, context, answer, finishedAt);
      const inputTokens = current.inputTokens + answer.call.usage.inputTokens;
      const outputTokens = current.outputTokens + answer.call.usage.outputTokens;
      await tx.aiTask.update({
        where: { id: task.id },
        data: {
          status: 'completed',
          provider: ai.name,
          model: answer.call.model,
          inputTokens,
          outputTokens,
          error: null,
          completedAt: finishedAt,
          result: recorded.result,
        },
      });
      return {
        value: 'completed' as const,
        events: [
          ...recorded.events,
          aiUsageRecorded({
            id: task.id,
            organizationId: task.organizationId,
            kind: task.kind,
            outcome: 'completed',
            provider: ai.name,
            model: answer.call.model,
            inputTokens,
            outputTokens,
            finishedAt,
          }),
        ],
      };
    });
    if (outcome === 'completed') counts.completed += 1;
    else if (outcome === 'retrying') counts.retrying += 1;
    else if (outcome === 'failed') counts.failed += 1;
  };

  const queue = [...claimed];
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
      for (let task = queue.shift(); task; task = queue.shift()) {
        try {
          await run(task);
        } catch (error) {
          // One broken task must not stop the others: its claim runs out and it is tried again.
          logger.error({ err: error, aiTaskId: task.id }, 'AI task: recording failed');
        }
      }
    }),
  );
  return counts;
}

/** What a completed task changes besides itself, and its stored result (codes and numbers only). */
async function recordAnswer(
  tx: Tx,
  dependencies: AiWorkerDependencies,
  task: TaskRow,
  context: TaskContext,
  answer: Answer,
  now: Date,
): Promise<{ result: Prisma.InputJsonObject; events: CatalogEvent[] }> {
  const { sealing } = dependencies;
  const subject = {
    organizationId: task.organizationId,
    conversationId: task.conversationId,
    messageId: task.messageId,
    messageSentAt: task.messageSentAt,
  };
  switch (answer.kind) {
    case 'classify': {
      const { intent, sentiment, confidence } = answer.call.result;
      const { aiInsights } = await aiEntitlementOf(tx, task.organizationId);
      await queueAiTasks(tx, subject, tasksAfterClassify(aiInsights, intent), now);
      return { result: { intent, sentiment, confidence }, events: [] };
    }
    case 'score': {
      const { score, signals, reasoning, confidence } = answer.call.result;
      const codes = signalCodes(signals);
      const conversation = { organizationId: task.organizationId, id: task.conversationId };
      await tx.conversation.update({
        where: { id: task.conversationId },
        data: {
          leadScore: score,
          leadSignals: codes,
          leadReasoning: sealing.pipeline.sealReasoning(conversation, reasoning),
          leadScoredAt: now,
        },
      });
      const event = createEvent('conversations.lead.scored.v1', {
        source: EVENT_SOURCE,
        subject: task.conversationId,
        tenantId: task.organizationId,
        time: now,
        data: {
          conversationId: task.conversationId,
          organizationId: task.organizationId,
          messageId: task.messageId,
          aiTaskId: task.id,
          platform: context.platform,
          contactId: context.contactId,
          score,
          signals: codes,
          scoredAt: now.toISOString(),
        },
      });
      return { result: { score, signals: codes, confidence }, events: [event] };
    }
    case 'reply': {
      const { text, confidence } = answer.call.result;
      const draftId = randomUUID();
      const draft = { organizationId: task.organizationId, id: draftId };
      const bounded = Math.min(1, Math.max(0, confidence));
      await tx.replyDraft.create({
        data: {
          id: draftId,
          organizationId: task.organizationId,
          conversationId: task.conversationId,
          inReplyToMessageId: task.messageId,
          aiTaskId: task.id,
          text: sealing.pipeline.sealDraft(draft, text),
          confidence: bounded,
          createdAt: now,
        },
      });
      const { aiInsights } = await aiEntitlementOf(tx, task.organizationId);
      const threshold = await dependencies.autoSendThresholdOf(tx, task.organizationId);
      const conversation = await tx.conversation.findFirst({ where: { id: task.conversationId } });
      // Only a conversation still waiting for a reply gets one without a person.
      const auto = autoApproves(bounded, threshold, aiInsights) && conversation?.needsReply === true;
      const events: CatalogEvent[] = [];
      if (auto) {
        const approved = await approveDraft(tx, sealing, draft, null, null, now);
        events.push(...approved.events);
      }
      events.unshift(
        createEvent('conversations.reply.drafted.v1', {
          source: EVENT_SOURCE,
          subject: task.conversationId,
          tenantId: task.organizationId,
          time: now,
          data: {
            replyId: draftId,
            conversationId: task.conversationId,
            organizationId: task.organizationId,
            inReplyToMessageId: task.messageId,
            aiTaskId: task.id,
            status: auto ? 'approved' : 'pending',
            confidence: bounded,
            autoApproved: auto,
            draftedAt: now.toISOString(),
          },
        }),
      );
      return { result: { replyDraftId: draftId, confidence: bounded, autoApproved: auto }, events };
    }
  }
}

/** The AI worker as a kit job. */
export function startAiWorker(dependencies: AiWorkerDependencies, intervalMs: number): PollingJob {
  return startPollingJob({
    name: 'ai tasks',
    intervalMs,
    logger: dependencies.logger,
    pass: async () => (await runDueAiTasks(dependencies)).full,
  });
}
