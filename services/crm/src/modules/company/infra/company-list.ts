import { isUuid } from '@platform/domain';
import { COMPANY_ASSIGNMENT_ROLES, COMPANY_HEALTH_STATUSES } from '@platform/events/catalog';
import type { Bind, ListSpec } from '@platform/service-kit';
import { stageEntryDaysFor, type OrganizationSettings } from '../domain/pipeline';

/** A condition's list value (`in`), or none. */
function itemsOf(value: unknown): unknown[] {
  const items: unknown[] = Array.isArray(value) ? value : [];
  return items;
}

/** The values of an `eq` / `in` condition that are among `allowed` (a filter's other values match nothing). */
function valuesOf<T extends string>(
  condition: Readonly<Record<string, unknown>>,
  allowed: readonly T[],
): T[] | null {
  const given = [condition.eq, ...itemsOf(condition.in)].filter(
    (value) => value !== undefined && value !== null,
  );
  if (given.length === 0 && !Array.isArray(condition.in)) return null;
  return allowed.filter((value) => given.includes(value));
}

/**
 * How the company list filters and sorts (the API's CompanyFilter and CompanyOrderField, see
 * company.graphql) over the companies table. Health is not stored (it changes with time): a health
 * filter becomes the range of stage-entry days that gives it, in the organization's time zone, as of
 * `now`. An assigned-user filter asks the assignments table.
 */
export function companyListSpec(settings: OrganizationSettings, now: Date): ListSpec {
  const entryDay = (bind: Bind) =>
    `(t.stage_entered_at AT TIME ZONE ${bind(settings.timezone, 'text')})::date`;
  return {
    table: 'companies',
    where: 't.deleted_at IS NULL',
    customFieldsColumn: 'custom_fields',
    customFieldSort: 'CUSTOM_FIELD',
    filters: {
      id: { column: 'id', type: 'uuid' },
      name: { column: 'name', type: 'text' },
      domain: { column: 'domain', type: 'text', nullable: true },
      accountStage: { column: 'account_stage', type: 'text' },
      healthStatus: (condition, bind) => {
        const healths = valuesOf(condition, COMPANY_HEALTH_STATUSES);
        if (healths === null) return 'TRUE';
        const ranges = healths.map((health) => {
          const { from, to } = stageEntryDaysFor(health, now, settings);
          const day = entryDay(bind);
          return [
            ...(from === null ? [] : [`${day} >= ${bind(from, 'date')}`]),
            ...(to === null ? [] : [`${day} <= ${bind(to, 'date')}`]),
          ].join(' AND ');
        });
        return ranges.length === 0 ? 'FALSE' : ranges.map((range) => `(${range})`).join(' OR ');
      },
      industry: { column: 'industry', type: 'text', nullable: true },
      size: { column: 'size', type: 'enum', nullable: true },
      tags: { column: 'tags', type: 'text[]' },
      parentCompanyId: { column: 'parent_company_id', type: 'uuid', nullable: true },
      primaryContactId: { column: 'primary_contact_id', type: 'uuid', nullable: true },
      assignedUserId: (condition, bind) => {
        const named = (condition.eq !== undefined && condition.eq !== null) || Array.isArray(condition.in);
        const users = [condition.eq, ...itemsOf(condition.in)].filter(
          (id): id is string => typeof id === 'string' && isUuid(id),
        );
        const role = COMPANY_ASSIGNMENT_ROLES.find((value) => value === condition.role);
        const parts = ['a.organization_id = t.organization_id', 'a.company_id = t.id'];
        // Ids that name no user match nothing (like ids of no company elsewhere).
        if (named) parts.push(users.length === 0 ? 'FALSE' : `a.user_id = ANY(${bind(users, 'uuid[]')})`);
        if (role) parts.push(`a.role = ${bind(role, 'text')}::"CompanyAssignmentRole"`);
        return `EXISTS (SELECT 1 FROM company_assignments a WHERE ${parts.join(' AND ')})`;
      },
      isActive: { column: 'is_active', type: 'boolean' },
      currency: { column: 'currency', type: 'text', nullable: true },
      revenue: { column: 'revenue', type: 'numeric', nullable: true },
      totalSpend: { column: 'total_spend', type: 'numeric' },
      lifetimeValue: { column: 'lifetime_value', type: 'numeric', nullable: true },
      installDate: { column: 'install_date', type: 'date', nullable: true },
      stageEnteredAt: { column: 'stage_entered_at', type: 'timestamptz' },
      createdAt: { column: 'created_at', type: 'timestamptz' },
      updatedAt: { column: 'updated_at', type: 'timestamptz' },
    },
    sorts: {
      CREATED_AT: { column: 'created_at', type: 'timestamptz' },
      UPDATED_AT: { column: 'updated_at', type: 'timestamptz' },
      NAME: { column: 'name_sort_key', type: 'text' },
      STAGE_ENTERED_AT: { column: 'stage_entered_at', type: 'timestamptz' },
      TOTAL_SPEND: { column: 'total_spend', type: 'numeric' },
      LIFETIME_VALUE: { column: 'lifetime_value', type: 'numeric', nullable: true },
      REVENUE: { column: 'revenue', type: 'numeric', nullable: true },
      INSTALL_DATE: { column: 'install_date', type: 'date', nullable: true },
    },
  };
}
