// What the generated resolver types use as parents (see @platform/codegen).
import { enumObject } from '@platform/domain';
import { MESSAGE_INTENTS, MESSAGE_SENTIMENTS, LEAD_SCORE_LEVELS } from './domain/ai-provider';
import type { AiTaskView, ConversationLeadView } from './domain/ai-operations';
import type { ReplyDraft } from './domain/reply-draft';

export type AiTaskMapper = AiTaskView;
export type ReplyDraftMapper = ReplyDraft;
export type ConversationLeadMapper = ConversationLeadView;
export const AiTaskKind = enumObject(['classify', 'score', 'reply'] as const);
export type AiTaskKind = (typeof AiTaskKind)[keyof typeof AiTaskKind];
export const AiTaskStatus = enumObject(['queued', 'processing', 'completed', 'failed'] as const);
export type AiTaskStatus = (typeof AiTaskStatus)[keyof typeof AiTaskStatus];
export const MessageIntent = enumObject(MESSAGE_INTENTS);
export type MessageIntent = (typeof MessageIntent)[keyof typeof MessageIntent];
export const MessageSentiment = enumObject(MESSAGE_SENTIMENTS);
export type MessageSentiment = (typeof MessageSentiment)[keyof typeof MessageSentiment];
export const ConversationLeadScore = enumObject(LEAD_SCORE_LEVELS);
export type ConversationLeadScore = (typeof ConversationLeadScore)[keyof typeof ConversationLeadScore];
export const ReplyDraftStatus = enumObject(['pending', 'approved', 'rejected', 'sent', 'failed'] as const);
export type ReplyDraftStatus = (typeof ReplyDraftStatus)[keyof typeof ReplyDraftStatus];
