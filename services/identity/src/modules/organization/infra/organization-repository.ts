import { orderByKeys, uuidsOnly, type TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { Organization } from '../domain/organization';
import type { OrganizationRepository } from '../domain/organization-repository';

type OrganizationRow = Prisma.OrganizationGetPayload<object>;

export function toOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    vertical: row.vertical,
    status: row.status,
    parentOrganizationId: row.parentOrganizationId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * Organizations over Prisma, read in the caller's tenant transaction: an organization sees itself
 * only (the explicit filter, and row-level security behind it).
 */
export function organizationRepository(db: TenantDatabase<Prisma.TransactionClient>): OrganizationRepository {
  return {
    async byIds(callerOrganizationId, ids) {
      const rows = await db.read(callerOrganizationId, (tx) =>
        tx.organization.findMany({
          where: { AND: [{ id: { in: uuidsOnly(ids) } }, { id: callerOrganizationId }] },
        }),
      );
      return orderByKeys(ids, rows.map(toOrganization), (organization) => organization.id);
    },
  };
}
