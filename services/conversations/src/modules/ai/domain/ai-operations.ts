import { InputIssues, isUuid, organizationOf, signedInUser, type Actor } from '@platform/domain';
import { checkReplyText } from '../../message/domain/message';
import type { Classification, LeadScoreLevel } from './ai-provider';
import type { AiTaskKind, AiTaskStatus, ReplyStatus } from './ai-task';
import type { ReplyDraft } from './reply-draft';

const SIGN_IN = 'Sign in to work with conversations';
export const MAX_REJECT_REASON_LENGTH = 500;
export const MAX_DRAFTS_PAGE = 100;

export interface AiTaskView {
  id: string;
  messageId: string;
  kind: AiTaskKind;
  status: AiTaskStatus;
  retryCount: number;
  provider: string | null;
  model: string | null;
  inputTokens: number;
  outputTokens: number;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

export interface ConversationLeadView {
  score: LeadScoreLevel;
  signals: string[];
  reasoning: string | null;
  scoredAt: Date;
}

export interface MessageAi {
  tasks: AiTaskView[];
  classification: Classification | null;
}

export interface AiRepository {
  byMessages(organizationId: string, messageIds: readonly string[]): Promise<Map<string, MessageAi>>;
  leads(
    organizationId: string,
    conversationIds: readonly string[],
  ): Promise<Map<string, ConversationLeadView>>;
  draftsByConversations(
    organizationId: string,
    conversationIds: readonly string[],
  ): Promise<Map<string, ReplyDraft[]>>;
  drafts(organizationId: string, status: ReplyStatus, first: number): Promise<ReplyDraft[]>;
  approve(
    organizationId: string,
    id: string,
    userId: string,
    text: string | null,
    now: Date,
  ): Promise<ReplyDraft>;
  reject(
    organizationId: string,
    id: string,
    userId: string,
    reason: string | null,
    now: Date,
  ): Promise<ReplyDraft>;
}

/** The AI pipeline's use cases in the graph: reading its results, deciding drafts. */
export function aiOperations(repository: AiRepository, clock: () => Date = () => new Date()) {
  const checkId = (id: string) => {
    const issues = new InputIssues();
    if (!isUuid(id)) issues.add('id', 'must be a UUID');
    issues.throwIfAny();
  };
  return {
    byMessages: (actor: Actor, messageIds: readonly string[]) =>
      repository.byMessages(organizationOf(actor, SIGN_IN), messageIds),
    leads: (actor: Actor, conversationIds: readonly string[]) =>
      repository.leads(organizationOf(actor, SIGN_IN), conversationIds),
    draftsByConversations: (actor: Actor, conversationIds: readonly string[]) =>
      repository.draftsByConversations(organizationOf(actor, SIGN_IN), conversationIds),

    drafts(actor: Actor, status: ReplyStatus, first: number): Promise<ReplyDraft[]> {
      const issues = new InputIssues();
      if (!Number.isInteger(first) || first < 1 || first > MAX_DRAFTS_PAGE)
        issues.add('first', `must be 1–${MAX_DRAFTS_PAGE}`);
      issues.throwIfAny();
      return repository.drafts(organizationOf(actor, SIGN_IN), status, first);
    },

    /** Approves a pending draft as the signed-in user's reply (its text, or an edit). */
    approve(actor: Actor, id: string, text: string | null | undefined): Promise<ReplyDraft> {
      const { organizationId, userId } = signedInUser(actor, SIGN_IN);
      checkId(id);
      const edited = text === null || text === undefined ? null : checkReplyText(text);
      return repository.approve(organizationId, id, userId, edited, clock());
    },

    reject(actor: Actor, id: string, reason: string | null | undefined): Promise<ReplyDraft> {
      const { organizationId, userId } = signedInUser(actor, SIGN_IN);
      checkId(id);
      const trimmed = reason?.trim() || null;
      const issues = new InputIssues();
      if (trimmed && trimmed.length > MAX_REJECT_REASON_LENGTH)
        issues.add('reason', `must be at most ${MAX_REJECT_REASON_LENGTH} characters`);
      issues.throwIfAny();
      return repository.reject(organizationId, id, userId, trimmed, clock());
    },
  };
}

export type AiOperations = ReturnType<typeof aiOperations>;
