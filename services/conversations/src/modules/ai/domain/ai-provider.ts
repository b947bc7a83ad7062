/**
 * The AI provider boundary (issue #11): everything conversations asks a model for goes through it — the
 * inbox pipeline's classify, score and draft tasks and the assistant's answers and embeddings. Two
 * implementations: the deterministic local provider (rules, templates and hashed term vectors: no model
 * download is possible on the project's machines) and an OpenAI-compatible HTTP provider when configured.
 */

/** What a model call used; summed over a task's calls and published for billing. */
export interface AiUsage {
  inputTokens: number;
  outputTokens: number;
}

/** One answer of the provider: the result, what it used and the model that gave it. */
export interface AiCall<T> {
  result: T;
  usage: AiUsage;
  /** The model as the provider names it (`local-rules-v1`, `gpt-4o-mini`…). */
  model: string;
}

export const MESSAGE_INTENTS = [
  'purchase_inquiry',
  'pricing',
  'booking',
  'support',
  'complaint',
  'information',
  'greeting',
  'spam',
  'other',
] as const;
export type MessageIntent = (typeof MESSAGE_INTENTS)[number];

export const MESSAGE_SENTIMENTS = ['positive', 'neutral', 'negative'] as const;
export type MessageSentiment = (typeof MESSAGE_SENTIMENTS)[number];

export const LEAD_SCORE_LEVELS = ['hot', 'warm', 'cold'] as const;
export type LeadScoreLevel = (typeof LEAD_SCORE_LEVELS)[number];

/** A message of the thread, oldest first, as context for a task. */
export interface ThreadMessage {
  direction: 'inbound' | 'outbound';
  text: string;
}

export interface InboundContext {
  /** The inbound message's text. */
  text: string;
  /** The customer channel (`facebook`, `email`…): drafts follow the channel's register and length. */
  platform: string;
  /** The participant's display name, when the platform gave one. */
  participantName: string | null;
  /** Earlier messages of the conversation, oldest first (at most a handful). */
  history: ThreadMessage[];
}

export interface Classification {
  intent: MessageIntent;
  sentiment: MessageSentiment;
  /** 0 to 1. */
  confidence: number;
}

export interface LeadScoring {
  score: LeadScoreLevel;
  /** Why, as codes (`pricing_question`, `urgency`, `negative_sentiment`…): `^[a-z][a-z0-9_]{0,49}$`. */
  signals: string[];
  /** A sentence or two for the agent; may quote the message (it is stored sealed, never published). */
  reasoning: string;
  /** 0 to 1. */
  confidence: number;
}

export interface DraftedReply {
  text: string;
  /** 0 to 1: compared with the organization's auto-send threshold. */
  confidence: number;
}

/** A passage retrieved from the organization's documents, offered to the model to answer from. */
export interface Passage {
  /** The chunk's id: what a citation names. */
  id: string;
  documentTitle: string;
  text: string;
}

export interface AnswerInput {
  question: string;
  /** The session's earlier turns, oldest first (002's conversation memory). */
  history: { role: 'user' | 'assistant'; content: string }[];
  /** Retrieved passages, best first; empty when nothing relevant was found. */
  passages: Passage[];
}

export interface Answer {
  text: string;
  /** The passages the answer relies on (a subset of the offered ids). */
  citedPassageIds: string[];
}

/** The inbox pipeline's tasks (spec 001's AI_TASK: classify, score, reply). */
export interface InboxAi {
  classify(input: InboundContext): Promise<AiCall<Classification>>;
  scoreLead(input: InboundContext & { classification: Classification }): Promise<AiCall<LeadScoring>>;
  draftReply(input: InboundContext & { classification: Classification }): Promise<AiCall<DraftedReply>>;
}

/** The assistant's needs (004's CHAT_MESSAGE answers, DOCUMENT embeddings). */
export interface AssistantAi {
  answer(input: AnswerInput): Promise<AiCall<Answer>>;
  /** One vector per text, each `embeddingDimensions` long. */
  embed(texts: string[]): Promise<AiCall<number[][]>>;
  readonly embeddingDimensions: number;
}

export interface AiProvider extends InboxAi, AssistantAi {
  /** Published with usage: `local`, `openai-compatible`. */
  readonly name: string;
}

/**
 * A provider call failed. `retryable`: a timeout, a network error, 429 or 5xx (the task is tried again
 * with backoff); otherwise (a 4xx, an answer that does not parse) it is final.
 */
export class AiProviderError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
    /** How long the provider asked to wait before a retry (a 429's or 503's Retry-After), when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'AiProviderError';
  }
}
