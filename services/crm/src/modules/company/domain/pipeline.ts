/**
 * A client account's place in the organization's pipeline (spec 004): which stages it may be moved
 * to, how many days it has been in its stage and the health those days imply. The stages, thresholds
 * and time zone are identity's organization settings, which crm keeps a projection of (fed by
 * identity.organization.created.v1 / .updated.v1). No Prisma or GraphQL here.
 */
import { COMPANY_HEALTH_STATUSES } from '@platform/events/catalog';
import { enumObject, type InputIssues } from '@platform/domain';

export const CompanyHealth = enumObject(COMPANY_HEALTH_STATUSES);
export type CompanyHealth = (typeof COMPANY_HEALTH_STATUSES)[number];

/** The settings of an organization that client accounts depend on. */
export interface OrganizationSettings {
  /** The stages client accounts move through, in order (never empty). */
  pipelineStages: readonly string[];
  /** Days in a stage after which an account turns yellow, then red (red > yellow ≥ 1). */
  yellowAfterDays: number;
  redAfterDays: number;
  /** IANA time zone: days in a stage are calendar days there. */
  timezone: string;
}

/**
 * Identity's defaults for a new organization (spec 004: Onboarding … Off-Boarding, yellow after 7 days,
 * red after 14, UTC), used until the organization's settings reach crm.
 */
export const DEFAULT_ORGANIZATION_SETTINGS: OrganizationSettings = Object.freeze({
  pipelineStages: Object.freeze([
    'Onboarding',
    'Installation',
    'Audit',
    'Live',
    'Needs Support',
    'Off-Boarding',
  ]),
  yellowAfterDays: 7,
  redAfterDays: 14,
  timezone: 'UTC',
});

/**
 * The organization's stage `value` names, in the organization's spelling: trimmed and compared
 * without regard to case (identity refuses two stages that differ only in case). Adds an issue at
 * `path` listing the allowed stages when it names none of them.
 */
export function resolveStage(
  settings: Pick<OrganizationSettings, 'pipelineStages'>,
  value: string,
  issues: InputIssues,
  path = 'stage',
): string {
  const wanted = value.trim().toLowerCase();
  const found = settings.pipelineStages.find((stage) => stage.toLowerCase() === wanted);
  if (found === undefined) {
    issues.add(path, `must be one of the organization's stages: ${settings.pipelineStages.join(', ')}`);
    return value.trim();
  }
  return found;
}

/** The stage a new account starts in when none is given: the pipeline's first. */
export function firstStage(settings: Pick<OrganizationSettings, 'pipelineStages'>): string {
  return settings.pipelineStages[0] ?? DEFAULT_ORGANIZATION_SETTINGS.pipelineStages[0] ?? 'Onboarding';
}

const DAY_MS = 86_400_000;

/** The calendar date of `instant` in `timeZone`, as days since 1970-01-01 (UTC if the zone is unknown). */
function localDay(instant: Date, timeZone: string): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
    }).formatToParts(instant);
  } catch {
    return Math.floor(instant.getTime() / DAY_MS);
  }
  const part = (type: 'year' | 'month' | 'day') => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(part('year'), part('month') - 1, part('day')) / DAY_MS;
}

/**
 * Whole days an account has been in its stage: the calendar days (midnights) passed in the
 * organization's time zone since it entered it, so an account moved yesterday evening is 1 day in its
 * stage this morning. Never negative (a clock running behind the stored time reads as 0).
 */
export function daysInStage(stageEnteredAt: Date, now: Date, timeZone: string): number {
  return Math.max(0, localDay(now, timeZone) - localDay(stageEnteredAt, timeZone));
}

/**
 * Spec 004's health rule: an account is green until it has been `yellowAfterDays` days in its stage,
 * yellow from then, red from `redAfterDays`. Computed whenever it is read (it changes with time, not
 * with writes); there is no manual override (spec 004 has none).
 */
export function healthStatus(
  days: number,
  thresholds: Pick<OrganizationSettings, 'yellowAfterDays' | 'redAfterDays'>,
): CompanyHealth {
  if (days >= thresholds.redAfterDays) return CompanyHealth.red;
  if (days >= thresholds.yellowAfterDays) return CompanyHealth.yellow;
  return CompanyHealth.green;
}

/**
 * The stage-entry dates (calendar days in the organization's zone, as `YYYY-MM-DD`) that give a
 * health: an account is `health` exactly when the day it entered its stage lies in `[from, to]` (either
 * end open when null). What a list filter on health compiles to.
 */
export function stageEntryDaysFor(
  health: CompanyHealth,
  now: Date,
  settings: Pick<OrganizationSettings, 'yellowAfterDays' | 'redAfterDays' | 'timezone'>,
): { from: string | null; to: string | null } {
  const today = localDay(now, settings.timezone);
  const day = (offset: number) => new Date((today - offset) * DAY_MS).toISOString().slice(0, 10);
  switch (health) {
    case CompanyHealth.green:
      return { from: day(settings.yellowAfterDays - 1), to: null };
    case CompanyHealth.yellow:
      return { from: day(settings.redAfterDays - 1), to: day(settings.yellowAfterDays) };
    case CompanyHealth.red:
      return { from: null, to: day(settings.redAfterDays) };
  }
}
