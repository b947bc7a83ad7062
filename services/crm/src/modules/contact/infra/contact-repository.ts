import {
  afterCursorWhere,
  conflict,
  asColumns,
  insertRows,
  isUniqueViolation,
  listPage,
  orderByKeys,
  pagesByParent,
  uuidsOnly,
  type FieldCipher,
  type TenantDatabase,
} from '@platform/service-kit';
import { mapListPage } from '@platform/domain';
import type { Prisma } from '../../../generated/prisma/client';
import { checkCustomFields, checkCustomFieldsOfMany } from '../../custom-field/infra/custom-field-values';
import { enforcePlanLimit } from '../../custom-field/infra/entitlements';
import { ensureLiveCompany } from '../../company/infra/company-references';
import { contactListSpec } from './contact-list';
import type { Contact } from '../domain/contact';
import type { ContactRepository } from '../domain/contact-repository';
import {
  blindIndexOf,
  identifiersOf,
  nameSortKey,
  openContact,
  sealContact,
  searchTokensOf,
  type IdentifierKind,
} from './contact-pii';

type ContactRow = Prisma.ContactGetPayload<object>;

const jsonObject = (value: Prisma.JsonValue): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};

const stringValues = (value: Prisma.JsonValue): Record<string, string> =>
  Object.fromEntries(
    Object.entries(jsonObject(value)).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );

function toContact(cipher: FieldCipher, row: ContactRow): Contact {
  return {
    id: row.id,
    organizationId: row.organizationId,
    ownerId: row.ownerId,
    ...openContact(cipher, row),
    prefix: row.prefix,
    suffix: row.suffix,
    gender: row.gender,
    avatarUrl: row.avatarUrl,
    bio: row.bio,
    source: row.source,
    sourceDetails: jsonObject(row.sourceDetails),
    privacyLevel: row.privacyLevel,
    metadata: jsonObject(row.metadata),
    externalIds: stringValues(row.externalIds),
    assignedUserId: row.assignedUserId,
    companyId: row.companyId,
    leadScore: row.leadScore,
    leadScoreValue: row.leadScoreValue,
    relationshipState: row.relationshipState,
    lifecycleStage: row.lifecycleStage,
    leadStatus: row.leadStatus,
    status: row.status,
    organizationRole: row.organizationRole,
    locale: row.locale,
    timezone: row.timezone,
    nextFollowUpAt: row.nextFollowUpAt,
    lastInteractionAt: row.lastInteractionAt,
    leadTemperature: row.leadTemperature,
    leadSignals: row.leadSignals,
    leadScoredAt: row.leadScoredAt,
    tags: row.tags,
    customFields: jsonObject(row.customFields),
    version: row.version,
    createdById: row.createdById,
    updatedById: row.updatedById,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    deletedAt: row.deletedAt,
  };
}

/** A contact row as PostgreSQL names its columns (what `pagesByParent` and `listPage` return). */
interface ContactColumns extends Record<string, unknown> {
  id: string;
  organization_id: string;
  owner_id: string | null;
  given_name: string;
  family_name: string | null;
  middle_name: string | null;
  email: string | null;
  phone: string | null;
  emails: string | null;
  phones: string | null;
  addresses: string | null;
  date_of_birth: string | null;
  pii_key_id: string;
  name_sort_key: string;
  prefix: string | null;
  suffix: string | null;
  gender: string | null;
  avatar_url: string | null;
  bio: string | null;
  source: string | null;
  source_details: ContactRow['sourceDetails'];
  privacy_level: ContactRow['privacyLevel'];
  metadata: ContactRow['metadata'];
  external_ids: ContactRow['externalIds'];
  assigned_user_id: string | null;
  company_id: string | null;
  lead_score: ContactRow['leadScore'];
  lead_score_value: number | null;
  relationship_state: ContactRow['relationshipState'];
  lifecycle_stage: ContactRow['lifecycleStage'];
  lead_status: ContactRow['leadStatus'];
  status: ContactRow['status'];
  organization_role: ContactRow['organizationRole'];
  locale: string | null;
  timezone: string | null;
  next_follow_up_at: Date | null;
  last_interaction_at: Date | null;
  lead_temperature: ContactRow['leadTemperature'];
  lead_signals: string[];
  lead_scored_at: Date | null;
  tags: string[];
  custom_fields: ContactRow['customFields'];
  version: number;
  created_by_id: string | null;
  updated_by_id: string | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

const fromColumns = (cipher: FieldCipher, row: ContactColumns): Contact =>
  toContact(cipher, {
    id: row.id,
    organizationId: row.organization_id,
    ownerId: row.owner_id,
    givenName: row.given_name,
    familyName: row.family_name,
    middleName: row.middle_name,
    email: row.email,
    phone: row.phone,
    emails: row.emails,
    phones: row.phones,
    addresses: row.addresses,
    dateOfBirth: row.date_of_birth,
    piiKeyId: row.pii_key_id,
    nameSortKey: row.name_sort_key,
    prefix: row.prefix,
    suffix: row.suffix,
    gender: row.gender,
    avatarUrl: row.avatar_url,
    bio: row.bio,
    source: row.source,
    sourceDetails: row.source_details,
    privacyLevel: row.privacy_level,
    metadata: row.metadata,
    externalIds: row.external_ids,
    assignedUserId: row.assigned_user_id,
    companyId: row.company_id,
    leadScore: row.lead_score,
    leadScoreValue: row.lead_score_value,
    relationshipState: row.relationship_state,
    lifecycleStage: row.lifecycle_stage,
    leadStatus: row.lead_status,
    status: row.status,
    organizationRole: row.organization_role,
    locale: row.locale,
    timezone: row.timezone,
    nextFollowUpAt: row.next_follow_up_at,
    lastInteractionAt: row.last_interaction_at,
    leadTemperature: row.lead_temperature,
    leadSignals: row.lead_signals,
    leadScoredAt: row.lead_scored_at,
    tags: row.tags,
    customFields: row.custom_fields,
    version: row.version,
    createdById: row.created_by_id,
    updatedById: row.updated_by_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  });

/** The stored form of a contact (its personal fields sealed, its names' sort key in clear). */
const columnsOf = (cipher: FieldCipher, contact: Contact) => ({
  ownerId: contact.ownerId,
  ...sealContact(cipher, contact),
  nameSortKey: nameSortKey(contact),
  prefix: contact.prefix,
  suffix: contact.suffix,
  gender: contact.gender,
  avatarUrl: contact.avatarUrl,
  bio: contact.bio,
  source: contact.source,
  sourceDetails: contact.sourceDetails as Prisma.InputJsonObject,
  privacyLevel: contact.privacyLevel,
  metadata: contact.metadata as Prisma.InputJsonObject,
  externalIds: contact.externalIds,
  assignedUserId: contact.assignedUserId,
  companyId: contact.companyId,
  leadScore: contact.leadScore,
  leadScoreValue: contact.leadScoreValue,
  relationshipState: contact.relationshipState,
  lifecycleStage: contact.lifecycleStage,
  leadStatus: contact.leadStatus,
  status: contact.status,
  organizationRole: contact.organizationRole,
  locale: contact.locale,
  timezone: contact.timezone,
  nextFollowUpAt: contact.nextFollowUpAt,
  tags: contact.tags,
  customFields: contact.customFields as Prisma.InputJsonObject,
  version: contact.version,
  createdById: contact.createdById,
  updatedById: contact.updatedById,
  updatedAt: contact.updatedAt,
  deletedAt: contact.deletedAt,
});

/**
 * The plan's contact limit (Free 100, Basic 1,000, Pro 10,000 live contacts; from billing's events),
 * checked under the organization's lock inside the transaction that adds `adding` contacts.
 */
const enforceContactLimit = (tx: Prisma.TransactionClient, organizationId: string, adding: number) =>
  enforcePlanLimit(
    tx,
    organizationId,
    'contacts',
    (locked) => locked.contact.count({ where: { organizationId, deletedAt: null } }),
    adding,
  );

/**
 * The records that name a contact and follow it when it is merged into another: (kind as the merged
 * event counts it, table, column).
 */
const CONTACT_REFERENCES: ReadonlyArray<readonly [string, string, string]> = [
  ['tasks', 'tasks', 'contact_id'],
  ['tickets', 'tickets', 'contact_id'],
];

/** Newest first, then by id: a stable order for cursors. */
const ORDER: Prisma.ContactOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];

const TAKEN: Record<IdentifierKind, string> = {
  email: 'Another contact of the organization has this email address',
  phone: 'Another contact of the organization has this phone number',
};

/**
 * Contacts over Prisma. Every call runs in the organization's tenant transaction (row-level security
 * backs up the explicit organization filter) and skips soft-deleted contacts. Personal fields are
 * sealed on the way in and opened on the way out (contact-pii.ts); email and phone are unique per
 * organization through their blind indexes.
 */
export function contactRepository(
  db: TenantDatabase<Prisma.TransactionClient>,
  cipher: FieldCipher,
): ContactRepository {
  const toModel = (row: ContactRow) => toContact(cipher, row);
  /** One at a time, so a collision names the identifier it is about. */
  const claimIdentifiers = async (tx: Prisma.TransactionClient, contact: Contact) => {
    for (const identifier of identifiersOf(cipher, contact)) {
      try {
        await tx.contactIdentifier.create({ data: identifier });
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(TAKEN[identifier.kind], { field: identifier.kind });
        throw error;
      }
    }
  };
  /**
   * The contact's custom field values as the organization's definitions have them (the custom-field
   * module's check, in this transaction): defaults applied on creation, archived fields' stored values
   * carried over on updates, BAD_USER_INPUT with every issue (unique values included) otherwise.
   */
  const withCheckedCustomFields = async (
    tx: Prisma.TransactionClient,
    contact: Contact,
    creating: boolean,
  ): Promise<Contact> => {
    const stored = creating
      ? null
      : await tx.contact.findUnique({ where: { id: contact.id }, select: { customFields: true } });
    const customFields = await checkCustomFields(
      tx,
      contact.organizationId,
      'contact',
      contact.customFields,
      {
        entityId: contact.id,
        creating,
        stored: stored ? jsonObject(stored.customFields) : null,
      },
    );
    return { ...contact, customFields };
  };
  /** The contact's name search tokens, replaced. */
  const indexNames = async (tx: Prisma.TransactionClient, contact: Contact) => {
    await tx.contactSearchToken.deleteMany({ where: { contactId: contact.id } });
    await tx.contactSearchToken.createMany({
      data: searchTokensOf(cipher, contact).map((token) => ({
        organizationId: contact.organizationId,
        contactId: contact.id,
        token,
      })),
    });
  };
  return {
    async find(organizationId, id, options) {
      if (uuidsOnly([id]).length === 0) return null;
      const row = await db.read(organizationId, (tx) =>
        tx.contact.findFirst({
          where: { id, organizationId, ...(options.withDeleted ? {} : { deletedAt: null }) },
        }),
      );
      return row ? toModel(row) : null;
    },

    async save(changed, previousVersion, events) {
      const customFieldsChange = events.some(
        (event) =>
          event.type === 'crm.contact.updated.v1' && event.data.changedFields.includes('customFields'),
      );
      try {
        return await db.write(changed.organizationId, events, async (tx) => {
          const contact = customFieldsChange ? await withCheckedCustomFields(tx, changed, false) : changed;
          if (
            events.some(
              (event) =>
                event.type === 'crm.contact.updated.v1' && event.data.changedFields.includes('companyId'),
            )
          ) {
            await ensureLiveCompany(tx, contact.organizationId, contact.companyId);
          }
          // A restored contact counts against the plan again.
          if (events.some((event) => event.type === 'crm.contact.restored.v1')) {
            await enforceContactLimit(tx, contact.organizationId, 1);
          }
          // Only if nobody saved since it was read: the version is the lock.
          const { count } = await tx.contact.updateMany({
            where: { id: contact.id, organizationId: contact.organizationId, version: previousVersion },
            data: columnsOf(cipher, contact),
          });
          if (count === 0) {
            throw conflict('The contact changed since it was read; read it again and reapply the change', {
              expectedVersion: previousVersion,
            });
          }
          // A live contact holds its current identifiers; a deleted one none.
          await tx.contactIdentifier.deleteMany({
            where: { organizationId: contact.organizationId, contactId: contact.id },
          });
          if (!contact.deletedAt) await claimIdentifiers(tx, contact);
          await indexNames(tx, contact);
          return contact;
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw conflict('Another contact of the organization has this identifier');
        throw error;
      }
    },

    async create(contact, events) {
      try {
        return await db.write(contact.organizationId, events, async (tx) => {
          const checked = await withCheckedCustomFields(tx, contact, true);
          await ensureLiveCompany(tx, contact.organizationId, contact.companyId);
          await enforceContactLimit(tx, contact.organizationId, 1);
          const row = await tx.contact.create({
            data: {
              id: contact.id,
              organizationId: contact.organizationId,
              ...columnsOf(cipher, checked),
              createdAt: contact.createdAt,
            },
          });
          await claimIdentifiers(tx, contact);
          await indexNames(tx, contact);
          return toModel(row);
        });
      } catch (error) {
        // Two creates with the same identifier at once: the loser's insert fails on the primary key.
        if (isUniqueViolation(error))
          throw conflict('Another contact of the organization has this identifier');
        throw error;
      }
    },

    async merge(kept, keptVersion, merged, mergedVersion, eventsFor) {
      const organizationId = kept.organizationId;
      try {
        return await db.writeDecided(organizationId, async (tx) => {
          for (const [contact, version] of [
            [merged, mergedVersion],
            [kept, keptVersion],
          ] as const) {
            const { count } = await tx.contact.updateMany({
              where: { id: contact.id, organizationId, version },
              data: columnsOf(cipher, contact),
            });
            if (count === 0) {
              throw conflict('A contact of the merge changed since it was read; read both again and merge');
            }
          }
          // The merged contact's emails and phones are the kept one's now.
          await tx.contactIdentifier.deleteMany({
            where: { organizationId, contactId: { in: [merged.id, kept.id] } },
          });
          await claimIdentifiers(tx, kept);
          await indexNames(tx, kept);
          const movedRecords: Record<string, number> = {};
          for (const [kind, table, column] of CONTACT_REFERENCES) {
            movedRecords[kind] = await tx.$executeRawUnsafe(
              `UPDATE "${table}" SET "${column}" = $1::uuid WHERE organization_id = $2::uuid AND "${column}" = $3::uuid`,
              kept.id,
              organizationId,
              merged.id,
            );
          }
          return { value: kept, events: eventsFor(movedRecords) };
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw conflict('Another contact of the organization has this identifier');
        throw error;
      }
    },

    async createMany(organizationId, drafts, events) {
      const identifiers = drafts.flatMap((contact, index) =>
        identifiersOf(cipher, contact).map((identifier) => ({ ...identifier, index })),
      );
      try {
        return await db.write(organizationId, events, async (tx) => {
          // Every row's custom field values, as for one contact (the custom-field module's check).
          const customFields = await checkCustomFieldsOfMany(
            tx,
            organizationId,
            'contact',
            drafts.map((contact) => ({ entityId: contact.id, creating: true, input: contact.customFields })),
            (index) => `contacts.${index}.customFields`,
          );
          const contacts = drafts.map((contact, index) => ({
            ...contact,
            customFields: customFields[index] ?? {},
          }));
          for (const companyId of new Set(contacts.map((contact) => contact.companyId))) {
            await ensureLiveCompany(tx, organizationId, companyId);
          }
          await enforceContactLimit(tx, organizationId, contacts.length);
          // Which rows' identifiers another live contact holds: named all at once.
          const taken = await tx.contactIdentifier.findMany({
            where: {
              organizationId,
              blindIndex: { in: identifiers.map((identifier) => identifier.blindIndex) },
            },
            select: { kind: true, blindIndex: true },
          });
          if (taken.length > 0) {
            const held = new Set(taken.map((row) => `${row.kind}:${row.blindIndex}`));
            const rows = identifiers
              .filter((identifier) => held.has(`${identifier.kind}:${identifier.blindIndex}`))
              .map((identifier) => ({ index: identifier.index, field: identifier.kind }));
            throw conflict('Other contacts of the organization hold emails or phones of these rows', {
              rows,
            });
          }
          // Thousands of rows: one statement per table (Prisma's createMany is seconds slower).
          await insertRows(
            tx,
            'contacts',
            contacts.map((contact) =>
              asColumns({
                id: contact.id,
                organizationId,
                ...columnsOf(cipher, contact),
                lastInteractionAt: contact.lastInteractionAt,
                createdAt: contact.createdAt,
              }),
            ),
          );
          await insertRows(
            tx,
            'contact_identifiers',
            identifiers.map(({ index: _index, ...identifier }) => asColumns(identifier)),
          );
          await insertRows(
            tx,
            'contact_search_tokens',
            contacts.flatMap((contact) =>
              searchTokensOf(cipher, contact).map((token) => ({
                organization_id: organizationId,
                contact_id: contact.id,
                token,
              })),
            ),
          );
          return [...contacts];
        });
      } catch (error) {
        // Another write took one of the identifiers between the check and the insert.
        if (isUniqueViolation(error))
          throw conflict('Another contact of the organization took an email or phone of this import');
        throw error;
      }
    },

    async byIdentifier(organizationId, kind, value) {
      const blindIndex = blindIndexOf(cipher, organizationId, kind, value);
      const row = await db.read(organizationId, (tx) =>
        tx.contact.findFirst({
          where: { organizationId, deletedAt: null, identifiers: { some: { kind, blindIndex } } },
        }),
      );
      return row ? toModel(row) : null;
    },

    async byIds(organizationId, ids) {
      const rows = await db.read(organizationId, (tx) =>
        tx.contact.findMany({ where: { organizationId, deletedAt: null, id: { in: uuidsOnly(ids) } } }),
      );
      return orderByKeys(ids, rows.map(toModel), (contact) => contact.id);
    },

    ofOrganization: (organizationId, request) =>
      db.read(organizationId, async (tx) => {
        const scope = { organizationId, deletedAt: null };
        const [rows, totalCount] = await Promise.all([
          tx.contact.findMany({
            where: { ...scope, ...afterCursorWhere(request) },
            orderBy: ORDER,
            take: request.first + 1,
          }),
          tx.contact.count({ where: scope }),
        ]);
        return { rows: rows.map(toModel), totalCount };
      }),

    list: (organizationId, request) =>
      db.read(organizationId, async (tx) => {
        const page = await listPage<ContactColumns>(
          tx,
          contactListSpec(cipher, organizationId),
          organizationId,
          request,
        );
        return mapListPage(page, (row) => fromColumns(cipher, row));
      }),

    ownedBy: (organizationId, ownerIds, request) =>
      db.read(organizationId, async (tx) => {
        const pages = await pagesByParent<ContactColumns>(tx, {
          table: 'contacts',
          parentColumn: 'owner_id',
          organizationId,
          parentIds: ownerIds,
          request,
          where: 'deleted_at IS NULL',
        });
        return pages.map(({ rows, totalCount }) => ({
          rows: rows.map((row) => fromColumns(cipher, row)),
          totalCount,
        }));
      }),

    ofCompanies: (organizationId, companyIds, request) =>
      db.read(organizationId, async (tx) => {
        const pages = await pagesByParent<ContactColumns>(tx, {
          table: 'contacts',
          parentColumn: 'company_id',
          organizationId,
          parentIds: companyIds,
          request,
          where: 'deleted_at IS NULL',
        });
        return pages.map(({ rows, totalCount }) => ({
          rows: rows.map((row) => fromColumns(cipher, row)),
          totalCount,
        }));
      }),
  };
}
