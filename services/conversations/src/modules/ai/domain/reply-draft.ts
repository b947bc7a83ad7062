import type { ReplyStatus } from './ai-task';

/** A drafted reply (spec 001's REPLY, with approval), its text opened. */
export interface ReplyDraft {
  id: string;
  organizationId: string;
  conversationId: string;
  inReplyToMessageId: string;
  aiTaskId: string;
  text: string;
  confidence: number;
  status: ReplyStatus;
  autoApproved: boolean;
  decidedBy: string | null;
  decidedAt: Date | null;
  rejectReason: string | null;
  messageId: string | null;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
}
