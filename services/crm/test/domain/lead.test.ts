import { randomUUID } from 'node:crypto';
import { createContact } from '../../src/modules/contact/domain/contact';
import {
  contactLeadLinked,
  leadContactInput,
  type LeadParticipant,
  leadInteractionInput,
} from '../../src/modules/contact/domain/lead';

const details = { conversationId: randomUUID(), channelAccountId: null };
const participant = (fields: Partial<LeadParticipant> = {}): LeadParticipant => ({
  platformUserId: 'user-1',
  displayName: null,
  handle: null,
  email: null,
  phone: null,
  ...fields,
});

describe('a conversation participant as a lead', () => {
  it('is a Lead named from the display name, its source the channel, with the email and phone it gave', () => {
    const input = leadContactInput(
      participant({
        displayName: '  Ada  King Lovelace ',
        email: ' Ada@Example.COM ',
        phone: '+1 (416) 555-0100',
      }),
      'email',
      details,
    );
    expect(input).toMatchObject({
      givenName: 'Ada',
      familyName: 'King Lovelace',
      email: 'ada@example.com',
      phone: '+14165550100',
      source: 'email',
      sourceDetails: { conversationId: details.conversationId },
      relationshipState: 'Lead',
      lifecycleStage: 'lead',
      leadStatus: 'new',
    });
    // What createContact accepts as it is (no owner: nobody in the organization made it).
    const { contact } = createContact(
      { id: randomUUID(), organizationId: randomUUID(), defaultOwnerId: null },
      input,
      new Date(),
    );
    expect(contact).toMatchObject({
      relationshipState: 'Lead',
      ownerId: null,
      leadTemperature: null,
      leadSignals: [],
    });
  });

  it('falls back to the handle, the email, the phone, then the platform for a name; drops what is not an email or phone', () => {
    expect(leadContactInput(participant({ handle: '@linus' }), 'twitter', details).givenName).toBe('@linus');
    expect(leadContactInput(participant({ email: 'x@example.com' }), 'email', details).givenName).toBe(
      'x@example.com',
    );
    expect(leadContactInput(participant({ phone: '+33612345678' }), 'sms', details).givenName).toBe(
      '+33612345678',
    );
    const unnamed = leadContactInput(
      participant({ email: 'not an email', phone: '12' }),
      'whatsapp',
      details,
    );
    expect(unnamed).toMatchObject({ givenName: 'Whatsapp user', email: null, phone: null });
  });

  it('records a message as the platform’s kind of interaction', () => {
    const message = {
      messageId: randomUUID(),
      conversationId: details.conversationId,
      channelAccountId: null,
      text: 'Hello',
      subject: null,
      sentAt: new Date('2026-11-30T10:00:00Z'),
    };
    const contactId = randomUUID();
    expect(
      leadInteractionInput(contactId, { ...message, platform: 'gmail', direction: 'inbound' }),
    ).toMatchObject({
      contactId,
      type: 'Email',
      channel: 'Email',
      direction: 'Inbound',
      status: 'Completed',
      content: 'Hello',
      occurredAt: message.sentAt,
    });
    expect(
      leadInteractionInput(contactId, { ...message, platform: 'whatsapp', direction: 'outbound' }),
    ).toMatchObject({ type: 'Chat', channel: 'WhatsApp', direction: 'Outbound' });
    expect(
      leadInteractionInput(contactId, { ...message, platform: 'instagram', direction: 'inbound' }),
    ).toMatchObject({ type: 'Social', channel: 'Social' });
    // An attachment-only message has no content.
    expect(
      leadInteractionInput(contactId, { ...message, text: '  ', platform: 'sms', direction: 'inbound' })
        .content,
    ).toBeNull();
  });

  it('links with crm.contact.lead_linked.v1: created when no match, matched with how', () => {
    const contact = { id: randomUUID(), organizationId: randomUUID(), relationshipState: 'Lead' as const };
    const created = contactLeadLinked(
      contact,
      { ...details, platform: 'email', matchedBy: null },
      new Date(),
    );
    expect(created).toMatchObject({
      type: 'crm.contact.lead_linked.v1',
      subject: contact.id,
      data: { outcome: 'created', matchedBy: null, conversationId: details.conversationId },
    });
    expect(
      contactLeadLinked(contact, { ...details, platform: 'email', matchedBy: 'phone' }, new Date()).data,
    ).toMatchObject({ outcome: 'matched', matchedBy: 'phone' });
  });
});
