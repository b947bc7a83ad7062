import { DomainError } from '@platform/domain';
import { startConversation } from '../../src/modules/conversation/domain/conversation';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const CONVERSATION = '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const CONTACT = '7f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190';
const NOW = new Date('2026-11-29T09:30:00.000Z');

const start = (input: Parameters<typeof startConversation>[1]) =>
  startConversation({ id: CONVERSATION, organizationId: ORGANIZATION }, input, NOW);

describe('startConversation', () => {
  it('opens an open, empty conversation with a trimmed subject', () => {
    expect(
      start({ platform: 'email', contactId: CONTACT, subject: '  Viewing on Friday ' }).conversation,
    ).toEqual({
      id: CONVERSATION,
      organizationId: ORGANIZATION,
      contactId: CONTACT,
      platform: 'email',
      status: 'open',
      subject: 'Viewing on Friday',
      needsReply: false,
      messageCount: 0,
      lastMessageAt: null,
      createdAt: NOW,
      updatedAt: NOW,
      channelAccountId: null,
      platformConversationId: null,
      participantPlatformUserId: null,
      participantDisplayName: null,
      assigneeId: null,
      snoozedUntil: null,
      repliedAt: null,
      repliedById: null,
      lastInboundAt: null,
      firstMessageAt: null,
      unreadCount: 0,
    });
  });

  it('implies conversations.conversation.started.v1, without the subject', () => {
    const { events } = start({ platform: 'sms', contactId: CONTACT, subject: 'Call Ada Lovelace back' });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'conversations.conversation.started.v1',
        source: '/services/conversations',
        subject: CONVERSATION,
        tenantid: ORGANIZATION,
        time: NOW.toISOString(),
        data: {
          conversationId: CONVERSATION,
          organizationId: ORGANIZATION,
          contactId: CONTACT,
          platform: 'sms',
          status: 'open',
          createdAt: NOW.toISOString(),
        },
      }),
    ]);
    expect(JSON.stringify(events)).not.toContain('Lovelace');
  });

  it('keeps a blank subject and a missing contact as null', () => {
    const { conversation, events } = start({ platform: 'chat', subject: '   ' });
    expect(conversation).toMatchObject({ subject: null, contactId: null });
    expect(events[0].data.contactId).toBeNull();
  });

  it('refuses a subject over 500 characters as BAD_USER_INPUT on `subject`, implying no event', () => {
    let error: unknown;
    try {
      start({ platform: 'email', subject: 'x'.repeat(501) });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { issues: [{ path: 'subject', message: 'must be at most 500 characters', code: 'invalid' }] },
    });
  });
});
