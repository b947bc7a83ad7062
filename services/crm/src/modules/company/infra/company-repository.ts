import { checkCustomFields } from '../../custom-field/infra/custom-field-values';
import { COMPANY_ASSIGNMENT_ROLES } from '@platform/events/catalog';
import {
  canonicalDecimal,
  conflict,
  isUniqueViolation,
  listPage,
  mapListPage,
  orderByKeys,
  pagesByParent,
  uuidsOnly,
  type TenantDatabase,
} from '@platform/service-kit';
import { Prisma } from '../../../generated/prisma/client';
import type { AdPerformance, AdPlatform } from '../domain/ad-performance';
import type { CompanyAssignment, CompanyAssignmentRole } from '../domain/assignment';
import {
  nameSortKey,
  type Company,
  type CompanySize,
  type CompanyStageEvent,
  type CustomFieldValues,
  type ParentChain,
} from '../domain/company';
import type { AdPerformanceRows, CompanyRepository, Decided } from '../domain/company-repository';
import { companyListSpec } from './company-list';
import { readOrganizationSettings } from './organization-settings';

type Transaction = Prisma.TransactionClient;
type CompanyRow = Prisma.CompanyGetPayload<object>;
type AdPerformanceRow = Prisma.AdPerformanceGetPayload<object>;

/** An exact decimal as the domain carries it (canonical string), from Prisma's Decimal or the text of one. */
export function decimalText(value: unknown): string {
  if (typeof value === 'string') return canonicalDecimal(value);
  if (typeof value === 'number' || typeof value === 'bigint') return canonicalDecimal(value.toString());
  if (Prisma.Decimal.isDecimal(value)) return canonicalDecimal(value.toFixed());
  throw new TypeError('not a decimal value');
}

const optionalDecimal = (value: unknown): string | null =>
  value === null || value === undefined ? null : decimalText(value);

export const toCompany = (row: CompanyRow): Company => ({
  id: row.id,
  organizationId: row.organizationId,
  name: row.name,
  domain: row.domain,
  website: row.website,
  industry: row.industry,
  size: row.size,
  revenue: optionalDecimal(row.revenue),
  currency: row.currency,
  description: row.description,
  parentCompanyId: row.parentCompanyId,
  primaryContactId: row.primaryContactId,
  accountStage: row.accountStage,
  stageEnteredAt: row.stageEnteredAt,
  installDate: row.installDate,
  totalSpend: decimalText(row.totalSpend),
  lifetimeValue: optionalDecimal(row.lifetimeValue),
  notes: row.notes,
  tags: row.tags,
  isActive: row.isActive,
  customFields: (row.customFields ?? {}) as CustomFieldValues,
  version: row.version,
  createdById: row.createdById,
  updatedById: row.updatedById,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  deletedAt: row.deletedAt,
});

/** A company row as PostgreSQL names its columns (what raw queries return). */
export interface CompanyColumns extends Record<string, unknown> {
  id: string;
  organization_id: string;
  name: string;
  domain: string | null;
  website: string | null;
  industry: string | null;
  size: CompanySize | null;
  revenue: unknown;
  currency: string | null;
  description: string | null;
  parent_company_id: string | null;
  primary_contact_id: string | null;
  account_stage: string;
  stage_entered_at: Date;
  install_date: Date | null;
  total_spend: unknown;
  lifetime_value: unknown;
  notes: string | null;
  tags: string[] | null;
  is_active: boolean;
  custom_fields: unknown;
  version: number;
  created_by_id: string;
  updated_by_id: string;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

export const fromCompanyColumns = (row: CompanyColumns): Company => ({
  id: row.id,
  organizationId: row.organization_id,
  name: row.name,
  domain: row.domain,
  website: row.website,
  industry: row.industry,
  size: row.size,
  revenue: optionalDecimal(row.revenue),
  currency: row.currency,
  description: row.description,
  parentCompanyId: row.parent_company_id,
  primaryContactId: row.primary_contact_id,
  accountStage: row.account_stage,
  stageEnteredAt: row.stage_entered_at,
  installDate: row.install_date,
  totalSpend: decimalText(row.total_spend),
  lifetimeValue: optionalDecimal(row.lifetime_value),
  notes: row.notes,
  tags: row.tags ?? [],
  isActive: row.is_active,
  customFields: (row.custom_fields ?? {}) as CustomFieldValues,
  version: row.version,
  createdById: row.created_by_id,
  updatedById: row.updated_by_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  deletedAt: row.deleted_at,
});

/** What a write stores of a company (totalSpend is the ad figures' to keep, never a caller's). */
const companyData = (company: Company) => ({
  name: company.name,
  nameSortKey: nameSortKey(company.name),
  domain: company.domain,
  website: company.website,
  industry: company.industry,
  size: company.size,
  revenue: company.revenue,
  currency: company.currency,
  description: company.description,
  parentCompanyId: company.parentCompanyId,
  primaryContactId: company.primaryContactId,
  accountStage: company.accountStage,
  stageEnteredAt: company.stageEnteredAt,
  installDate: company.installDate,
  lifetimeValue: company.lifetimeValue,
  notes: company.notes,
  tags: company.tags,
  isActive: company.isActive,
  customFields: company.customFields as Prisma.InputJsonObject,
  version: company.version,
  updatedById: company.updatedById,
  updatedAt: company.updatedAt,
  deletedAt: company.deletedAt,
});

interface StageEventColumns extends Record<string, unknown> {
  id: string;
  organization_id: string;
  company_id: string;
  from_stage: string | null;
  to_stage: string;
  moved_by_id: string;
  notes: string | null;
  created_at: Date;
}

const fromStageEventColumns = (row: StageEventColumns): CompanyStageEvent => ({
  id: row.id,
  organizationId: row.organization_id,
  companyId: row.company_id,
  fromStage: row.from_stage,
  toStage: row.to_stage,
  movedById: row.moved_by_id,
  notes: row.notes,
  createdAt: row.created_at,
});

interface AssignmentColumns extends Record<string, unknown> {
  id: string;
  organization_id: string;
  company_id: string;
  user_id: string;
  role: CompanyAssignmentRole;
  assigned_by_id: string;
  created_at: Date;
}

const fromAssignmentColumns = (row: AssignmentColumns): CompanyAssignment => ({
  id: row.id,
  organizationId: row.organization_id,
  companyId: row.company_id,
  userId: row.user_id,
  role: row.role,
  assignedById: row.assigned_by_id,
  createdAt: row.created_at,
});

const toAdPerformance = (row: AdPerformanceRow): AdPerformance => ({
  id: row.id,
  organizationId: row.organizationId,
  companyId: row.companyId,
  platform: row.platform,
  accountId: row.accountId,
  campaignId: row.campaignId,
  date: row.date,
  spend: decimalText(row.spend),
  impressions: row.impressions,
  clicks: row.clicks,
  conversions: decimalText(row.conversions),
  revenue: optionalDecimal(row.revenue),
  recordedById: row.recordedById,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

/** A page row of ad figures with the totals of its company's range (numbers as text, exact). */
interface AdPerformanceColumns {
  id: string;
  organization_id: string;
  company_id: string;
  platform: AdPlatform;
  account_id: string;
  campaign_id: string | null;
  day: string;
  spend: string;
  impressions: number;
  clicks: number;
  conversions: string;
  revenue: string | null;
  recorded_by_id: string;
  created_at: Date;
  updated_at: Date;
  page_total: number;
  page_after: boolean;
  page_position: number;
  total_spend: string;
  total_impressions: string;
  total_clicks: string;
  total_conversions: string;
  total_revenue: string;
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

const DOMAIN_TAKEN = 'Another company of the organization has this domain';

/** Role filters are written into SQL, so only the enum's own values ever get there. */
function roleCondition(role: CompanyAssignmentRole | null): string | null {
  if (role === null) return null;
  if (!COMPANY_ASSIGNMENT_ROLES.includes(role)) throw new TypeError(`not an assignment role: ${role}`);
  return `role = '${role}'`;
}

/**
 * Takes the organization's company-hierarchy lock until the transaction ends: every change of a
 * parent takes it before checking for cycles, so two changes that would close a cycle between them
 * (A under B, B under A) are checked one after the other. Parent changes are rare; nothing else waits.
 */
async function lockHierarchy(tx: Transaction, organizationId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`crm.companies|${organizationId}|hierarchy`}, 0))`;
}

/** A proposed parent and its ancestors (deleted ones too), or null when it is no company of the organization. */
async function chainOf(
  tx: Transaction,
  organizationId: string,
  parentId: string,
): Promise<ParentChain | null> {
  // The depth bound only guards the walk; the rule it serves keeps the hierarchy free of cycles.
  const rows = await tx.$queryRaw<Array<{ id: string; deleted: boolean; depth: number }>>`
    WITH RECURSIVE chain AS (
      SELECT id, parent_company_id, deleted_at IS NOT NULL AS deleted, 0 AS depth
        FROM companies WHERE id = ${parentId}::uuid AND organization_id = ${organizationId}::uuid
      UNION ALL
      SELECT c.id, c.parent_company_id, c.deleted_at IS NOT NULL, chain.depth + 1
        FROM companies c JOIN chain ON c.id = chain.parent_company_id
       WHERE c.organization_id = ${organizationId}::uuid AND chain.depth < 10000
    )
    SELECT id, deleted, depth FROM chain ORDER BY depth`;
  const [parent, ...ancestors] = rows;
  if (!parent) return null;
  return { live: !parent.deleted, ancestors: ancestors.map((row) => row.id) };
}

/** Locks a live company's row until the transaction ends; false when there is no such live company. */
async function lockLiveCompany(tx: Transaction, organizationId: string, id: string): Promise<boolean> {
  const locked = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM companies
     WHERE id = ${id}::uuid AND organization_id = ${organizationId}::uuid AND deleted_at IS NULL
       FOR UPDATE`;
  return locked.length > 0;
}

/**
 * Companies over Prisma. Every call runs in the organization's tenant transaction (row-level security
 * backs up the explicit organization filter); reads skip deleted companies unless told.
 */
export function companyRepository(db: TenantDatabase<Transaction>): CompanyRepository {
  /** A write that may meet the live-domain index: its violation is the domain's CONFLICT. */
  const domainChecked = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(DOMAIN_TAKEN, { field: 'domain' });
      throw error;
    }
  };

  return {
    settings: (organizationId) =>
      db.read(organizationId, (tx) => readOrganizationSettings(tx, organizationId)),

    async find(organizationId, id, options) {
      if (uuidsOnly([id]).length === 0) return null;
      const row = await db.read(organizationId, (tx) =>
        tx.company.findFirst({
          where: { id, organizationId, ...(options.withDeleted ? {} : { deletedAt: null }) },
        }),
      );
      return row ? toCompany(row) : null;
    },

    list: (organizationId, request, settings, now) =>
      db.read(organizationId, async (tx) =>
        mapListPage(
          await listPage<CompanyColumns>(tx, companyListSpec(settings, now), organizationId, request),
          fromCompanyColumns,
        ),
      ),

    async byIds(organizationId, ids) {
      const rows = await db.read(organizationId, (tx) =>
        tx.company.findMany({ where: { organizationId, deletedAt: null, id: { in: uuidsOnly(ids) } } }),
      );
      return orderByKeys(ids, rows.map(toCompany), (company) => company.id);
    },

    async byDomain(organizationId, domain) {
      const row = await db.read(organizationId, (tx) =>
        tx.company.findFirst({ where: { organizationId, domain, deletedAt: null } }),
      );
      return row ? toCompany(row) : null;
    },

    parentChain: (organizationId, parentId) =>
      db.read(organizationId, (tx) => chainOf(tx, organizationId, parentId)),

    async hasLiveContact(organizationId, contactId) {
      const found = await db.read(organizationId, (tx) =>
        tx.contact.count({ where: { id: contactId, organizationId, deletedAt: null } }),
      );
      return found > 0;
    },

    create: (company, stageEvent, events) =>
      domainChecked(() =>
        db.write(company.organizationId, events, async (tx) => {
          // The custom field values, checked against the organization's company fields.
          const customFields = await checkCustomFields(
            tx,
            company.organizationId,
            'company',
            company.customFields,
            {
              entityId: company.id,
              creating: true,
            },
          );
          const row = await tx.company.create({
            data: {
              ...companyData({ ...company, customFields }),
              id: company.id,
              organizationId: company.organizationId,
              createdById: company.createdById,
              createdAt: company.createdAt,
            },
          });
          await tx.companyStageEvent.create({ data: stageEvent });
          return toCompany(row);
        }),
      ),

    save: (company, previousVersion, events, checkParent) =>
      domainChecked(() =>
        db.write(company.organizationId, events, async (tx) => {
          const parentId = company.parentCompanyId;
          if (checkParent && parentId) {
            await lockHierarchy(tx, company.organizationId);
            checkParent(await chainOf(tx, company.organizationId, parentId));
          }
          // Changed custom field values are checked against the organization's company fields.
          const stored = await tx.company.findUnique({
            where: { id: company.id },
            select: { customFields: true },
          });
          const storedValues = (stored?.customFields ?? {}) as CustomFieldValues;
          const customFields =
            JSON.stringify(storedValues) === JSON.stringify(company.customFields)
              ? company.customFields
              : await checkCustomFields(tx, company.organizationId, 'company', company.customFields, {
                  entityId: company.id,
                  creating: false,
                  stored: storedValues,
                });
          // Only if nobody saved since it was read: the version is the lock.
          const { count } = await tx.company.updateMany({
            where: { id: company.id, organizationId: company.organizationId, version: previousVersion },
            data: companyData({ ...company, customFields }),
          });
          if (count === 0) {
            throw conflict('The company changed since it was read; read it again and reapply the change', {
              expectedVersion: previousVersion,
            });
          }
          const row = await tx.company.findUniqueOrThrow({ where: { id: company.id } });
          return toCompany(row);
        }),
      ),

    move: (organizationId, id, decide) =>
      db.writeDecided(organizationId, async (tx): Promise<Decided<Company | null>> => {
        if (!(await lockLiveCompany(tx, organizationId, id))) return { value: null, events: [] };
        const current = toCompany(await tx.company.findUniqueOrThrow({ where: { id } }));
        const settings = await readOrganizationSettings(tx, organizationId);
        const { value, events } = decide(current, settings);
        const row = await tx.company.update({ where: { id }, data: companyData(value.company) });
        await tx.companyStageEvent.create({ data: value.stageEvent });
        return { value: toCompany(row), events };
      }),

    async addAssignment(assignment, events) {
      try {
        return await db.write(assignment.organizationId, events, async (tx) => {
          await tx.companyAssignment.create({ data: assignment });
          return assignment;
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw conflict('The user has this role on the company already', {
            companyId: assignment.companyId,
            userId: assignment.userId,
            role: assignment.role,
          });
        }
        throw error;
      }
    },

    removeAssignment: (organizationId, key, decide) =>
      db.writeDecided(organizationId, async (tx): Promise<Decided<CompanyAssignment | null>> => {
        const current = await tx.companyAssignment.findFirst({ where: { organizationId, ...key } });
        if (!current) return { value: null, events: [] };
        await tx.companyAssignment.delete({ where: { id: current.id } });
        return { value: current, events: decide(current) };
      }),

    recordAdPerformance: (organizationId, companyId, key, decide) =>
      db.writeDecided(organizationId, async (tx): Promise<Decided<AdPerformance | null>> => {
        // Recordings of one company take turns: no two insert the same day, and the total sees both.
        if (!(await lockLiveCompany(tx, organizationId, companyId))) return { value: null, events: [] };
        const stored = await tx.adPerformance.findUnique({
          where: { companyId_platform_date: { companyId, platform: key.platform, date: key.date } },
        });
        const { value, events } = decide(stored ? toAdPerformance(stored) : null);
        if (!value.changed) return { value: value.row, events };
        const { row } = value;
        const figures = {
          accountId: row.accountId,
          campaignId: row.campaignId,
          spend: row.spend,
          impressions: row.impressions,
          clicks: row.clicks,
          conversions: row.conversions,
          revenue: row.revenue,
          recordedById: row.recordedById,
          updatedAt: row.updatedAt,
        };
        const written = stored
          ? await tx.adPerformance.update({ where: { id: stored.id }, data: figures })
          : await tx.adPerformance.create({
              data: {
                ...figures,
                id: row.id,
                organizationId,
                companyId,
                platform: row.platform,
                date: row.date,
                createdAt: row.createdAt,
              },
            });
        // Recomputed from the rows rather than adjusted: the total cannot drift from them.
        await tx.$executeRaw`
          UPDATE companies SET total_spend = (
            SELECT coalesce(sum(spend), 0) FROM ad_performance WHERE company_id = ${companyId}::uuid
          ) WHERE id = ${companyId}::uuid`;
        return { value: toAdPerformance(written), events };
      }),

    assignmentsOf: (organizationId, companyIds, request, role) =>
      db.read(organizationId, async (tx) => {
        const where = roleCondition(role);
        const pages = await pagesByParent<AssignmentColumns>(tx, {
          table: 'company_assignments',
          parentColumn: 'company_id',
          organizationId,
          parentIds: companyIds,
          request,
          ...(where ? { where } : {}),
        });
        return pages.map(({ rows, totalCount }) => ({ rows: rows.map(fromAssignmentColumns), totalCount }));
      }),

    assignmentsOfUsers: (organizationId, userIds, request, role) =>
      db.read(organizationId, async (tx) => {
        const live = 'EXISTS (SELECT 1 FROM companies c WHERE c.id = t.company_id AND c.deleted_at IS NULL)';
        const byRole = roleCondition(role);
        const pages = await pagesByParent<AssignmentColumns>(tx, {
          table: 'company_assignments',
          parentColumn: 'user_id',
          organizationId,
          parentIds: userIds,
          request,
          where: byRole ? `${live} AND ${byRole}` : live,
        });
        return pages.map(({ rows, totalCount }) => ({ rows: rows.map(fromAssignmentColumns), totalCount }));
      }),

    stageHistoryOf: (organizationId, companyIds, request) =>
      db.read(organizationId, async (tx) => {
        const pages = await pagesByParent<StageEventColumns>(tx, {
          table: 'company_stage_events',
          parentColumn: 'company_id',
          organizationId,
          parentIds: companyIds,
          request,
        });
        return pages.map(({ rows, totalCount }) => ({ rows: rows.map(fromStageEventColumns), totalCount }));
      }),

    childrenOf: (organizationId, companyIds, request) =>
      db.read(organizationId, async (tx) => {
        const pages = await pagesByParent<CompanyColumns>(tx, {
          table: 'companies',
          parentColumn: 'parent_company_id',
          organizationId,
          parentIds: companyIds,
          request,
          where: 'deleted_at IS NULL',
        });
        return pages.map(({ rows, totalCount }) => ({ rows: rows.map(fromCompanyColumns), totalCount }));
      }),

    adPerformanceOf: (organizationId, companyIds, range, request) =>
      db.read(organizationId, async (tx): Promise<AdPerformanceRows[]> => {
        const conditions = [
          Prisma.sql`a.organization_id = ${organizationId}::uuid`,
          Prisma.sql`a.company_id = ANY(${[...companyIds]}::uuid[])`,
          ...(range.from ? [Prisma.sql`a.date >= ${isoDay(range.from)}::date`] : []),
          ...(range.to ? [Prisma.sql`a.date <= ${isoDay(range.to)}::date`] : []),
          ...(range.platform ? [Prisma.sql`a.platform = ${range.platform}::"AdPlatform"`] : []),
        ];
        const position = request.after;
        // Whether a row comes after the cursor in (date desc, platform) order (every row without one).
        const after = position
          ? Prisma.sql`(a.date < ${isoDay(position.date)}::date OR (a.date = ${isoDay(position.date)}::date AND a.platform > ${position.platform}::"AdPlatform"))`
          : Prisma.sql`true`;
        // Like the kit's pagesByParent, with the range's totals per company beside each row, and the
        // newest row kept so that a company whose page is empty still reports its count and totals.
        const rows = await tx.$queryRaw<AdPerformanceColumns[]>`
          SELECT * FROM (
            SELECT a.id, a.organization_id, a.company_id, a.platform::text AS platform, a.account_id,
              a.campaign_id, to_char(a.date, 'YYYY-MM-DD') AS day, a.spend::text AS spend, a.impressions,
              a.clicks, a.conversions::text AS conversions, a.revenue::text AS revenue, a.recorded_by_id,
              a.created_at, a.updated_at,
              (count(*) OVER per_company)::int AS page_total,
              (sum(a.spend) OVER per_company)::text AS total_spend,
              (sum(a.impressions) OVER per_company)::text AS total_impressions,
              (sum(a.clicks) OVER per_company)::text AS total_clicks,
              (sum(a.conversions) OVER per_company)::text AS total_conversions,
              (coalesce(sum(a.revenue) OVER per_company, 0))::text AS total_revenue,
              (row_number() OVER (PARTITION BY a.company_id ORDER BY a.date DESC, a.platform))::int AS page_newest,
              (row_number() OVER (PARTITION BY a.company_id, ${after} ORDER BY a.date DESC, a.platform))::int AS page_position,
              ${after} AS page_after
            FROM ad_performance a
            WHERE ${Prisma.join(conditions, ' AND ')}
            WINDOW per_company AS (PARTITION BY a.company_id)
          ) ranked
          WHERE (page_after AND page_position <= ${request.first + 1}) OR page_newest = 1
          ORDER BY company_id, day DESC, platform`;
        const pages = new Map<string, AdPerformanceRows>();
        for (const row of rows) {
          const page = pages.get(row.company_id) ?? {
            rows: [],
            totalCount: row.page_total,
            totals: {
              spend: decimalText(row.total_spend),
              impressions: Number(row.total_impressions),
              clicks: Number(row.total_clicks),
              conversions: decimalText(row.total_conversions),
              revenue: decimalText(row.total_revenue),
            },
          };
          pages.set(row.company_id, page);
          if (row.page_after && row.page_position <= request.first + 1) {
            page.rows.push({
              id: row.id,
              organizationId: row.organization_id,
              companyId: row.company_id,
              platform: row.platform,
              accountId: row.account_id,
              campaignId: row.campaign_id,
              date: new Date(`${row.day}T00:00:00.000Z`),
              spend: decimalText(row.spend),
              impressions: row.impressions,
              clicks: row.clicks,
              conversions: decimalText(row.conversions),
              revenue: optionalDecimal(row.revenue),
              recordedById: row.recorded_by_id,
              createdAt: row.created_at,
              updatedAt: row.updated_at,
            });
          }
        }
        const none = { spend: '0', impressions: 0, clicks: 0, conversions: '0', revenue: '0' };
        return companyIds.map((id) => pages.get(id) ?? { rows: [], totalCount: 0, totals: none });
      }),
  };
}
