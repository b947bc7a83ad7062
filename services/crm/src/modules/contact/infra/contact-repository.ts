import {
  afterCursorWhere,
  conflict,
  isUniqueViolation,
  orderByKeys,
  pagesByParent,
  uuidsOnly,
  type FieldCipher,
  type TenantDatabase,
} from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { Contact, CustomFieldValues } from '../domain/contact';
import type { ContactRepository } from '../domain/contact-repository';
import { blindIndexOf, identifiersOf, openContact, sealContact, type IdentifierKind } from './contact-pii';

type ContactRow = Prisma.ContactGetPayload<object>;

function toContact(cipher: FieldCipher, row: ContactRow): Contact {
  return {
    id: row.id,
    organizationId: row.organizationId,
    ownerId: row.ownerId,
    ...openContact(cipher, row),
    relationshipState: row.relationshipState,
    tags: row.tags,
    customFields: (row.customFields ?? {}) as CustomFieldValues,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    deletedAt: row.deletedAt,
  };
}

/** A contact row as PostgreSQL names its columns (what `pagesByParent` returns). */
interface ContactColumns extends Record<string, unknown> {
  id: string;
  organization_id: string;
  owner_id: string | null;
  given_name: string;
  family_name: string | null;
  email: string | null;
  phone: string | null;
  pii_key_id: string;
  relationship_state: Contact['relationshipState'];
  tags: string[];
  custom_fields: CustomFieldValues | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

const fromColumns = (cipher: FieldCipher, row: ContactColumns): Contact => ({
  id: row.id,
  organizationId: row.organization_id,
  ownerId: row.owner_id,
  ...openContact(cipher, {
    id: row.id,
    organizationId: row.organization_id,
    piiKeyId: row.pii_key_id,
    givenName: row.given_name,
    familyName: row.family_name,
    email: row.email,
    phone: row.phone,
  }),
  relationshipState: row.relationship_state,
  tags: row.tags,
  customFields: row.custom_fields ?? {},
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  deletedAt: row.deleted_at,
});

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
  return {
    async create(contact, events) {
      try {
        return await db.write(contact.organizationId, events, async (tx) => {
          const row = await tx.contact.create({
            data: {
              id: contact.id,
              organizationId: contact.organizationId,
              ownerId: contact.ownerId,
              ...sealContact(cipher, contact),
              relationshipState: contact.relationshipState,
              tags: contact.tags,
              customFields: contact.customFields as Prisma.InputJsonObject,
              createdAt: contact.createdAt,
              updatedAt: contact.updatedAt,
            },
          });
          // One at a time, so a collision names the identifier it is about.
          for (const identifier of identifiersOf(cipher, contact)) {
            try {
              await tx.contactIdentifier.create({ data: identifier });
            } catch (error) {
              if (isUniqueViolation(error)) {
                throw conflict(TAKEN[identifier.kind], { field: identifier.kind });
              }
              throw error;
            }
          }
          return toModel(row);
        });
      } catch (error) {
        // Two creates with the same identifier at once: the loser's insert fails on the primary key.
        if (isUniqueViolation(error))
          throw conflict('Another contact of the organization has this identifier');
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
  };
}
