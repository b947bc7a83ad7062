import { z } from 'zod';
import { timestamp, uuid } from './schema';

/**
 * What an AI task used, in the shape both producers of AI work publish (conversations' AI tasks and
 * chat answers, automation's agents), so billing meters them with one rule.
 */

/** What an AI task did (spec 001's classify / score / reply, 004's chat answers, 000's agents). */
export const AI_TASK_KINDS = ['classify', 'score', 'reply', 'summarize', 'chat', 'embed', 'agent'] as const;
/** How an AI task ended: tokens are spent either way. */
export const AI_TASK_OUTCOMES = ['completed', 'failed'] as const;

const tokens = () => z.number().int().nonnegative();

export const aiUsageRecordedData = z
  .object({
    aiTaskId: uuid().describe('The AI task; one event per task, its totals so far.'),
    organizationId: uuid(),
    taskKind: z.enum(AI_TASK_KINDS).describe('What the task did.'),
    outcome: z.enum(AI_TASK_OUTCOMES),
    provider: z.string().min(1).max(50).describe('Who ran the model, e.g. openai, anthropic, local.'),
    model: z.string().min(1).max(100).describe('The model, as the provider names it.'),
    inputTokens: tokens().describe(
      'Tokens sent to the model (prompt, context), over every call of the task.',
    ),
    outputTokens: tokens().describe('Tokens the model produced, over every call of the task.'),
    requestedById: uuid()
      .nullable()
      .describe('The user who asked for it; null when the platform or a workflow did.'),
    finishedAt: timestamp().describe('When the task ended (the usage belongs to that hour).'),
  })
  .describe(
    'What an AI task used. Carries no prompt, output or other content. A task that runs again (a retry) ' +
      'is published again with its new totals: billing counts the difference, never the task twice.',
  );
