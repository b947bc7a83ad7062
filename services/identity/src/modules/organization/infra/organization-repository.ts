import { z } from 'zod';
import {
  isUniqueViolation,
  afterCursorWhere,
  conflict,
  orderByKeys,
  pageOf,
  uuidsOnly,
  type PageRequest,
  type TenantDatabase,
} from '@platform/service-kit';
import { Prisma } from '../../../generated/prisma/client';
import { WEEKDAYS } from '@platform/events/catalog';
import type { Organization } from '../domain/organization';
import type { OrganizationRepository } from '../domain/organization-repository';

type Transaction = Prisma.TransactionClient;
type OrganizationRow = Prisma.OrganizationGetPayload<object>;

const businessHoursSchema = z.array(
  z.object({ day: z.enum(WEEKDAYS), opensAt: z.string(), closesAt: z.string() }),
);

export function toOrganization(row: OrganizationRow): Organization {
  const hours = businessHoursSchema.safeParse(row.businessHours);
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    vertical: row.vertical,
    status: row.status,
    statusReason: row.statusReason,
    statusChangedAt: row.statusChangedAt,
    suspendedBy: row.suspendedBy,
    parentOrganizationId: row.parentOrganizationId,
    logoUrl: row.logoUrl,
    domain: row.domain,
    settings: {
      timezone: row.timezone,
      businessHours: hours.success ? hours.data : [],
      pipelineStages: row.pipelineStages,
      healthThresholds: { yellowAfterDays: row.healthYellowDays, redAfterDays: row.healthRedDays },
    },
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The columns of an organization (what create and update write). */
export function organizationColumns(organization: Organization) {
  return {
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    vertical: organization.vertical,
    status: organization.status,
    statusReason: organization.statusReason,
    statusChangedAt: organization.statusChangedAt,
    suspendedBy: organization.suspendedBy,
    parentOrganizationId: organization.parentOrganizationId,
    logoUrl: organization.logoUrl,
    domain: organization.domain,
    timezone: organization.settings.timezone,
    businessHours: organization.settings.businessHours.map((day) => ({ ...day })),
    pipelineStages: organization.settings.pipelineStages,
    healthYellowDays: organization.settings.healthThresholds.yellowAfterDays,
    healthRedDays: organization.settings.healthThresholds.redAfterDays,
    createdAt: organization.createdAt,
  } satisfies Prisma.OrganizationUncheckedCreateInput;
}

/** Slug and domain are unique across organizations: say which one is taken, by field. */
export function organizationConflict(error: unknown, organization: Organization, slugPath = 'slug'): unknown {
  if (isUniqueViolation(error, 'slug')) {
    return conflict(`The organization slug "${organization.slug}" is taken`, {
      issues: [{ path: slugPath, message: 'is taken', code: 'taken' }],
    });
  }
  if (isUniqueViolation(error, 'domain')) {
    return conflict(`The domain "${organization.domain ?? ''}" belongs to another organization`, {
      issues: [{ path: 'domain', message: 'is taken', code: 'taken' }],
    });
  }
  return error;
}

/**
 * Organizations over Prisma. An organization reads itself (the explicit filter, and row-level security
 * behind it) and, as an agency, the rows of the client organizations it manages (policy
 * `agency_clients`); a client's row is written in the client's own tenant transaction.
 */
export function organizationRepository(db: TenantDatabase<Transaction>): OrganizationRepository {
  async function write(organization: Organization, events: Parameters<typeof db.write>[1]) {
    try {
      return toOrganization(
        await db.write(organization.id, events, (tx: Transaction) =>
          tx.organization.update({ where: { id: organization.id }, data: organizationColumns(organization) }),
        ),
      );
    } catch (error) {
      throw organizationConflict(error, organization);
    }
  }

  return {
    async byIds(callerOrganizationId, ids) {
      const rows = await db.read(callerOrganizationId, (tx) =>
        tx.organization.findMany({
          where: { AND: [{ id: { in: uuidsOnly(ids) } }, { id: callerOrganizationId }] },
        }),
      );
      return orderByKeys(ids, rows.map(toOrganization), (organization) => organization.id);
    },

    async byId(organizationId) {
      const row = await db.read(organizationId, (tx) =>
        tx.organization.findUnique({ where: { id: organizationId } }),
      );
      return row ? toOrganization(row) : null;
    },

    save: write,

    async clientOf(agencyId, clientId) {
      if (uuidsOnly([clientId]).length === 0) return null;
      const row = await db.read(agencyId, (tx) =>
        tx.organization.findFirst({ where: { id: clientId, parentOrganizationId: agencyId } }),
      );
      return row ? toOrganization(row) : null;
    },

    async clients(agencyId, page: PageRequest) {
      return db.read(agencyId, async (tx) => {
        const where = { parentOrganizationId: agencyId };
        const [rows, totalCount] = await Promise.all([
          tx.organization.findMany({
            where: { AND: [where, afterCursorWhere(page)] },
            orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
            take: page.first + 1,
          }),
          tx.organization.count({ where }),
        ]);
        return pageOf(rows.map(toOrganization), page, totalCount);
      });
    },

    async createClient(organization, events) {
      try {
        return toOrganization(
          await db.write(organization.id, events, (tx) =>
            tx.organization.create({ data: organizationColumns(organization) }),
          ),
        );
      } catch (error) {
        throw organizationConflict(error, organization);
      }
    },

    async configuration(organizationId) {
      const rows = await db.read(organizationId, (tx) =>
        tx.organizationConfiguration.findMany({ where: { organizationId }, orderBy: { key: 'asc' } }),
      );
      return rows.map((row) => ({
        organizationId: row.organizationId,
        key: row.key,
        value: row.value,
        valueType: row.valueType,
        updatedById: row.updatedById,
        updatedAt: row.updatedAt,
      }));
    },

    async saveConfiguration(entry, events) {
      const value = entry.value === null ? Prisma.JsonNull : (entry.value as Prisma.InputJsonValue);
      const row = await db.write(entry.organizationId, events, (tx) =>
        tx.organizationConfiguration.upsert({
          where: { organizationId_key: { organizationId: entry.organizationId, key: entry.key } },
          create: { ...entry, value },
          update: { value, valueType: entry.valueType, updatedById: entry.updatedById },
        }),
      );
      return { ...entry, updatedAt: row.updatedAt };
    },

    async countConfiguration(organizationId) {
      return db.read(organizationId, (tx) =>
        tx.organizationConfiguration.count({ where: { organizationId } }),
      );
    },

    async removeConfiguration(organizationId, key, events) {
      const removed = await db.write(organizationId, events, (tx) =>
        tx.organizationConfiguration.deleteMany({ where: { organizationId, key } }),
      );
      return removed.count > 0;
    },
  };
}
