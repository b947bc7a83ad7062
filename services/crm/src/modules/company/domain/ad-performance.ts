/**
 * A company's ad figures (spec 004 AD_PERFORMANCE): one row per company, platform and day, recorded
 * again when the platform corrects a day (idempotent: the same figures twice change nothing). The
 * company's totalSpend is the sum of its rows' spend. No Prisma or GraphQL here.
 */
import { AD_PLATFORMS, createEvent } from '@platform/events/catalog';
import { badUserInput, enumObject, InputIssues } from '@platform/domain';
import { EVENT_SOURCE, type CompanyEvent } from './company';

export const AdPlatform = enumObject(AD_PLATFORMS);
export type AdPlatform = (typeof AD_PLATFORMS)[number];

export interface AdPerformance {
  id: string;
  organizationId: string;
  companyId: string;
  platform: AdPlatform;
  /** The ad account on the platform. */
  accountId: string;
  campaignId: string | null;
  /** The day (UTC midnight of it). */
  date: Date;
  /** Exact decimals as canonical strings, in the company's currency. */
  spend: string;
  impressions: number;
  clicks: number;
  conversions: string;
  revenue: string | null;
  recordedById: string;
  /** When the day was first recorded. */
  createdAt: Date;
  /** When its figures last changed. */
  updatedAt: Date;
}

/** The figures of one day as a caller records them (amounts are canonical Decimal strings). */
export interface AdPerformanceInput {
  platform: AdPlatform;
  accountId: string;
  campaignId?: string | null;
  date: Date;
  spend: string;
  impressions: number;
  clicks: number;
  conversions: string;
  revenue?: string | null;
}

/** Sums over the rows of a range: spend, impressions, clicks, conversions, revenue. */
export interface AdPerformanceTotals {
  spend: string;
  impressions: number;
  clicks: number;
  conversions: string;
  revenue: string;
}

export const MAX_EXTERNAL_ID_LENGTH = 100;

/** A day PostgreSQL can hold (years 1–9999; the Date scalar lets year 0 through). */
const isStorableDay = (date: Date) =>
  !Number.isNaN(date.getTime()) && date.getUTCFullYear() >= 1 && date.getUTCFullYear() <= 9999;
/** GraphQL's Int: impressions and clicks of one day. */
const MAX_INT = 2_147_483_647;

export type CheckedAdPerformance = Pick<
  AdPerformance,
  | 'platform'
  | 'accountId'
  | 'campaignId'
  | 'date'
  | 'spend'
  | 'impressions'
  | 'clicks'
  | 'conversions'
  | 'revenue'
>;

function externalId(issues: InputIssues, path: string, value: string): string {
  const id = value.trim();
  if (id.length < 1 || id.length > MAX_EXTERNAL_ID_LENGTH)
    issues.add(path, `must be 1–${MAX_EXTERNAL_ID_LENGTH} characters`);
  return id;
}

function count(issues: InputIssues, path: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > MAX_INT)
    issues.add(path, 'must be a whole number, 0 or more');
  return value;
}

function amount(issues: InputIssues, path: string, value: string): string {
  if (value.startsWith('-')) issues.add(path, 'must not be negative');
  return value;
}

/** Checks a day's figures: ids 1–100 characters, counts and amounts not negative, a real day. */
export function checkAdPerformance(input: AdPerformanceInput, issues: InputIssues): CheckedAdPerformance {
  const campaign = input.campaignId?.trim() ?? '';
  if (!isStorableDay(input.date)) issues.add('date', 'must be a date in the years 1–9999');
  return {
    platform: input.platform,
    accountId: externalId(issues, 'accountId', input.accountId),
    campaignId: campaign ? externalId(issues, 'campaignId', campaign) : null,
    date: input.date,
    spend: amount(issues, 'spend', input.spend),
    impressions: count(issues, 'impressions', input.impressions),
    clicks: count(issues, 'clicks', input.clicks),
    conversions: amount(issues, 'conversions', input.conversions),
    revenue:
      input.revenue === null || input.revenue === undefined ? null : amount(issues, 'revenue', input.revenue),
  };
}

const FIGURES = [
  'accountId',
  'campaignId',
  'spend',
  'impressions',
  'clicks',
  'conversions',
  'revenue',
] as const;

/**
 * Records a day's figures over what was stored for that company, platform and day (`existing`, or
 * null): a new row, the row corrected, or — the same figures again — nothing at all (no write, no
 * event), which makes a platform sync safe to repeat.
 */
export function recordAdPerformance(
  ids: { id: string; organizationId: string; companyId: string; recordedById: string },
  figures: CheckedAdPerformance,
  existing: AdPerformance | null,
  now: Date,
): { row: AdPerformance; changed: boolean; events: CompanyEvent[] } {
  if (existing && FIGURES.every((field) => existing[field] === figures[field])) {
    return { row: existing, changed: false, events: [] };
  }
  const row: AdPerformance = existing
    ? { ...existing, ...figures, recordedById: ids.recordedById, updatedAt: now }
    : { ...ids, ...figures, createdAt: now, updatedAt: now };
  return {
    row,
    changed: true,
    events: [
      createEvent('crm.company.ad_performance_recorded.v1', {
        source: EVENT_SOURCE,
        subject: row.companyId,
        tenantId: row.organizationId,
        time: now,
        data: {
          companyId: row.companyId,
          organizationId: row.organizationId,
          adPerformanceId: row.id,
          platform: row.platform,
          date: row.date.toISOString().slice(0, 10),
          created: existing === null,
          recordedById: ids.recordedById,
          recordedAt: now.toISOString(),
        },
      }),
    ],
  };
}

/** Which rows of a company's ad figures to read: days from..to (inclusive), one platform or all. */
export interface AdPerformanceRange {
  from: Date | null;
  to: Date | null;
  platform: AdPlatform | null;
}

/** A range must name days of the years 1–9999, `from` not after `to` (BAD_USER_INPUT otherwise). */
export function checkRange(range: AdPerformanceRange): AdPerformanceRange {
  const issues = new InputIssues();
  for (const end of ['from', 'to'] as const) {
    const day = range[end];
    if (day && !isStorableDay(day)) issues.add(end, 'must be a date in the years 1–9999');
  }
  if (range.from && range.to && range.from.getTime() > range.to.getTime())
    issues.add('from', 'must not be after to');
  issues.throwIfAny();
  return range;
}

/** Where a page of ad figures starts: after this day and platform, in (date desc, platform) order. */
export interface AdPerformancePosition {
  date: Date;
  platform: AdPlatform;
}

export function encodeAdCursor(position: AdPerformancePosition): string {
  return Buffer.from(`ad|${position.date.toISOString().slice(0, 10)}|${position.platform}`).toString(
    'base64url',
  );
}

export function decodeAdCursor(after: string): AdPerformancePosition {
  const [kind, day, platform, extra] = Buffer.from(after, 'base64url').toString('utf8').split('|');
  const date = new Date(`${day ?? ''}T00:00:00.000Z`);
  const known = AD_PLATFORMS.find((value) => value === platform);
  if (kind !== 'ad' || extra !== undefined || !isStorableDay(date) || known === undefined) {
    throw badUserInput('after is not a cursor of this connection', {
      issues: [{ path: 'after', message: 'invalid cursor', code: 'invalid' }],
    });
  }
  return { date, platform: known };
}
