import { createHash } from 'node:crypto';
import type {
  AiCall,
  AiProvider,
  Answer,
  AnswerInput,
  Classification,
  DraftedReply,
  InboundContext,
  LeadScoreLevel,
  LeadScoring,
  MessageIntent,
  MessageSentiment,
} from '../domain/ai-provider';

/**
 * The local AI provider: deterministic rules, templates and hashed term vectors. It is what runs when no
 * model endpoint is configured (no model can be downloaded on the project's machines), named `local` in
 * usage events and the graph. Same input, same output: tests and benchmarks can rely on its answers.
 *
 * Tokens are counted the way the common tokenizers average on English (one token per four characters),
 * so usage and billing see plausible figures from the same code path a real provider feeds.
 */
export const LOCAL_MODEL = 'local-rules-v1';
export const LOCAL_EMBEDDING_DIMENSIONS = 256;

const tokensOf = (text: string): number => Math.ceil(text.length / 4);

/** The local provider answers at once; a promise all the same, like every provider. */
function call<T>(result: T, input: string, output: string): Promise<AiCall<T>> {
  return Promise.resolve({
    result,
    usage: { inputTokens: tokensOf(input), outputTokens: tokensOf(output) },
    model: LOCAL_MODEL,
  });
}

const STOPWORDS = new Set(
  (
    'a an and are as at be but by can could do does for from had has have hi hello hey how i if in is it its ' +
    'me my of on or our so that the their them there this to us was we were what when where which who why ' +
    'will with would you your'
  ).split(' '),
);

/** Lower-cased words (letters and digits), accents folded. */
export function words(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .match(/[a-z0-9]+/g) ?? []
  );
}

/** Content terms: words without stopwords, a trailing plural `s` dropped. */
export function terms(text: string): string[] {
  return words(text)
    .filter((word) => !STOPWORDS.has(word))
    .map((word) =>
      word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word,
    );
}

/** Phrases (in words) that point to each intent, with weights. */
const INTENT_RULES: Record<Exclude<MessageIntent, 'other'>, [string, number][]> = {
  purchase_inquiry: [
    ['buy', 3],
    ['buying', 3],
    ['purchase', 3],
    ['order', 2],
    ['interested in', 3],
    ['sign up', 2],
    ['looking for', 2],
    ['want to get', 2],
    ['available', 1],
  ],
  pricing: [
    ['price', 3],
    ['pricing', 3],
    ['cost', 3],
    ['quote', 3],
    ['how much', 3],
    ['budget', 2],
    ['discount', 2],
    ['rate', 1],
  ],
  booking: [
    ['book', 3],
    ['appointment', 3],
    ['schedule', 2],
    ['demo', 3],
    ['viewing', 3],
    ['call me', 2],
    ['meeting', 2],
    ['reservation', 3],
  ],
  support: [
    ['help', 2],
    ['not working', 3],
    ['issue', 2],
    ['problem', 2],
    ['error', 3],
    ['cannot', 1],
    ['can t', 1],
    ['how do i', 2],
    ['reset', 2],
  ],
  complaint: [
    ['refund', 3],
    ['terrible', 3],
    ['disappointed', 3],
    ['complaint', 3],
    ['worst', 3],
    ['unacceptable', 3],
    ['angry', 2],
    ['never again', 3],
  ],
  information: [
    ['information', 2],
    ['info', 2],
    ['details', 2],
    ['question', 1],
    ['tell me', 2],
    ['do you', 1],
    ['opening hours', 3],
    ['where are', 2],
  ],
  greeting: [
    ['hi', 1],
    ['hello', 1],
    ['hey', 1],
    ['good morning', 1],
    ['thanks', 1],
    ['thank you', 1],
  ],
  spam: [
    ['crypto', 3],
    ['click here', 3],
    ['free money', 4],
    ['winner', 3],
    ['bitcoin', 3],
    ['seo services', 3],
    ['followers', 2],
  ],
};

const POSITIVE = new Set(
  'great good love excellent amazing awesome happy thanks thank perfect wonderful fantastic nice glad excited pleased'.split(
    ' ',
  ),
);
const NEGATIVE = new Set(
  'bad terrible awful angry disappointed worst hate poor broken unacceptable slow rude useless annoyed upset refund'.split(
    ' ',
  ),
);
const NEGATIONS = new Set(['not', 'no', 'never', 'don', 'didn', 'isn', 'wasn']);

/** Counts each rule phrase as whole words, so `price` does not match inside `priceless`. */
function phraseCount(wordList: string[], phrase: string): number {
  const parts = phrase.split(' ');
  let count = 0;
  for (let index = 0; index + parts.length <= wordList.length; index += 1) {
    if (parts.every((part, offset) => wordList[index + offset] === part)) count += 1;
  }
  return count;
}

export function classifyText(text: string): Classification {
  const wordList = words(text);
  const scores = Object.entries(INTENT_RULES).map(([intent, rules]) => ({
    intent: intent as Exclude<MessageIntent, 'other'>,
    score: rules.reduce(
      (sum, [phrase, weight]) => sum + Math.min(phraseCount(wordList, phrase), 2) * weight,
      0,
    ),
  }));
  scores.sort((left, right) => right.score - left.score);
  const [best, second] = scores;
  let intent: MessageIntent = 'other';
  let confidence = 0.3;
  if (best && best.score > 0) {
    // A greeting only wins when nothing else was said.
    const winner = best.intent === 'greeting' && second && second.score > 0 ? second : best;
    intent = winner.intent;
    const runnerUp = scores.find((entry) => entry.intent !== winner.intent)?.score ?? 0;
    confidence = Math.min(0.95, 0.5 + (winner.score - runnerUp) * 0.08 + Math.min(winner.score, 6) * 0.03);
  }
  let polarity = 0;
  wordList.forEach((word, index) => {
    const negated = NEGATIONS.has(wordList[index - 1] ?? '') || NEGATIONS.has(wordList[index - 2] ?? '');
    if (POSITIVE.has(word)) polarity += negated ? -1 : 1;
    if (NEGATIVE.has(word)) polarity += negated ? 1 : -1;
  });
  if (/!{2,}/.test(text) && polarity < 0) polarity -= 1;
  const sentiment: MessageSentiment = polarity > 0 ? 'positive' : polarity < 0 ? 'negative' : 'neutral';
  return { intent, sentiment, confidence: round(confidence) };
}

const URGENCY = [
  'today',
  'asap',
  'urgent',
  'urgently',
  'now',
  'tomorrow',
  'immediately',
  'this week',
  'soon',
];
const round = (value: number) => Math.round(value * 100) / 100;

export function scoreText(text: string, classification: Classification): LeadScoring {
  const wordList = words(text);
  const signals: string[] = [];
  let points = 0;
  const add = (signal: string, weight: number) => {
    signals.push(signal);
    points += weight;
  };
  switch (classification.intent) {
    case 'purchase_inquiry':
      add('purchase_intent', 3);
      break;
    case 'pricing':
      add('pricing_question', 3);
      break;
    case 'booking':
      add('booking_request', 3);
      break;
    case 'information':
      add('information_request', 1);
      break;
    case 'support':
      add('support_request', 0);
      break;
    case 'complaint':
      add('complaint', -2);
      break;
    case 'spam':
      add('spam', -10);
      break;
    case 'greeting':
    case 'other':
      break;
  }
  if (
    classification.intent !== 'pricing' &&
    ['price', 'cost', 'quote'].some((word) => wordList.includes(word))
  ) {
    add('pricing_question', 2);
  }
  if (URGENCY.some((phrase) => phraseCount(wordList, phrase) > 0)) add('urgency', 2);
  if (/[$€£]\s?\d|\d+\s?(k|usd|eur|gbp|dollars|euros)\b/i.test(text) || wordList.includes('budget')) {
    add('budget_mentioned', 2);
  }
  if (/[^\s@]+@[^\s@]+\.[a-z]{2,}/i.test(text) || /\+?\d[\d\s().-]{7,}\d/.test(text)) {
    add('contact_details_shared', 1);
  }
  if (classification.sentiment === 'positive') add('positive_sentiment', 1);
  if (classification.sentiment === 'negative') add('negative_sentiment', -1);
  const score: LeadScoreLevel = points >= 5 ? 'hot' : points >= 2 ? 'warm' : 'cold';
  const reasoning =
    signals.length === 0
      ? 'No buying signal in the message.'
      : `Scored ${score} from ${points} points: ${signals.map((signal) => signal.replace(/_/g, ' ')).join(', ')}.`;
  return {
    score,
    signals,
    reasoning,
    confidence: round(Math.min(0.95, 0.55 + Math.abs(points) * 0.05)),
  };
}

/** Replies per intent; `{name}` is the participant's first name (or nothing). */
const TEMPLATES: Record<MessageIntent, { text: string; fit: number }> = {
  purchase_inquiry: {
    text: 'Hi{name}, thanks for your interest! We would love to help. Could you tell us a little more about what you are looking for, and the best way to reach you?',
    fit: 0.9,
  },
  pricing: {
    text: 'Hi{name}, thanks for asking about pricing. Prices depend on what you need: could you share a few details (size, timing, budget) so we can send you an accurate quote?',
    fit: 0.85,
  },
  booking: {
    text: 'Hi{name}, happy to set that up. Which days and times suit you best? We will confirm a slot right away.',
    fit: 0.9,
  },
  support: {
    text: 'Hi{name}, sorry you ran into trouble. Could you describe what happened and when? We are looking into it.',
    fit: 0.7,
  },
  complaint: {
    text: 'Hi{name}, we are sorry to hear about your experience. A member of our team will get back to you personally to make this right.',
    fit: 0.45,
  },
  information: {
    text: 'Hi{name}, thanks for reaching out! Happy to help: what would you like to know?',
    fit: 0.75,
  },
  greeting: { text: 'Hi{name}, thanks for getting in touch! How can we help you today?', fit: 0.8 },
  spam: { text: 'Thanks for your message.', fit: 0.05 },
  other: { text: 'Hi{name}, thanks for your message! How can we help?', fit: 0.5 },
};

/** Channels read on phones in a line or two: no sign-off there. */
const SHORT_CHANNELS = new Set(['sms', 'twitter', 'whatsapp', 'chat', 'instagram', 'facebook', 'slack']);

export function draftText(input: InboundContext & { classification: Classification }): DraftedReply {
  const template = TEMPLATES[input.classification.intent];
  const first = input.participantName?.trim().split(/\s+/)[0];
  let text = template.text.replace('{name}', first ? ` ${first}` : '');
  if (!SHORT_CHANNELS.has(input.platform)) text = `${text}\n\nBest regards`;
  return {
    text,
    confidence: round(
      template.fit * input.classification.confidence + (1 - input.classification.confidence) * 0.2,
    ),
  };
}

/** Feature-hashed term vector (terms and adjacent term pairs, log-scaled counts), unit length. */
export function embedText(text: string, dimensions = LOCAL_EMBEDDING_DIMENSIONS): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const termList = terms(text);
  const features = [...termList, ...termList.slice(1).map((term, index) => `${termList[index]} ${term}`)];
  const counts = new Map<string, number>();
  for (const feature of features) counts.set(feature, (counts.get(feature) ?? 0) + 1);
  for (const [feature, count] of counts) {
    const digest = createHash('sha256').update(feature).digest();
    const slot = digest.readUInt32BE(0) % dimensions;
    const sign = (digest[4] ?? 0) & 1 ? 1 : -1;
    const weight = (feature.includes(' ') ? 0.5 : 1) * (1 + Math.log(count));
    vector[slot] = (vector[slot] ?? 0) + sign * weight;
  }
  const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return norm === 0 ? vector : vector.map((value) => value / norm);
}

/**
 * Extractive answer: the passages' sentences sharing the most terms with the question, from the best
 * passages, quoted with their document's title. Nothing relevant: says so, cites nothing.
 */
export function answerFrom(input: AnswerInput): Answer {
  const questionTerms = new Set(terms(input.question));
  const scored: { passageId: string; title: string; sentence: string; score: number; rank: number }[] = [];
  input.passages.forEach((passage, rank) => {
    for (const sentence of passage.text.split(/(?<=[.!?])\s+|\n+/)) {
      const sentenceTerms = new Set(terms(sentence));
      let overlap = 0;
      for (const term of questionTerms) if (sentenceTerms.has(term)) overlap += 1;
      if (overlap > 0)
        scored.push({
          passageId: passage.id,
          title: passage.documentTitle,
          sentence: sentence.trim(),
          score: overlap,
          rank,
        });
    }
  });
  scored.sort((left, right) => right.score - left.score || left.rank - right.rank);
  const chosen = scored.slice(0, 2);
  if (chosen.length === 0) {
    return { text: 'I could not find that in your documents.', citedPassageIds: [] };
  }
  const cited = [...new Set(chosen.map((entry) => entry.passageId))];
  // Each quote under its own document's title (a second sentence may come from another document).
  const text = chosen
    .map((entry, index) =>
      index > 0 && chosen[index - 1]?.title === entry.title
        ? entry.sentence
        : `From "${entry.title}": ${entry.sentence}`,
    )
    .join(' ');
  return { text, citedPassageIds: cited };
}

/** The local provider (see the module comment). */
export function localAiProvider(): AiProvider {
  return {
    name: 'local',
    embeddingDimensions: LOCAL_EMBEDDING_DIMENSIONS,
    classify(input) {
      const result = classifyText(input.text);
      return call(result, input.text, JSON.stringify(result));
    },
    scoreLead(input) {
      const result = scoreText(input.text, input.classification);
      return call(result, input.text, JSON.stringify(result));
    },
    draftReply(input) {
      const result = draftText(input);
      return call(
        result,
        `${input.history.map((message) => message.text).join('\n')}\n${input.text}`,
        result.text,
      );
    },
    answer(input) {
      const result = answerFrom(input);
      const prompt = [
        input.question,
        ...input.history.map((turn) => turn.content),
        ...input.passages.map((passage) => passage.text),
      ].join('\n');
      return call(result, prompt, result.text);
    },
    embed(texts) {
      return call(
        texts.map((text) => embedText(text)),
        texts.join('\n'),
        '',
      );
    },
  };
}
