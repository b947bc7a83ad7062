import {
  afterInbound,
  afterOutbound,
  checkInbound,
  checkReplyText,
  type ConversationChange,
  type NormalizedInboundMessage,
} from '../../src/modules/message/domain/message';
import { statusChange } from '../../src/modules/conversation/domain/conversation';

const NOW = new Date('2026-11-30T10:00:00.000Z');
const USER = '7d6f0c8e-4a59-4b9a-9a53-0c2f7e0e5a11';

const state = (overrides: Partial<ConversationChange> = {}): ConversationChange => ({
  status: 'open',
  snoozedUntil: null,
  needsReply: false,
  unreadCount: 0,
  messageCount: 0,
  lastMessageAt: null,
  lastInboundAt: null,
  firstMessageAt: null,
  repliedAt: null,
  repliedById: null,
  ...overrides,
});

const inbound = (overrides: Partial<NormalizedInboundMessage> = {}): NormalizedInboundMessage => ({
  platformMessageId: 'm1',
  platformConversationId: 't1',
  sender: { platformUserId: 'u1' },
  text: 'hello',
  sentAt: NOW,
  ...overrides,
});

describe('afterInbound', () => {
  it('needs a reply, counts one more unread and message, and moves the times forward', () => {
    expect(afterInbound(state({ unreadCount: 2, messageCount: 5 }), NOW)).toEqual(
      state({
        needsReply: true,
        unreadCount: 3,
        messageCount: 6,
        lastMessageAt: NOW,
        lastInboundAt: NOW,
        firstMessageAt: NOW,
      }),
    );
  });

  it('opens a closed or snoozed conversation again; pending stays pending', () => {
    expect(afterInbound(state({ status: 'closed' }), NOW).status).toBe('open');
    const snoozed = afterInbound(state({ status: 'snoozed', snoozedUntil: new Date('2026-12-01') }), NOW);
    expect([snoozed.status, snoozed.snoozedUntil]).toEqual(['open', null]);
    expect(afterInbound(state({ status: 'pending' }), NOW).status).toBe('pending');
  });

  it('does not move the times back for a late delivery of an older message, but widens the first one', () => {
    const later = new Date('2026-11-30T11:00:00.000Z');
    const after = afterInbound(
      state({ lastMessageAt: later, lastInboundAt: later, firstMessageAt: later }),
      NOW,
    );
    expect([after.lastMessageAt, after.lastInboundAt, after.firstMessageAt, after.unreadCount]).toEqual([
      later,
      later,
      NOW,
      1,
    ]);
  });
});

describe('afterOutbound', () => {
  it('clears needsReply with repliedAt/By and the unread count', () => {
    expect(afterOutbound(state({ needsReply: true, unreadCount: 4, messageCount: 4 }), USER, NOW)).toEqual(
      state({
        needsReply: false,
        unreadCount: 0,
        messageCount: 5,
        lastMessageAt: NOW,
        firstMessageAt: NOW,
        repliedAt: NOW,
        repliedById: USER,
      }),
    );
  });
});

describe('checkInbound', () => {
  it('accepts a complete message', () => {
    expect(() => checkInbound(inbound())).not.toThrow();
  });

  it('names every problem at once', () => {
    expect(() =>
      checkInbound(
        inbound({
          platformMessageId: ' ',
          platformConversationId: 'x'.repeat(256),
          sentAt: new Date('nope'),
        }),
      ),
    ).toThrow(
      'platformMessageId must not be empty; platformConversationId must be at most 255 characters; sentAt must be a time',
    );
  });
});

describe('checkInbound attachments', () => {
  it('refuses an attachment without a content type or with an impossible size', () => {
    expect(() =>
      checkInbound(
        inbound({
          attachments: [
            { contentType: 'image/png', sizeBytes: 10 },
            { contentType: ' ', sizeBytes: -1 },
            { contentType: 'video/mp4', sizeBytes: 2 ** 31 },
          ],
        }),
      ),
    ).toThrow(
      'attachments.1.contentType must not be empty; attachments.1.sizeBytes must be a whole number 0–2147483647; attachments.2.sizeBytes must be a whole number 0–2147483647',
    );
  });
});

describe('checkReplyText', () => {
  it('trims and refuses an empty reply', () => {
    expect(checkReplyText('  hi ')).toBe('hi');
    expect(() => checkReplyText('   ')).toThrow('text');
  });
});

describe('statusChange', () => {
  it('needs a future snoozedUntil to snooze and refuses one otherwise', () => {
    const until = new Date('2026-12-01T00:00:00.000Z');
    expect(statusChange('snoozed', until, NOW)).toEqual({ status: 'snoozed', snoozedUntil: until });
    expect(() => statusChange('snoozed', null, NOW)).toThrow('snoozedUntil');
    expect(() => statusChange('snoozed', new Date('2026-11-29'), NOW)).toThrow('snoozedUntil');
    expect(() => statusChange('closed', until, NOW)).toThrow('snoozedUntil');
    expect(statusChange('pending', null, NOW)).toEqual({ status: 'pending', snoozedUntil: null });
  });
});
