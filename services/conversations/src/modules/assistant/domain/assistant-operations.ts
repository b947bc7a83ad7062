import { randomUUID } from 'node:crypto';
import {
  notFound,
  pageRequest,
  signedInUser,
  type Actor,
  type Page,
  type PageRequest,
} from '@platform/domain';
import type { AiProvider, AiUsage, Passage } from '../../ai/domain/ai-provider';
import { aiUsageRecorded } from '../../document/domain/document';
import type { DocumentRepository, ScoredChunk } from '../../document/domain/document-repository';
import {
  acceptQuestion,
  acceptSession,
  type ChatCitation,
  type ChatMessage,
  type ChatRoute,
  type ChatSession,
  type StartChatSessionInput,
} from './chat';
import type { AssistantRepository } from './assistant-repository';
import { dashboardAnswer } from './dashboard';
import { casualAnswer, routeOf } from './routing';

const SIGN_IN = 'Sign in to use the assistant';

export interface RetrievalOptions {
  /** Chunks offered to the model (default 5). */
  topK: number;
  /** Cosine similarity below which a chunk is not relevant (default 0.1, tuned on the local provider's hashed vectors). */
  minScore: number;
  /** Earlier messages given to the model as memory (default 10). */
  historyTurns: number;
}

export const DEFAULT_RETRIEVAL: RetrievalOptions = { topK: 5, minScore: 0.1, historyTurns: 10 };

const unit = (vector: number[]): number[] => {
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return norm === 0 ? vector : vector.map((value) => value / norm);
};

interface Answered {
  route: ChatRoute;
  text: string;
  citations: ChatCitation[];
  usage: AiUsage | null;
  model: string | null;
}

/** The assistant's use cases: sessions are their user's alone; answers come from the AI provider. */
export function assistantOperations(
  repository: AssistantRepository,
  documents: DocumentRepository,
  ai: AiProvider,
  retrieval: RetrievalOptions = DEFAULT_RETRIEVAL,
  clock: () => Date = () => new Date(),
) {
  const add = (left: AiUsage | null, right: AiUsage): AiUsage => ({
    inputTokens: (left?.inputTokens ?? 0) + right.inputTokens,
    outputTokens: (left?.outputTokens ?? 0) + right.outputTokens,
  });

  /** Answers from passages; cites the ones the model used, with their retrieval scores. */
  async function answerFrom(
    question: string,
    history: ChatMessage[],
    chunks: ScoredChunk[],
    usage: AiUsage | null,
  ): Promise<{ text: string; citations: ChatCitation[]; usage: AiUsage; model: string }> {
    const passages: Passage[] = chunks.map((chunk) => ({
      id: chunk.chunkId,
      documentTitle: chunk.documentTitle,
      text: chunk.text,
    }));
    const call = await ai.answer({
      question,
      history: history.map((message) => ({ role: message.role, content: message.content })),
      passages,
    });
    const cited = new Set(call.result.citedPassageIds);
    return {
      text: call.result.text,
      citations: chunks
        .filter((chunk) => cited.has(chunk.chunkId))
        .map((chunk) => ({ documentId: chunk.documentId, chunkId: chunk.chunkId, score: chunk.score })),
      usage: add(usage, call.usage),
      model: call.model,
    };
  }

  async function rag(organizationId: string, session: ChatSession, question: string, history: ChatMessage[]) {
    const embedded = await ai.embed([question]);
    const chunks = await documents.search(organizationId, {
      vector: unit(embedded.result[0] ?? []),
      model: embedded.model,
      companyId: session.companyId,
      limit: retrieval.topK,
      minScore: retrieval.minScore,
    });
    return answerFrom(question, history, chunks, embedded.usage);
  }

  /** The passages the session's earlier answers cited, then the model over them and the history. */
  async function memory(organizationId: string, question: string, history: ChatMessage[]) {
    const earlier = [
      ...new Map(
        history
          .flatMap((message) => message.citations)
          .reverse()
          .map((citation) => [citation.chunkId, citation] as const),
      ).values(),
    ].slice(0, retrieval.topK);
    const [chunks, titled] = await Promise.all([
      documents.chunksByIds(
        organizationId,
        earlier.map((citation) => citation.chunkId),
      ),
      documents.byIds(
        organizationId,
        earlier.map((citation) => citation.documentId),
      ),
    ]);
    const scored: ScoredChunk[] = earlier.flatMap((citation, index) => {
      const chunk = chunks[index];
      const document = titled[index];
      return chunk && document
        ? [
            {
              chunkId: chunk.id,
              documentId: document.id,
              documentTitle: document.title,
              text: chunk.text,
              score: citation.score,
            },
          ]
        : [];
    });
    const answered = await answerFrom(question, history, scored, null);
    if (answered.citations.length > 0) return answered;
    // Nothing earlier answers it: say what was asked before (the session's memory itself).
    const asked = history
      .filter((message) => message.role === 'user')
      .slice(-3)
      .map((message) => `“${message.content}”`);
    return {
      ...answered,
      text:
        asked.length > 0
          ? `Earlier in this session you asked: ${asked.join('; ')}.`
          : 'We have not talked about anything yet in this session.',
    };
  }

  return {
    async startSession(actor: Actor, input: StartChatSessionInput): Promise<ChatSession> {
      const { organizationId, userId } = signedInUser(actor, SIGN_IN);
      const accepted = acceptSession(input);
      const now = clock();
      return repository.createSession({
        id: randomUUID(),
        organizationId,
        userId,
        title: accepted.title,
        companyId: accepted.companyId,
        lastMessageAt: null,
        createdAt: now,
        updatedAt: now,
      });
    },

    async listSessions(
      actor: Actor,
      first?: number | null,
      after?: string | null,
    ): Promise<Page<ChatSession>> {
      const { organizationId, userId } = signedInUser(actor, SIGN_IN);
      return repository.listSessions(organizationId, userId, pageRequest(first, after));
    },

    async sessionsByIds(actor: Actor, ids: readonly string[]): Promise<Array<ChatSession | null>> {
      if (!actor.organizationId || !actor.userId) return ids.map(() => null);
      return repository.sessionsByIds(actor.organizationId, actor.userId, ids);
    },

    async messagesOf(actor: Actor, sessionIds: readonly string[], request: PageRequest) {
      const { organizationId } = signedInUser(actor, SIGN_IN);
      return repository.messagesOfSessions(organizationId, sessionIds, request);
    },

    /**
     * One turn: the user's question is routed (see routing.ts), answered, and both messages stored
     * with the route, citations, tokens and model; a model call publishes its usage (task `chat`, the
     * answer's id as the task id). Answers the assistant's message.
     */
    async send(actor: Actor, sessionId: string, content: string): Promise<ChatMessage> {
      const { organizationId, userId } = signedInUser(actor, SIGN_IN);
      const question = acceptQuestion(content);
      const askedAt = clock();
      // The turn's first step: the AI entitlement check and the session (see openTurn).
      const turn = await repository.openTurn(organizationId, userId, sessionId, retrieval.historyTurns);
      if (!turn) throw notFound('ChatSession', sessionId);
      const { session, history } = turn;
      const route = routeOf(question, { hasHistory: history.length > 0 });
      let answered: Answered;
      switch (route) {
        case 'casual':
          answered = { route, text: casualAnswer(question), citations: [], usage: null, model: null };
          break;
        case 'dashboard':
          answered = {
            route,
            text: dashboardAnswer(await repository.inboxFigures(organizationId)),
            citations: [],
            usage: null,
            model: null,
          };
          break;
        case 'memory':
          answered = { route, ...(await memory(organizationId, question, history)) };
          break;
        case 'rag':
          answered = { route, ...(await rag(organizationId, session, question, history)) };
          break;
      }
      const answeredAt = new Date(Math.max(clock().getTime(), askedAt.getTime() + 1));
      const asked: ChatMessage = {
        id: randomUUID(),
        organizationId,
        sessionId: session.id,
        role: 'user',
        content: question,
        routeUsed: null,
        citations: [],
        tokensUsed: null,
        model: null,
        createdAt: askedAt,
      };
      const tokens = answered.usage ? answered.usage.inputTokens + answered.usage.outputTokens : 0;
      const answer: ChatMessage = {
        id: randomUUID(),
        organizationId,
        sessionId: session.id,
        role: 'assistant',
        content: answered.text,
        routeUsed: answered.route,
        citations: answered.citations,
        tokensUsed: tokens,
        model: answered.model,
        createdAt: answeredAt,
      };
      const events =
        answered.usage && answered.model
          ? [
              aiUsageRecorded({
                aiTaskId: answer.id,
                organizationId,
                taskKind: 'chat',
                outcome: 'completed',
                provider: ai.name,
                model: answered.model,
                inputTokens: answered.usage.inputTokens,
                outputTokens: answered.usage.outputTokens,
                requestedById: userId,
                finishedAt: answeredAt,
              }),
            ]
          : [];
      await repository.recordTurn(session, asked, answer, events);
      return answer;
    },
  };
}

export type AssistantOperations = ReturnType<typeof assistantOperations>;
