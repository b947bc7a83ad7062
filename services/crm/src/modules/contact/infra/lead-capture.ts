/**
 * Leads from conversations, stored in the leads consumer's tenant transaction: the participant of a
 * conversation matched to a contact (blind indexes of email, then phone, then the participant's channel
 * identity) or created as a Lead, each message recorded once on the contact's timeline, and the AI
 * pipeline's hot/warm/cold score put on the contact. The contact and interaction repositories are the
 * ones the graph uses, bound to the consumer's transaction, so creation checks (the plan's contact
 * limit, custom fields, identifier uniqueness) and events are exactly a user's.
 */
import { randomUUID } from 'node:crypto';
import { DomainError, InputIssues } from '@platform/domain';
import { appendToOutbox, eventCatalog, type CatalogEvent } from '@platform/events';
import {
  LEAD_TRANSIT_LOCATION,
  leadTransitPayload,
  type EventData,
  type LeadTransitPayload,
} from '@platform/events/catalog';
import type { FieldCipher, Logger, TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import { draftInteraction, recordInteraction } from '../../interaction/domain/interaction';
import { interactionRepository } from '../../interaction/infra/interaction-repository';
import { createContact, type Contact } from '../domain/contact';
import {
  contactLeadLinked,
  leadContactInput,
  leadIdentifiers,
  leadInteractionInput,
  SYSTEM_RECORDER_ID,
  type LeadMatch,
  type LeadParticipant,
  type LeadPlatform,
} from '../domain/lead';
import { contactRepository } from './contact-repository';

type Tx = Prisma.TransactionClient;
type LeadMessage = EventData<'conversations.lead.message.v1'>;
type LeadScored = EventData<'conversations.lead.scored.v1'>;

/**
 * The tenant database seen from inside one transaction (the consumer's): every read and write runs in
 * `tx`, and a write's events are appended there (their audit entries join them when the consumer's
 * transaction ends). So the repositories' rules apply inside the handler's all-or-nothing unit.
 */
export function inTransaction(tx: Tx): TenantDatabase<Tx> {
  return {
    read: (_organizationId, work) => work(tx),
    write: async (_organizationId, events, work) => {
      const value = await work(tx);
      if (events.length > 0) await appendToOutbox(tx, [...events]);
      return value;
    },
    writeDecided: async (_organizationId, work) => {
      const { value, events } = await work(tx);
      if (events.length > 0) await appendToOutbox(tx, [...events]);
      return value;
    },
    transaction: (_organizationId, work) => work(tx),
  };
}

/** The participant and message of a lead event; throws when the seal does not open here. */
export function openLeadPayload(
  transit: FieldCipher,
  organizationId: string,
  eventId: string,
  sealed: string,
): LeadTransitPayload {
  const plain = transit.decrypt(sealed, { organizationId, ...LEAD_TRANSIT_LOCATION, rowId: eventId });
  return leadTransitPayload.parse(JSON.parse(plain));
}

/** What became of a lead message (the consumer logs it; `parked` rows wait in parked_lead_events). */
export type LeadOutcome =
  | { outcome: 'created' | 'matched'; contactId: string; interactionId: string | null }
  | { outcome: 'parked'; reason: 'plan_limit_reached' | 'invalid_contact' };

/** The channel identity's blind index: the platform's user id, per organization and platform. */
const channelIdentityIndex = (cipher: FieldCipher, organizationId: string, platform: string, id: string) =>
  cipher.blindIndex(organizationId, `contact.channel.${platform}`, id.trim());

/**
 * One message of a customer conversation: the conversation's contact (linked before, else matched,
 * else created as a Lead), then the message on its timeline (once per message id). The conversation's
 * row is locked first, so its messages apply one at a time. A contact that cannot be created (the
 * plan's contact limit; a custom field the organization requires) parks the event instead: kept in
 * parked_lead_events, nothing else written, the consumer moves on.
 */
export async function recordLeadMessage(
  tx: Tx,
  cipher: FieldCipher,
  event: { id: string; data: LeadMessage; payload: LeadTransitPayload },
  now: Date = new Date(),
): Promise<LeadOutcome> {
  const { data, payload } = event;
  const organizationId = data.organizationId;
  const db = inTransaction(tx);
  const contacts = contactRepository(db, cipher);
  await tx.leadConversation.createMany({
    data: [{ organizationId, conversationId: data.conversationId, platform: data.platform }],
    skipDuplicates: true,
  });
  await tx.$queryRaw`SELECT conversation_id FROM lead_conversations
    WHERE organization_id = ${organizationId}::uuid AND conversation_id = ${data.conversationId}::uuid FOR UPDATE`;
  const link = await tx.leadConversation.findUniqueOrThrow({
    where: { organizationId_conversationId: { organizationId, conversationId: data.conversationId } },
  });

  let contact = link.contactId
    ? await contacts.find(organizationId, link.contactId, { withDeleted: false })
    : null;
  let created = false;
  if (!contact) {
    const found = await matchParticipant(tx, cipher, contacts, data, payload.participant);
    let matchedBy: LeadMatch | null = found?.matchedBy ?? null;
    contact = found?.contact ?? null;
    if (!contact) {
      const made = await createLead(contacts, data, payload.participant, now);
      if ('reason' in made) {
        await tx.parkedLeadEvent.createMany({
          data: [
            {
              eventId: event.id,
              organizationId,
              conversationId: data.conversationId,
              reason: made.reason,
              data,
            },
          ],
          skipDuplicates: true,
        });
        return { outcome: 'parked', reason: made.reason };
      }
      contact = made.contact;
      created = true;
      matchedBy = null;
    }
    await linkConversation(tx, contact, { data, matchedBy, pending: link }, now);
  }
  await claimChannelIdentity(tx, cipher, contact, data.platform, payload.participant.platformUserId);
  const interactionId = await recordMessage(tx, cipher, contact, data, payload, now);
  return { outcome: created ? 'created' : 'matched', contactId: contact.id, interactionId };
}

/** The organization's live contact of this participant: by email, then phone, then channel identity. */
async function matchParticipant(
  tx: Tx,
  cipher: FieldCipher,
  contacts: ReturnType<typeof contactRepository>,
  data: LeadMessage,
  participant: LeadParticipant,
): Promise<{ contact: Contact; matchedBy: LeadMatch } | null> {
  const organizationId = data.organizationId;
  // The conversation's contact as conversations knows it (linked before crm lost or never had the row).
  if (data.contactId) {
    const known = await contacts.find(organizationId, data.contactId, { withDeleted: false });
    if (known) return { contact: known, matchedBy: 'conversation' };
  }
  const { email, phone } = leadIdentifiers(participant);
  if (email) {
    const byEmail = await contacts.byIdentifier(organizationId, 'email', email);
    if (byEmail) return { contact: byEmail, matchedBy: 'email' };
  }
  if (phone) {
    const byPhone = await contacts.byIdentifier(organizationId, 'phone', phone);
    if (byPhone) return { contact: byPhone, matchedBy: 'phone' };
  }
  const identity = await tx.contactChannelIdentity.findUnique({
    where: {
      organizationId_platform_blindIndex: {
        organizationId,
        platform: data.platform,
        blindIndex: channelIdentityIndex(cipher, organizationId, data.platform, participant.platformUserId),
      },
    },
  });
  const byIdentity = identity
    ? await contacts.find(organizationId, identity.contactId, { withDeleted: false })
    : null;
  return byIdentity ? { contact: byIdentity, matchedBy: 'channel_identity' } : null;
}

/** A new Lead, through the contact repository's create (plan limit, custom fields, events). */
async function createLead(
  contacts: ReturnType<typeof contactRepository>,
  data: LeadMessage,
  participant: LeadParticipant,
  now: Date,
): Promise<{ contact: Contact } | { reason: 'plan_limit_reached' | 'invalid_contact' }> {
  try {
    const { contact, events } = createContact(
      { id: randomUUID(), organizationId: data.organizationId, defaultOwnerId: null, createdById: null },
      leadContactInput(participant, data.platform, {
        conversationId: data.conversationId,
        channelAccountId: data.channelAccountId,
      }),
      now,
    );
    return { contact: await contacts.create(contact, events) };
  } catch (error) {
    // Both are decided before anything is written: the transaction is still usable for the parking.
    if (error instanceof DomainError && error.code === 'PLAN_LIMIT_REACHED')
      return { reason: 'plan_limit_reached' };
    if (error instanceof DomainError && error.code === 'BAD_USER_INPUT') return { reason: 'invalid_contact' };
    throw error;
  }
}

/**
 * The conversation's row names its contact now; a score that came before the link is applied; the
 * link is published (crm.contact.lead_linked.v1).
 */
async function linkConversation(
  tx: Tx,
  contact: Contact,
  link: {
    data: LeadMessage;
    matchedBy: LeadMatch | null;
    pending: {
      pendingTemperature: LeadScored['score'] | null;
      pendingSignals: string[];
      pendingScoredAt: Date | null;
    };
  },
  now: Date,
): Promise<void> {
  const { data, matchedBy, pending } = link;
  await tx.leadConversation.update({
    where: {
      organizationId_conversationId: {
        organizationId: data.organizationId,
        conversationId: data.conversationId,
      },
    },
    data: {
      contactId: contact.id,
      outcome: matchedBy ? 'matched' : 'created',
      matchedBy,
      linkedAt: now,
      pendingTemperature: null,
      pendingSignals: [],
      pendingScoredAt: null,
    },
  });
  if (pending.pendingTemperature && pending.pendingScoredAt) {
    await scoreContact(tx, data.organizationId, contact.id, {
      score: pending.pendingTemperature,
      signals: pending.pendingSignals,
      scoredAt: pending.pendingScoredAt,
    });
  }
  const events: CatalogEvent[] = [
    contactLeadLinked(
      contact,
      { conversationId: data.conversationId, platform: data.platform, matchedBy },
      now,
    ),
  ];
  await appendToOutbox(tx, events);
}

/** The participant's platform id names this contact from now on (unless it already names another). */
async function claimChannelIdentity(
  tx: Tx,
  cipher: FieldCipher,
  contact: Contact,
  platform: LeadPlatform,
  platformUserId: string,
): Promise<void> {
  await tx.contactChannelIdentity.createMany({
    data: [
      {
        organizationId: contact.organizationId,
        platform,
        blindIndex: channelIdentityIndex(cipher, contact.organizationId, platform, platformUserId),
        contactId: contact.id,
      },
    ],
    skipDuplicates: true,
  });
}

/** The message as an interaction of the contact, once per message id; its id (null: recorded before). */
async function recordMessage(
  tx: Tx,
  cipher: FieldCipher,
  contact: Contact,
  data: LeadMessage,
  payload: LeadTransitPayload,
  now: Date,
): Promise<string | null> {
  const organizationId = data.organizationId;
  const recorded = await tx.leadMessageInteraction.findUnique({
    where: { organizationId_messageId: { organizationId, messageId: data.messageId } },
  });
  if (recorded) return null;
  const issues = new InputIssues();
  const draft = draftInteraction(
    {
      id: randomUUID(),
      organizationId,
      createdById:
        data.direction === 'outbound' && data.senderUserId ? data.senderUserId : SYSTEM_RECORDER_ID,
    },
    leadInteractionInput(contact.id, {
      messageId: data.messageId,
      conversationId: data.conversationId,
      channelAccountId: data.channelAccountId,
      platform: data.platform,
      direction: data.direction,
      text: payload.message.text,
      subject: payload.message.subject,
      sentAt: new Date(data.sentAt),
    }),
    null,
    now,
    issues,
  );
  issues.throwIfAny();
  const { interaction, events } = recordInteraction(draft);
  const stored = await interactionRepository(inTransaction(tx), cipher).create(interaction, events);
  await tx.leadMessageInteraction.create({
    data: { organizationId, messageId: data.messageId, interactionId: stored.id },
  });
  return stored.id;
}

/** Puts a score on the contact if it is newer than the one it has (no version bump: not a user's edit). */
async function scoreContact(
  tx: Tx,
  organizationId: string,
  contactId: string,
  score: { score: LeadScored['score']; signals: readonly string[]; scoredAt: Date },
): Promise<boolean> {
  const changed = await tx.$executeRaw`
    UPDATE contacts
    SET lead_temperature = ${score.score}::"LeadTemperature", lead_signals = ${[...score.signals]}::text[],
        lead_scored_at = ${score.scoredAt}
    WHERE organization_id = ${organizationId}::uuid AND id = ${contactId}::uuid AND deleted_at IS NULL
      AND (lead_scored_at IS NULL OR lead_scored_at < ${score.scoredAt})`;
  return changed > 0;
}

/**
 * conversations.lead.scored.v1: the score goes to the conversation's contact (the one crm linked, else
 * the event's), if newer than the contact's. Before the conversation is linked it waits on the
 * conversation's row and is applied at the link.
 */
export async function applyLeadScore(
  tx: Tx,
  data: LeadScored,
  logger?: Logger,
): Promise<'applied' | 'stale' | 'pending'> {
  const organizationId = data.organizationId;
  const scoredAt = new Date(data.scoredAt);
  const score = { score: data.score, signals: data.signals, scoredAt };
  const link = await tx.leadConversation.findUnique({
    where: { organizationId_conversationId: { organizationId, conversationId: data.conversationId } },
  });
  const contactId = link?.contactId ?? data.contactId;
  if (contactId) {
    const applied = await scoreContact(tx, organizationId, contactId, score);
    return applied ? 'applied' : 'stale';
  }
  await tx.$executeRaw`
    INSERT INTO lead_conversations (organization_id, conversation_id, platform, pending_temperature, pending_signals, pending_scored_at)
    VALUES (${organizationId}::uuid, ${data.conversationId}::uuid, ${data.platform}, ${data.score}::"LeadTemperature",
            ${[...data.signals]}::text[], ${scoredAt})
    ON CONFLICT (organization_id, conversation_id) DO UPDATE SET
      pending_temperature = excluded.pending_temperature, pending_signals = excluded.pending_signals,
      pending_scored_at = excluded.pending_scored_at
    WHERE lead_conversations.contact_id IS NULL
      AND (lead_conversations.pending_scored_at IS NULL OR lead_conversations.pending_scored_at < excluded.pending_scored_at)`;
  logger?.info({ conversationId: data.conversationId }, 'lead score waits for the conversation to be linked');
  return 'pending';
}

/**
 * The organization's parked lead messages, oldest first, recorded again (after its entitlements
 * changed): each that now becomes a contact leaves parked_lead_events; the first still refused stops
 * the replay (the limit is still reached), and the rest wait for the next change. A row whose seal no
 * longer opens (its key gone) stays, logged.
 */
export async function replayParkedLeads(
  tx: Tx,
  cipher: FieldCipher,
  transit: FieldCipher,
  organizationId: string,
  logger?: Logger,
  now: Date = new Date(),
): Promise<number> {
  const parked = await tx.parkedLeadEvent.findMany({
    where: { organizationId },
    orderBy: [{ parkedAt: 'asc' }, { eventId: 'asc' }],
    take: REPLAY_BATCH,
  });
  let replayed = 0;
  for (const row of parked) {
    let event: { id: string; data: LeadMessage; payload: LeadTransitPayload };
    try {
      const data = eventCatalog['conversations.lead.message.v1'].data.parse(row.data);
      event = {
        id: row.eventId,
        data,
        payload: openLeadPayload(transit, organizationId, row.eventId, data.sealed),
      };
    } catch (error) {
      logger?.warn({ eventId: row.eventId, error: String(error) }, 'parked lead does not open; left parked');
      continue;
    }
    const result = await recordLeadMessage(tx, cipher, event, now);
    if (result.outcome === 'parked') break;
    await tx.parkedLeadEvent.delete({ where: { eventId: row.eventId } });
    replayed += 1;
  }
  return replayed;
}

/** Parked messages replayed per entitlements change (the rest wait for the next one). */
const REPLAY_BATCH = 500;
