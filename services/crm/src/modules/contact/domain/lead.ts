/**
 * Leads from conversations (spec 001's LEAD, UNIFICATION.md: a captured lead is a Contact in the Lead
 * state): what a conversation's participant becomes in crm, and how its messages land on the contact's
 * timeline. No Prisma, GraphQL or Kafka here: infra/lead-capture.ts stores what these decide.
 */
import { createEvent, type CloudEvent, type EventData } from '@platform/events/catalog';
import type { CreateInteractionInput } from '../../interaction/domain/interaction';
export { SYSTEM_RECORDER_ID } from '../../interaction/domain/interaction';
import {
  EVENT_SOURCE,
  LifecycleStage,
  LeadStatus,
  RelationshipState,
  type Contact,
  type NewContactInput,
} from './contact';
import { normalizeEmail, normalizePhone } from './contact-details';

/** The customer channels conversations runs on (its events' `platform`). */
export type LeadPlatform = EventData<'conversations.lead.message.v1'>['platform'];
export type LeadMatch = NonNullable<EventData<'crm.contact.lead_linked.v1'>['matchedBy']>;

/** A conversation's participant as the platform told conversations (opened from the sealed event). */
export interface LeadParticipant {
  platformUserId: string;
  displayName: string | null;
  handle: string | null;
  email: string | null;
  phone: string | null;
}

/** The participant's email and phone as crm stores and looks them up; null when not a valid one. */
export function leadIdentifiers(participant: LeadParticipant): {
  email: string | null;
  phone: string | null;
} {
  return {
    email: participant.email ? normalizeEmail(participant.email) : null,
    phone: participant.phone ? normalizePhone(participant.phone) : null,
  };
}

/** At most 255 characters (a contact's name limit), trimmed; null when empty. */
const name = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim().slice(0, 255).trim();
  return trimmed ? trimmed : null;
};

/**
 * The contact a new participant becomes: a Lead (lifecycle stage lead, lead status new), named by the
 * platform's display name (first word the given name, the rest the family name), else the handle, the
 * email, the phone or "<platform> user"; its source the channel. No owner: nobody in the organization
 * created it.
 */
export function leadContactInput(
  participant: LeadParticipant,
  platform: LeadPlatform,
  details: { conversationId: string; channelAccountId: string | null },
): NewContactInput {
  const { email, phone } = leadIdentifiers(participant);
  const display = name(participant.displayName);
  const [first, ...rest] = display ? display.split(/\s+/) : [];
  const givenName =
    name(first) ??
    name(participant.handle) ??
    email ??
    phone ??
    `${platform.slice(0, 1).toUpperCase()}${platform.slice(1)} user`;
  return {
    givenName,
    familyName: name(rest.join(' ')),
    email,
    phone,
    source: platform,
    sourceDetails: {
      conversationId: details.conversationId,
      ...(details.channelAccountId ? { channelAccountId: details.channelAccountId } : {}),
    },
    relationshipState: RelationshipState.Lead,
    lifecycleStage: LifecycleStage.lead,
    leadStatus: LeadStatus.new,
  };
}

/** The interaction type and channel of a message on each platform. */
const INTERACTION_KINDS: Record<LeadPlatform, Pick<Required<CreateInteractionInput>, 'type' | 'channel'>> = {
  facebook: { type: 'Social', channel: 'Social' },
  instagram: { type: 'Social', channel: 'Social' },
  twitter: { type: 'Social', channel: 'Social' },
  linkedin: { type: 'Social', channel: 'Social' },
  whatsapp: { type: 'Chat', channel: 'WhatsApp' },
  email: { type: 'Email', channel: 'Email' },
  gmail: { type: 'Email', channel: 'Email' },
  sms: { type: 'Sms', channel: 'SMS' },
  slack: { type: 'Chat', channel: 'Other' },
  chat: { type: 'Chat', channel: 'Web' },
};

/** A message of the conversation as an entry of the contact's timeline (completed, when it was sent). */
export function leadInteractionInput(
  contactId: string,
  message: {
    messageId: string;
    conversationId: string;
    channelAccountId: string | null;
    platform: LeadPlatform;
    direction: 'inbound' | 'outbound';
    text: string;
    subject: string | null;
    sentAt: Date;
  },
): CreateInteractionInput {
  return {
    contactId,
    ...INTERACTION_KINDS[message.platform],
    direction: message.direction === 'inbound' ? 'Inbound' : 'Outbound',
    status: 'Completed',
    subject: message.subject?.trim().slice(0, 1_000) || null,
    content: message.text.trim() ? message.text : null,
    occurredAt: message.sentAt,
    channelData: {
      platform: message.platform,
      conversationId: message.conversationId,
      messageId: message.messageId,
      ...(message.channelAccountId ? { channelAccountId: message.channelAccountId } : {}),
    },
  };
}

export type ContactLeadLinked = CloudEvent<
  'crm.contact.lead_linked.v1',
  EventData<'crm.contact.lead_linked.v1'>
>;

/** crm.contact.lead_linked.v1: ids and enums, the clean event external CRM connectors follow. */
export function contactLeadLinked(
  contact: Pick<Contact, 'id' | 'organizationId' | 'relationshipState'>,
  link: { conversationId: string; platform: LeadPlatform; matchedBy: LeadMatch | null },
  now: Date,
): ContactLeadLinked {
  return createEvent('crm.contact.lead_linked.v1', {
    source: EVENT_SOURCE,
    subject: contact.id,
    tenantId: contact.organizationId,
    time: now,
    data: {
      contactId: contact.id,
      organizationId: contact.organizationId,
      conversationId: link.conversationId,
      platform: link.platform,
      outcome: link.matchedBy ? 'matched' : 'created',
      matchedBy: link.matchedBy,
      relationshipState: contact.relationshipState,
      linkedAt: now.toISOString(),
    },
  });
}
