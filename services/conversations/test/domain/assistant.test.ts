import { dashboardAnswer } from '../../src/modules/assistant/domain/dashboard';
import { casualAnswer, routeOf } from '../../src/modules/assistant/domain/routing';

// The assistant's routing rules and the dashboard's sentence, without I/O.

describe('routeOf', () => {
  const route = (question: string, hasHistory = true) => routeOf(question, { hasHistory });

  it.each(['Hello!', 'hi there', 'Thanks a lot!', 'thank you so much', 'good morning', 'ok, bye', '👋'])(
    'casual: %s',
    (question) => expect(route(question)).toBe('casual'),
  );

  it.each([
    'How many conversations need a reply?',
    'how many unread messages are in my inbox?',
    'Give me an overview of the inbox',
    'What is the backlog of unanswered threads?',
  ])('dashboard: %s', (question) => expect(route(question)).toBe('dashboard'));

  it.each(['What did you say earlier about refunds?', 'Can you repeat that?', 'What did I ask before?'])(
    'memory with history: %s',
    (question) => {
      expect(route(question)).toBe('memory');
      // Without earlier turns there is nothing to remember: the documents answer.
      expect(route(question, false)).toBe('rag');
    },
  );

  it.each([
    'How many days do customers have to request a refund?',
    'What does the warranty cover?',
    'Hello, what is the refund policy?',
  ])('rag: %s', (question) => expect(route(question)).toBe('rag'));
});

describe('answers without a model', () => {
  it('acknowledges thanks and greets back', () => {
    expect(casualAnswer('thanks!')).toMatch(/welcome/);
    expect(casualAnswer('hello')).toMatch(/^Hello!/);
    expect(casualAnswer('bye')).toMatch(/^Goodbye/);
  });

  it('states the inbox figures in one sentence', () => {
    expect(
      dashboardAnswer({
        open: 5,
        needsReply: 3,
        unassignedNeedingReply: 1,
        unread: 1,
        needsReplyByPlatform: [
          { platform: 'email', count: 2 },
          { platform: 'sms', count: 1 },
        ],
      }),
    ).toBe(
      '3 conversations need a reply (email 2, sms 1), 1 of them unassigned. 5 conversations are open, with 1 unread message.',
    );
    expect(
      dashboardAnswer({
        open: 1,
        needsReply: 0,
        unassignedNeedingReply: 0,
        unread: 0,
        needsReplyByPlatform: [],
      }),
    ).toBe('No conversation needs a reply. 1 conversation is open, with 0 unread messages.');
    expect(
      dashboardAnswer({
        open: 0,
        needsReply: 0,
        unassignedNeedingReply: 0,
        unread: 0,
        needsReplyByPlatform: [],
      }),
    ).toBe('Your inbox is empty: there are no open conversations.');
  });
});
