import { orderByKeys, pagesByParent, type TenantDatabase } from '@platform/service-kit';
import type { CatalogEvent } from '@platform/events/catalog';
import type { Prisma } from '../../../generated/prisma/client';
import type {
  ConsentHistoryEntry,
  ConsentPurpose,
  ConsentSource,
  ConsentStatus,
  ContactConsent,
  SourceDetails,
} from '../domain/consent';
import type {
  ConsentRepository,
  ConsentWrites,
  ContactConsentState,
  Decided,
} from '../domain/consent-repository';
import type { ContactPreferences } from '../domain/preferences';

type Transaction = Prisma.TransactionClient;
type ConsentRow = Prisma.ContactConsentGetPayload<object>;
type PreferencesRow = Prisma.ContactPreferencesGetPayload<object>;

/** Source details as stored (a flat JSON object the domain checked); anything else is dropped. */
function toSourceDetails(value: Prisma.JsonValue): SourceDetails {
  const details: SourceDetails = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return details;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean')
      details[key] = item;
  }
  return details;
}

const toConsent = (row: ConsentRow): ContactConsent => ({
  organizationId: row.organizationId,
  contactId: row.contactId,
  purpose: row.purpose,
  status: row.status,
  source: row.source,
  sourceDetails: toSourceDetails(row.sourceDetails),
  capturedAt: row.capturedAt,
  policyVersion: row.policyVersion,
  ipHash: row.ipHash,
  recordedBy: row.recordedBy,
  updatedAt: row.updatedAt,
});

const toPreferences = (row: PreferencesRow): ContactPreferences => ({
  organizationId: row.organizationId,
  contactId: row.contactId,
  blockedChannels: row.blockedChannels,
  preferredChannel: row.preferredChannel,
  language: row.language,
  communicationHours:
    row.hoursStartMinute === null || row.hoursEndMinute === null
      ? null
      : { startMinute: row.hoursStartMinute, endMinute: row.hoursEndMinute, days: row.hoursDays },
  marketingFrequencyCap:
    row.frequencyCapMessages === null || row.frequencyCapPeriod === null
      ? null
      : { maxMessages: row.frequencyCapMessages, period: row.frequencyCapPeriod },
  doNotContact: row.doNotContact,
  updatedBy: row.updatedBy,
  updatedAt: row.updatedAt,
});

/** A history row as PostgreSQL names its columns (what `pagesByParent` returns). */
interface HistoryColumns extends Record<string, unknown> {
  id: string;
  organization_id: string;
  contact_id: string;
  purpose: ConsentPurpose;
  from_status: ConsentStatus | null;
  to_status: ConsentStatus;
  source: ConsentSource;
  source_details: Prisma.JsonValue;
  captured_at: Date;
  policy_version: string | null;
  ip_hash: string | null;
  changed_by: string | null;
  created_at: Date;
}

const fromHistoryColumns = (row: HistoryColumns): ConsentHistoryEntry => ({
  id: row.id,
  organizationId: row.organization_id,
  contactId: row.contact_id,
  purpose: row.purpose,
  from: row.from_status,
  to: row.to_status,
  source: row.source,
  sourceDetails: toSourceDetails(row.source_details),
  capturedAt: row.captured_at,
  policyVersion: row.policy_version,
  ipHash: row.ip_hash,
  changedBy: row.changed_by,
  createdAt: row.created_at,
});

function preferencesData(preferences: ContactPreferences) {
  const hours = preferences.communicationHours;
  const cap = preferences.marketingFrequencyCap;
  return {
    blockedChannels: preferences.blockedChannels,
    preferredChannel: preferences.preferredChannel,
    language: preferences.language,
    hoursStartMinute: hours?.startMinute ?? null,
    hoursEndMinute: hours?.endMinute ?? null,
    hoursDays: hours?.days ?? [],
    frequencyCapMessages: cap?.maxMessages ?? null,
    frequencyCapPeriod: cap?.period ?? null,
    doNotContact: preferences.doNotContact,
    updatedBy: preferences.updatedBy,
    updatedAt: preferences.updatedAt ?? new Date(),
  };
}

/**
 * Takes the contact's consent lock until the transaction ends: writes of one contact's consents and
 * preferences take turns, each deciding from what the previous one committed. Contact rows are not
 * locked, so editing the contact itself never waits for its consents.
 */
async function lockContact(tx: Transaction, organizationId: string, contactId: string): Promise<void> {
  const name = `crm.contact-consent|${organizationId}|${contactId}`;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${name}, 0))`;
}

async function store(tx: Transaction, writes: ConsentWrites): Promise<void> {
  for (const consent of writes.consents) {
    const data = {
      status: consent.status,
      source: consent.source,
      sourceDetails: consent.sourceDetails,
      capturedAt: consent.capturedAt,
      policyVersion: consent.policyVersion,
      ipHash: consent.ipHash,
      recordedBy: consent.recordedBy,
      updatedAt: consent.updatedAt,
    };
    await tx.contactConsent.upsert({
      where: {
        organizationId_contactId_purpose: {
          organizationId: consent.organizationId,
          contactId: consent.contactId,
          purpose: consent.purpose,
        },
      },
      create: {
        ...data,
        organizationId: consent.organizationId,
        contactId: consent.contactId,
        purpose: consent.purpose,
        createdAt: consent.updatedAt,
      },
      update: data,
    });
  }
  if (writes.history.length > 0) {
    await tx.contactConsentHistory.createMany({
      data: writes.history.map((entry) => ({
        id: entry.id,
        organizationId: entry.organizationId,
        contactId: entry.contactId,
        purpose: entry.purpose,
        fromStatus: entry.from,
        toStatus: entry.to,
        source: entry.source,
        sourceDetails: entry.sourceDetails,
        capturedAt: entry.capturedAt,
        policyVersion: entry.policyVersion,
        ipHash: entry.ipHash,
        changedBy: entry.changedBy,
        createdAt: entry.createdAt,
      })),
    });
  }
  const preferences = writes.preferences;
  if (preferences) {
    const data = preferencesData(preferences);
    await tx.contactPreferences.upsert({
      where: { contactId: preferences.contactId },
      create: { ...data, contactId: preferences.contactId, organizationId: preferences.organizationId },
      update: data,
    });
  }
}

/**
 * Consents, their history and preferences over Prisma. Every call runs in the organization's tenant
 * transaction (row-level security backs up the explicit organization filter).
 */
/**
 * Keeps the contact's `status` in step with its consents (spec 000's `unsubscribed` status): a change
 * that leaves it no marketing channel by its own refusal makes an active contact unsubscribed, one that
 * gives it a channel back makes an unsubscribed contact active again. An inactive contact stays
 * inactive. The contact's version moves, so an editor holding the old one gets CONFLICT.
 */
async function keepContactStatus(
  tx: Prisma.TransactionClient,
  organizationId: string,
  contactId: string,
  events: readonly CatalogEvent[],
): Promise<void> {
  let unsubscribed: boolean | null = null;
  for (const event of events) {
    if (event.type === 'crm.contact.unsubscribed.v1' || event.type === 'crm.contact.resubscribed.v1') {
      unsubscribed = event.data.unsubscribed;
    }
  }
  if (unsubscribed === null) return;
  const [from, to] = unsubscribed ? ['active', 'unsubscribed'] : ['unsubscribed', 'active'];
  await tx.$executeRaw`UPDATE contacts SET status = ${to}::"ContactStatus", version = version + 1, updated_at = now()
    WHERE id = ${contactId}::uuid AND organization_id = ${organizationId}::uuid AND status = ${from}::"ContactStatus"`;
}

export function consentRepository(db: TenantDatabase<Transaction>): ConsentRepository {
  return {
    change<T>(
      organizationId: string,
      contactId: string,
      decide: (state: ContactConsentState) => Decided<T>,
    ): Promise<{ value: T } | null> {
      return db.writeDecided(
        organizationId,
        async (tx): Promise<{ value: { value: T } | null; events: readonly CatalogEvent[] }> => {
          await lockContact(tx, organizationId, contactId);
          const live = await tx.contact.count({ where: { id: contactId, organizationId, deletedAt: null } });
          if (live === 0) return { value: null, events: [] };
          const [consents, preferences] = await Promise.all([
            tx.contactConsent.findMany({ where: { organizationId, contactId } }),
            tx.contactPreferences.findFirst({ where: { organizationId, contactId } }),
          ]);
          const decided = decide({
            consents: consents.map(toConsent),
            preferences: preferences ? toPreferences(preferences) : null,
          });
          await store(tx, decided.writes);
          await keepContactStatus(tx, organizationId, contactId, decided.events);
          return { value: { value: decided.value }, events: decided.events };
        },
      );
    },

    async consentsOf(organizationId, contactIds) {
      const rows = await db.read(organizationId, (tx) =>
        tx.contactConsent.findMany({ where: { organizationId, contactId: { in: [...contactIds] } } }),
      );
      const byContact = new Map<string, ContactConsent[]>();
      for (const row of rows) {
        const list = byContact.get(row.contactId) ?? [];
        list.push(toConsent(row));
        byContact.set(row.contactId, list);
      }
      return contactIds.map((id) => byContact.get(id) ?? []);
    },

    async preferencesOf(organizationId, contactIds) {
      const rows = await db.read(organizationId, (tx) =>
        tx.contactPreferences.findMany({ where: { organizationId, contactId: { in: [...contactIds] } } }),
      );
      return orderByKeys(contactIds, rows.map(toPreferences), (preferences) => preferences.contactId);
    },

    historyOf: (organizationId, contactIds, request) =>
      db.read(organizationId, async (tx) => {
        const pages = await pagesByParent<HistoryColumns>(tx, {
          table: 'contact_consent_history',
          parentColumn: 'contact_id',
          organizationId,
          parentIds: contactIds,
          request,
        });
        return pages.map(({ rows, totalCount }) => ({ rows: rows.map(fromHistoryColumns), totalCount }));
      }),
  };
}
