/**
 * The inbox pipeline's rules (spec 001's AI_TASK): which tasks an inbound message gets, what each needs
 * from the plan, how a failed one is retried, and the events a finished one implies. No Prisma here.
 */
import { planFeatureUnavailable } from '@platform/domain';
import {
  createEvent,
  type AI_INSIGHT_LEVELS,
  type CloudEvent,
  type EventData,
} from '@platform/events/catalog';
import { EVENT_SOURCE } from '../../conversation/domain/conversation';
import { AiProviderError } from './ai-provider';

export type AiInsightsLevel = (typeof AI_INSIGHT_LEVELS)[number];
export type AiTaskKind = 'classify' | 'score' | 'reply';
export type AiTaskStatus = 'queued' | 'processing' | 'completed' | 'failed';
export type ReplyStatus = 'pending' | 'approved' | 'rejected' | 'sent' | 'failed';

/** Plan levels in order: a feature needing `basic` is there on basic, advanced and custom. */
const LEVEL_RANK: Record<AiInsightsLevel, number> = { none: 0, basic: 1, advanced: 2, custom: 3 };

/**
 * What each AI feature needs (billing's feature matrix says "AI-powered insights: Free ✗, Basic basic,
 * Pro advanced, Enterprise custom"): classifying and scoring are the basic insights; drafting replies
 * and sending them without a person are advanced; the assistant answers from documents on any paid plan.
 */
export const AI_FEATURE_LEVELS = {
  classify: 'basic',
  score: 'basic',
  reply: 'advanced',
  auto_send: 'advanced',
  assistant: 'basic',
} as const satisfies Record<string, Exclude<AiInsightsLevel, 'none'>>;
export type AiFeature = keyof typeof AI_FEATURE_LEVELS;

export function allows(level: AiInsightsLevel, feature: AiFeature): boolean {
  return LEVEL_RANK[level] >= LEVEL_RANK[AI_FEATURE_LEVELS[feature]];
}

/** FORBIDDEN (reason plan_feature) when the organization's plan lacks the feature. */
export function requireAiLevel(
  entitlement: { aiInsights: AiInsightsLevel; planId: string },
  feature: AiFeature,
): void {
  if (!allows(entitlement.aiInsights, feature)) {
    throw planFeatureUnavailable(`The organization's plan does not include AI ${feature.replace('_', ' ')}`, {
      feature: `ai_${feature}`,
      required: AI_FEATURE_LEVELS[feature],
      current: entitlement.aiInsights,
      planId: entitlement.planId,
    });
  }
}

/** The tasks an inbound message starts with; classify's result starts the others. */
export function tasksForInbound(level: AiInsightsLevel): AiTaskKind[] {
  return allows(level, 'classify') ? ['classify'] : [];
}

/** The tasks a completed classification leads to, on the organization's plan. */
export function tasksAfterClassify(level: AiInsightsLevel, intent: string): AiTaskKind[] {
  const next: AiTaskKind[] = [];
  if (allows(level, 'score')) next.push('score');
  // Spam gets no reply: drafting one would only invite an agent to answer it.
  if (allows(level, 'reply') && intent !== 'spam') next.push('reply');
  return next;
}

export interface RetryPolicy {
  /** Attempts in all (the first and its retries) before a task fails for good. */
  maxAttempts: number;
  /** The first retry's delay; each next one is four times longer. */
  backoffBaseMs: number;
  /** How long a claimed task is someone's before another worker may take it over. */
  claimMs: number;
}

export const AI_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, backoffBaseMs: 5_000, claimMs: 120_000 };

export type AttemptOutcome =
  | { status: 'queued'; retryCount: number; nextAttemptAt: Date; error: string }
  | { status: 'failed'; retryCount: number; error: string };

/**
 * A failed attempt: a retryable provider error (timeout, network, 429, 5xx) is tried again after
 * base × 4^retries (or the provider's Retry-After, if longer) until maxAttempts; anything else fails
 * the task at once.
 */
export function afterFailure(
  retryCount: number,
  error: unknown,
  now: Date,
  policy: RetryPolicy = AI_RETRY_POLICY,
): AttemptOutcome {
  const providerError = error instanceof AiProviderError ? error : null;
  const code = providerError ? providerError.code : 'internal';
  const attempts = retryCount + 1;
  if (!providerError?.retryable || attempts >= policy.maxAttempts) {
    return { status: 'failed', retryCount, error: code };
  }
  const delay = Math.max(policy.backoffBaseMs * 4 ** retryCount, providerError.retryAfterMs ?? 0);
  return {
    status: 'queued',
    retryCount: retryCount + 1,
    nextAttemptAt: new Date(now.getTime() + delay),
    error: code,
  };
}

export type AiUsageRecorded = CloudEvent<
  'conversations.ai_usage.recorded.v1',
  EventData<'conversations.ai_usage.recorded.v1'>
>;

/** What a task used, once it ended (completed or failed): billing meters AI tokens and tasks from it. */
export function aiUsageRecorded(task: {
  id: string;
  organizationId: string;
  kind: AiTaskKind;
  outcome: 'completed' | 'failed';
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  finishedAt: Date;
}): AiUsageRecorded {
  return createEvent('conversations.ai_usage.recorded.v1', {
    source: EVENT_SOURCE,
    subject: task.id,
    tenantId: task.organizationId,
    time: task.finishedAt,
    data: {
      aiTaskId: task.id,
      organizationId: task.organizationId,
      taskKind: task.kind,
      outcome: task.outcome,
      provider: task.provider,
      model: task.model,
      inputTokens: task.inputTokens,
      outputTokens: task.outputTokens,
      requestedById: null,
      finishedAt: task.finishedAt.toISOString(),
    },
  });
}

export type LeadScored = CloudEvent<
  'conversations.lead.scored.v1',
  EventData<'conversations.lead.scored.v1'>
>;

const SIGNAL = /^[a-z][a-z0-9_]{0,49}$/;

/** Signal codes as the event carries them: valid codes only, at most 20, no repeats. */
export function signalCodes(signals: readonly string[]): string[] {
  return [...new Set(signals.filter((signal) => SIGNAL.test(signal)))].slice(0, 20);
}

export type ReplyDrafted = CloudEvent<
  'conversations.reply.drafted.v1',
  EventData<'conversations.reply.drafted.v1'>
>;

/** Auto-approve a draft when the organization set a threshold and the draft's confidence meets it. */
export function autoApproves(confidence: number, threshold: number | null, level: AiInsightsLevel): boolean {
  return threshold !== null && allows(level, 'auto_send') && confidence >= threshold;
}
