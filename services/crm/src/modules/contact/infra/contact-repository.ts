import {
  afterCursorWhere,
  orderByKeys,
  pagesByParent,
  uuidsOnly,
  type TenantDatabase,
} from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { Contact, CustomFieldValues } from '../domain/contact';
import type { ContactRepository } from '../domain/contact-repository';

type ContactRow = Prisma.ContactGetPayload<object>;

function toContact(row: ContactRow): Contact {
  return {
    id: row.id,
    organizationId: row.organizationId,
    ownerId: row.ownerId,
    givenName: row.givenName,
    familyName: row.familyName,
    email: row.email,
    phone: row.phone,
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
  relationship_state: Contact['relationshipState'];
  tags: string[];
  custom_fields: CustomFieldValues | null;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

const fromColumns = (row: ContactColumns): Contact => ({
  id: row.id,
  organizationId: row.organization_id,
  ownerId: row.owner_id,
  givenName: row.given_name,
  familyName: row.family_name,
  email: row.email,
  phone: row.phone,
  relationshipState: row.relationship_state,
  tags: row.tags,
  customFields: row.custom_fields ?? {},
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  deletedAt: row.deleted_at,
});

/** Newest first, then by id: a stable order for cursors. */
const ORDER: Prisma.ContactOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];

/**
 * Contacts over Prisma. Every call runs in the organization's tenant transaction (row-level security
 * backs up the explicit organization filter) and skips soft-deleted contacts.
 */
export function contactRepository(db: TenantDatabase<Prisma.TransactionClient>): ContactRepository {
  return {
    create: (contact, events) =>
      db.write(contact.organizationId, events, async (tx) =>
        toContact(
          await tx.contact.create({
            data: {
              id: contact.id,
              organizationId: contact.organizationId,
              ownerId: contact.ownerId,
              givenName: contact.givenName,
              familyName: contact.familyName,
              email: contact.email,
              phone: contact.phone,
              relationshipState: contact.relationshipState,
              tags: contact.tags,
              customFields: contact.customFields as Prisma.InputJsonObject,
              createdAt: contact.createdAt,
              updatedAt: contact.updatedAt,
            },
          }),
        ),
      ),

    async byIds(organizationId, ids) {
      const rows = await db.read(organizationId, (tx) =>
        tx.contact.findMany({ where: { organizationId, deletedAt: null, id: { in: uuidsOnly(ids) } } }),
      );
      return orderByKeys(ids, rows.map(toContact), (contact) => contact.id);
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
        return { rows: rows.map(toContact), totalCount };
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
        return pages.map(({ rows, totalCount }) => ({ rows: rows.map(fromColumns), totalCount }));
      }),
  };
}
