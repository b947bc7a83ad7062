import { DataLoader, defineModule } from '@platform/service-kit';
import type { ConversationsDependencies } from '../../service';
import {
  aiOperations,
  type AiOperations,
  type ConversationLeadView,
  type MessageAi,
} from './domain/ai-operations';
import type { ReplyDraft as ReplyDraftModel } from './domain/reply-draft';
import { pipelineSealing } from './infra/ai-tasks';
import { aiRepository } from './infra/ai-repository';
import { Conversation } from './resolvers/Conversation';
import { Message } from './resolvers/Message';
import { approveReplyDraft } from './resolvers/Mutation/approveReplyDraft';
import { rejectReplyDraft } from './resolvers/Mutation/rejectReplyDraft';
import { replyDrafts } from './resolvers/Query/replyDrafts';
import { ReplyDraft } from './resolvers/ReplyDraft';

/**
 * AI: the provider boundary (`domain/ai-provider.ts`: the local provider and the OpenAI-compatible one,
 * chosen in `infra/provider.ts`), the inbox pipeline's worker (`infra/ai-worker.ts`) and its results in
 * the graph — classifications, lead scores, drafted replies and their approval.
 */
export interface AiModuleContext {
  ai: AiOperations;
  /** A message's AI tasks and classification (one query per batch). */
  aiByMessage: DataLoader<string, MessageAi | null>;
  /** A conversation's lead score (one query per batch). */
  leadByConversation: DataLoader<string, ConversationLeadView | null>;
  /** A conversation's drafts, newest first (one query per batch). */
  draftsByConversation: DataLoader<string, ReplyDraftModel[]>;
}

export const aiModule = defineModule<ConversationsDependencies, AiModuleContext>({
  resolvers: {
    Query: { replyDrafts },
    Mutation: { approveReplyDraft, rejectReplyDraft },
    Message,
    Conversation,
    ReplyDraft,
  },
  context: ({ tenants, tokenCipher, messageSealing, leadTransit }) => {
    const ai = aiOperations(
      aiRepository(tenants, {
        pipeline: tokenCipher ? pipelineSealing(tokenCipher) : null,
        messages: messageSealing,
        leadTransit,
      }),
    );
    return ({ auth }) => ({
      ai,
      aiByMessage: new DataLoader(async (ids: readonly string[]) => {
        const found = await ai.byMessages(auth, ids);
        return ids.map((id) => found.get(id) ?? null);
      }),
      leadByConversation: new DataLoader(async (ids: readonly string[]) => {
        const found = await ai.leads(auth, ids);
        return ids.map((id) => found.get(id) ?? null);
      }),
      draftsByConversation: new DataLoader(async (ids: readonly string[]) => {
        const found = await ai.draftsByConversations(auth, ids);
        return ids.map((id) => found.get(id) ?? []);
      }),
    });
  },
});
