import { appendToOutbox, createEvent } from '@platform/events';
import {
  afterCursorWhere,
  orderByKeys,
  withTenant,
  type PageRequest,
  uuidsOnly,
} from '@platform/service-kit';
import type { Contact, CustomFieldValues, NewContact } from '../domain/contact';
import type { Prisma } from '../generated/prisma/client';
import type { Database } from './database';

const EVENT_SOURCE = '/services/crm';

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

/** Newest first, then by id: a stable order for cursors. */
const ORDER: Prisma.ContactOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];

/**
 * Contacts over Prisma. Every call runs in the organization's tenant transaction (row-level security
 * backs up the explicit organization filter) and skips soft-deleted contacts.
 */
export function createContactStore(db: Database) {
  async function page(organizationId: string, where: Prisma.ContactWhereInput, request: PageRequest) {
    return withTenant(db, organizationId, async (tx) => {
      const scope = { organizationId, deletedAt: null, ...where };
      const [rows, totalCount] = await Promise.all([
        tx.contact.findMany({
          where: { ...scope, ...afterCursorWhere(request) },
          orderBy: ORDER,
          take: request.first + 1,
        }),
        tx.contact.count({ where: scope }),
      ]);
      return { rows: rows.map(toContact), totalCount };
    });
  }

  return {
    /** Stores the contact and its crm.contact.created.v1 event in one transaction. */
    create(contact: NewContact): Promise<Contact> {
      return withTenant(db, contact.organizationId, async (tx) => {
        const created = toContact(
          await tx.contact.create({
            data: { ...contact, customFields: contact.customFields as Prisma.InputJsonObject },
          }),
        );
        await appendToOutbox(tx, [
          createEvent('crm.contact.created.v1', {
            source: EVENT_SOURCE,
            subject: created.id,
            tenantId: created.organizationId,
            data: {
              contactId: created.id,
              organizationId: created.organizationId,
              ownerId: created.ownerId,
              relationshipState: created.relationshipState,
              tags: created.tags,
              createdAt: created.createdAt.toISOString(),
            },
          }),
        ]);
        return created;
      });
    },

    async byIds(organizationId: string, ids: readonly string[]): Promise<(Contact | null)[]> {
      const rows = await withTenant(db, organizationId, (tx) =>
        tx.contact.findMany({
          where: { organizationId, deletedAt: null, id: { in: uuidsOnly(ids) } },
        }),
      );
      return orderByKeys(ids, rows.map(toContact), (contact) => contact.id);
    },

    ofOrganization: (organizationId: string, request: PageRequest) => page(organizationId, {}, request),

    ownedBy: (organizationId: string, ownerId: string, request: PageRequest) =>
      page(organizationId, { ownerId }, request),
  };
}

export type ContactStore = ReturnType<typeof createContactStore>;
