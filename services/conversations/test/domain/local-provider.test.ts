import {
  LEAD_SCORE_LEVELS,
  MESSAGE_INTENTS,
  type Classification,
  type InboundContext,
} from '../../src/modules/ai/domain/ai-provider';
import {
  LOCAL_EMBEDDING_DIMENSIONS,
  LOCAL_MODEL,
  answerFrom,
  classifyText,
  draftText,
  embedText,
  localAiProvider,
  scoreText,
  terms,
} from '../../src/modules/ai/infra/local-provider';

// The deterministic local provider: its rules for intent and sentiment, the lead score rule, reply
// templates per channel, hashed term embeddings and extractive answers.

const context = (
  text: string,
  platform = 'facebook',
  participantName: string | null = 'Maria Lopez',
): InboundContext => ({
  text,
  platform,
  participantName,
  history: [],
});
const cosine = (left: number[], right: number[]) =>
  left.reduce((sum, value, index) => sum + value * (right[index] ?? 0), 0);

describe('the local AI provider', () => {
  describe('intents', () => {
    it.each([
      ['I want to buy two of the blue chairs, are they available?', 'purchase_inquiry'],
      ['How much does the premium package cost?', 'pricing'],
      ['Can I book an appointment for a demo next Tuesday?', 'booking'],
      ['The app is not working, I get an error when I log in', 'support'],
      ['Terrible service, I want a refund. Unacceptable!', 'complaint'],
      ['What are your opening hours?', 'information'],
      ['Hello!', 'greeting'],
      ['Click here for free money, you are a winner', 'spam'],
      ['Blue elephants sing at dawn', 'other'],
    ])('%s → %s', (text, intent) => {
      const classification = classifyText(text);
      expect(classification.intent).toBe(intent);
      expect(MESSAGE_INTENTS).toContain(classification.intent);
      expect(classification.confidence).toBeGreaterThanOrEqual(0);
      expect(classification.confidence).toBeLessThanOrEqual(0.95);
    });

    it('lets a greeting win only when nothing else was said, and matches whole words only', () => {
      expect(classifyText('Hi there, what is the price?').intent).toBe('pricing');
      expect(classifyText('This painting is priceless').intent).toBe('other');
    });

    it('is more confident when the signals agree than with no signal', () => {
      const strong = classifyText(
        'How much is the price? Can you send a quote with a discount for our budget?',
      );
      const none = classifyText('Blue elephants sing at dawn');
      expect(strong.intent).toBe('pricing');
      expect(none.confidence).toBe(0.3);
      expect(strong.confidence).toBeGreaterThan(0.8);
    });
  });

  describe('sentiment', () => {
    it.each([
      ['I love your products, great work!', 'positive'],
      ['The delivery was slow and the support was rude', 'negative'],
      ['Do you deliver to Lyon?', 'neutral'],
      ['The product is not bad at all', 'positive'],
      ['This is not good', 'negative'],
    ])('%s → %s', (text, sentiment) => {
      expect(classifyText(text).sentiment).toBe(sentiment);
    });
  });

  describe('lead score', () => {
    const classified = (text: string): [string, Classification] => [text, classifyText(text)];

    it('scores hot from 5 points: pricing question, urgency and a budget', () => {
      const scoring = scoreText(
        ...classified('How much does it cost? We have a budget of $5000 and need it this week'),
      );
      expect(scoring.score).toBe('hot');
      expect(scoring.signals).toEqual(
        expect.arrayContaining(['pricing_question', 'urgency', 'budget_mentioned']),
      );
      expect(scoring.reasoning).toMatch(/^Scored hot from \d+ points/);
    });

    it('scores warm from 2 to 4 points, cold below, and spam or complaints cold', () => {
      const warm = scoreText(...classified('How much does the premium package cost?'));
      expect(warm).toMatchObject({ score: 'warm', signals: ['pricing_question'] });
      const information = scoreText(...classified('What are your opening hours?'));
      expect(information).toMatchObject({ score: 'cold', signals: ['information_request'] });
      expect(scoreText(...classified('Click here for free money, you are a winner')).score).toBe('cold');
      const complaint = scoreText(...classified('Terrible service, I want a refund. Unacceptable!'));
      expect(complaint.score).toBe('cold');
      expect(complaint.signals).toEqual(expect.arrayContaining(['complaint', 'negative_sentiment']));
      const nothing = scoreText(...classified('Blue elephants sing at dawn'));
      expect(nothing).toMatchObject({
        score: 'cold',
        signals: [],
        reasoning: 'No buying signal in the message.',
      });
    });

    it('counts contact details and positive sentiment, and only snake_case signal codes', () => {
      const scoring = scoreText(
        ...classified(
          'I would love to buy the sofa, great design! Reach me at maria@example.com or +33 6 12 34 56 78',
        ),
      );
      expect(scoring.score).toBe('hot');
      expect(scoring.signals).toEqual(
        expect.arrayContaining(['purchase_intent', 'contact_details_shared', 'positive_sentiment']),
      );
      for (const signal of scoring.signals) expect(signal).toMatch(/^[a-z][a-z0-9_]{0,49}$/);
      expect(LEAD_SCORE_LEVELS).toContain(scoring.score);
      expect(scoring.confidence).toBeLessThanOrEqual(0.95);
    });
  });

  describe('reply templates', () => {
    const pricing = classifyText('How much does the premium package cost?');

    it('answers by intent, with the first name, short on chat channels and signed on email', () => {
      const chat = draftText({
        ...context('How much does the premium package cost?', 'whatsapp'),
        classification: pricing,
      });
      expect(chat.text).toMatch(/^Hi Maria, thanks for asking about pricing/);
      expect(chat.text).not.toMatch(/Best regards/);
      const email = draftText({
        ...context('How much does the premium package cost?', 'email'),
        classification: pricing,
      });
      expect(email.text).toMatch(/^Hi Maria, thanks for asking about pricing/);
      expect(email.text).toMatch(/\n\nBest regards$/);
      const booking = classifyText('Can I book an appointment for a demo?');
      expect(
        draftText({ ...context('Can I book?', 'instagram', null), classification: booking }).text,
      ).toMatch(/^Hi, happy to set that up/);
    });

    it('is far less confident for complaints and spam than for a clear booking', () => {
      const draft = (text: string) =>
        draftText({ ...context(text), classification: classifyText(text) }).confidence;
      const booking = draft('Can I book an appointment for a demo next Tuesday?');
      expect(booking).toBeGreaterThan(0.7);
      expect(draft('Terrible service, I want a refund. Unacceptable!')).toBeLessThan(0.5);
      expect(draft('Click here for free money, you are a winner')).toBeLessThan(0.3);
    });
  });

  describe('embeddings', () => {
    it('are unit vectors of the configured length; related texts are closer than unrelated ones', () => {
      const hours = embedText('What are your opening hours on Saturday?');
      const related = embedText('Our opening hours: Saturday from 9 to 1.');
      const unrelated = embedText('Refunds are paid to the original card within 30 days.');
      expect(hours).toHaveLength(LOCAL_EMBEDDING_DIMENSIONS);
      expect(cosine(hours, hours)).toBeCloseTo(1, 6);
      expect(cosine(hours, related)).toBeGreaterThan(0.3);
      expect(cosine(hours, related)).toBeGreaterThan(cosine(hours, unrelated) + 0.2);
      expect(embedText('')).toEqual(new Array<number>(LOCAL_EMBEDDING_DIMENSIONS).fill(0));
    });

    it('fold case, accents and plurals', () => {
      expect(terms('Cafés, Prices and the ADDRESS')).toEqual(['cafe', 'price', 'address']);
      expect(embedText('café prices')).toEqual(embedText('Cafe price'));
    });
  });

  describe('answers', () => {
    const passages = [
      {
        id: 'p-hours',
        documentTitle: 'Store guide',
        text: 'Welcome to the store. We are open from 9 to 18 on weekdays.',
      },
      {
        id: 'p-refund',
        documentTitle: 'Refund policy',
        text: 'Refunds are issued within 30 days of purchase.',
      },
    ];

    it('quote the sentence sharing the most terms with the question and cite its passage', () => {
      const answer = answerFrom({ question: 'When are refunds issued?', history: [], passages });
      expect(answer).toEqual({
        text: 'From "Refund policy": Refunds are issued within 30 days of purchase.',
        citedPassageIds: ['p-refund'],
      });
      const hours = answerFrom({ question: 'When is the store open?', history: [], passages });
      expect(hours).toEqual({
        text: 'From "Store guide": Welcome to the store. We are open from 9 to 18 on weekdays.',
        citedPassageIds: ['p-hours'],
      });
    });

    it('quote each sentence under its own document when two documents match', () => {
      const answer = answerFrom({ question: 'Which days are you open?', history: [], passages });
      expect(answer).toEqual({
        text: 'From "Store guide": We are open from 9 to 18 on weekdays. From "Refund policy": Refunds are issued within 30 days of purchase.',
        citedPassageIds: ['p-hours', 'p-refund'],
      });
    });

    it('say so and cite nothing when the passages do not answer', () => {
      expect(answerFrom({ question: 'Do you sell bicycles?', history: [], passages })).toEqual({
        text: 'I could not find that in your documents.',
        citedPassageIds: [],
      });
      expect(answerFrom({ question: 'Refunds?', history: [], passages: [] }).citedPassageIds).toEqual([]);
    });
  });

  describe('the provider', () => {
    it('is deterministic: the same input gives the same answers, usage and model', async () => {
      const input = { ...context('How much for a table for 6 today? My budget is 500 EUR'), history: [] };
      const run = async () => {
        const provider = localAiProvider();
        const classification = await provider.classify(input);
        return {
          classification,
          scoring: await provider.scoreLead({ ...input, classification: classification.result }),
          reply: await provider.draftReply({ ...input, classification: classification.result }),
          embedding: await provider.embed(['a table for six', 'budget']),
          answer: await provider.answer({
            question: 'price of a table',
            history: [],
            passages: [
              { id: 'c1', documentTitle: 'Menu', text: 'A table for six has a set price of 300 EUR.' },
            ],
          }),
        };
      };
      const first = await run();
      expect(await run()).toEqual(first);
      expect(first.classification.model).toBe(LOCAL_MODEL);
      expect(first.classification.usage.inputTokens).toBe(Math.ceil(input.text.length / 4));
      expect(first.scoring.result.score).toBe('hot');
      expect(first.embedding.result).toHaveLength(2);
      expect(first.answer.result.citedPassageIds).toEqual(['c1']);
      const provider = localAiProvider();
      expect(provider).toMatchObject({ name: 'local', embeddingDimensions: LOCAL_EMBEDDING_DIMENSIONS });
    });
  });
});
