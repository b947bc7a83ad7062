/**
 * Which route answers a question — deterministic, checked in this order:
 *
 * 1. `casual`: only greetings, thanks and pleasantries ("hi", "thanks a lot!", "good morning") — a
 *    friendly line, no model call.
 * 2. `dashboard`: a question about the inbox's figures (how many conversations need a reply, unread
 *    messages, the backlog) — answered from conversations' own tables (counts only, no PII).
 * 3. `memory`: refers to earlier turns ("what did you say earlier", "repeat that", "my previous
 *    question") in a session that has any — answered from the session's history and the passages its
 *    earlier answers cited.
 * 4. `rag` otherwise: the organization's documents (the session's client scope applied) are searched
 *    and the model answers from the best passages, citing them.
 */
import type { ChatRoute } from './chat';

const CASUAL_WORDS = new Set(
  (
    'hi hello hey hiya yo howdy greetings thanks thank you thx ty cheers ok okay great cool nice awesome ' +
    'perfect bye goodbye good morning afternoon evening night so very much a lot appreciated appreciate ' +
    'it that is all there welcome'
  ).split(' '),
);

const INBOX_SUBJECT =
  /\b(inbox|conversations?|threads?|messages?|chats?|tickets?|customers? waiting|backlog|unread|unanswered|replies|reply)\b/;
const FIGURES_ASKED =
  /\b(how many|number of|count|counts|total|stats|statistics|figures|overview|summary|status of|need(s|ing)? (a |an )?(reply|replies|answer|response)|waiting|unread|unanswered|backlog|pending|open)\b/;
const EARLIER_TURNS =
  /\b(you said|you told me|you mentioned|you answered|earlier|previous(ly)?|last (answer|message|question|reply)|before that|that answer|your answer|what did i (ask|say)|i asked|we (talked|discussed|spoke)|our (conversation|chat)|remind me|repeat( that| it)?|say (that|it) again)\b/;

const wordsOf = (text: string): string[] =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .match(/[a-z0-9']+/g) ?? [];

export function routeOf(question: string, context: { hasHistory: boolean }): ChatRoute {
  const words = wordsOf(question);
  if (words.length <= 8 && words.every((word) => CASUAL_WORDS.has(word))) return 'casual';
  const text = words.join(' ');
  if (INBOX_SUBJECT.test(text) && FIGURES_ASKED.test(text)) return 'dashboard';
  if (context.hasHistory && EARLIER_TURNS.test(text)) return 'memory';
  return 'rag';
}

/** The casual route's answer: a greeting back, or thanks acknowledged. */
export function casualAnswer(question: string): string {
  const words = wordsOf(question);
  if (
    words.some((word) =>
      ['thanks', 'thank', 'thx', 'ty', 'cheers', 'appreciated', 'appreciate'].includes(word),
    )
  ) {
    return 'You are welcome! Ask me anything about your documents or your inbox.';
  }
  if (words.some((word) => ['bye', 'goodbye'].includes(word))) return 'Goodbye! I am here when you need me.';
  return 'Hello! Ask me about your documents (I cite the passages I answer from) or about your inbox.';
}
