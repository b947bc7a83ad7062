/** Organization rules (the tenant root) and the events they imply. No Prisma or GraphQL here. */
import { conflict, enumObject, forbidden, InputIssues } from '@platform/domain';
import {
  createEvent,
  ORGANIZATION_STATUSES,
  SUSPENDERS,
  VERTICALS,
  WEEKDAYS,
  type CatalogEvent,
} from '@platform/events/catalog';

/** The industry an organization works in (the EMMA specification's industry "tenant"). */
export const Vertical = enumObject(VERTICALS);
export type Vertical = (typeof VERTICALS)[number];

/** Lifecycle of an organization: active → suspended (reads only) → cancelled (no sign-in). */
export const OrganizationStatus = enumObject(ORGANIZATION_STATUSES);
export type OrganizationStatus = (typeof ORGANIZATION_STATUSES)[number];

/** Who suspended an organization; it decides who may reactivate it (`reactivate`). */
export const SuspendedBy = enumObject(SUSPENDERS);
export type SuspendedBy = (typeof SUSPENDERS)[number];

export const Weekday = enumObject(WEEKDAYS);
export type Weekday = (typeof WEEKDAYS)[number];

/** Opening hours of one weekday, `HH:MM` (24 h) in the organization's time zone. */
export interface BusinessDay {
  day: Weekday;
  opensAt: string;
  closesAt: string;
}

/** Days in a stage after which a client account's health turns yellow, then red (spec 004). */
export interface HealthThresholds {
  yellowAfterDays: number;
  redAfterDays: number;
}

/** The agency settings of spec 004; other services receive them with the organization's events. */
export interface OrganizationSettings {
  /** IANA time zone. */
  timezone: string;
  /** At most one entry per weekday, in weekday order; a day without an entry is closed. */
  businessHours: BusinessDay[];
  /** The stages client accounts move through, in order. */
  pipelineStages: string[];
  healthThresholds: HealthThresholds;
}

export interface Organization {
  id: string;
  name: string;
  slug: string;
  vertical: Vertical;
  status: OrganizationStatus;
  /** Why it was suspended or cancelled; null while active. */
  statusReason: string | null;
  statusChangedAt: Date | null;
  suspendedBy: SuspendedBy | null;
  parentOrganizationId: string | null;
  logoUrl: string | null;
  domain: string | null;
  settings: OrganizationSettings;
  createdAt: Date;
  updatedAt: Date;
}

/** Spec 004's defaults for a new organization. */
export const DEFAULT_PIPELINE_STAGES = [
  'Onboarding',
  'Installation',
  'Audit',
  'Live',
  'Needs Support',
  'Off-Boarding',
] as const;
export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = { yellowAfterDays: 7, redAfterDays: 14 };

export function defaultSettings(): OrganizationSettings {
  return {
    timezone: 'UTC',
    businessHours: [],
    pipelineStages: [...DEFAULT_PIPELINE_STAGES],
    healthThresholds: { ...DEFAULT_HEALTH_THRESHOLDS },
  };
}

/** The source of every event identity publishes. */
export const EVENT_SOURCE = '/services/identity';

export type OrganizationCreated = CatalogEvent<'identity.organization.created.v1'>;
export type OrganizationUpdated = CatalogEvent<'identity.organization.updated.v1'>;
export type OrganizationStatusChanged = CatalogEvent<'identity.organization.status_changed.v1'>;
export type OrganizationEvent = OrganizationCreated | OrganizationUpdated | OrganizationStatusChanged;

export const SLUG_PATTERN = /^[a-z0-9-]+$/;
export const SLUG_MIN_LENGTH = 2;
export const SLUG_MAX_LENGTH = 100;
export const NAME_MIN_LENGTH = 2;
export const NAME_MAX_LENGTH = 255;

/** Why a slug is not acceptable, or null when it is. */
export function slugProblem(slug: string): string | null {
  if (slug.length < SLUG_MIN_LENGTH || slug.length > SLUG_MAX_LENGTH) {
    return `must be ${SLUG_MIN_LENGTH}–${SLUG_MAX_LENGTH} characters`;
  }
  if (!SLUG_PATTERN.test(slug)) return 'may contain only lower-case letters, digits and hyphens';
  if (slug.startsWith('-') || slug.endsWith('-')) return 'must not start or end with a hyphen';
  return null;
}

/**
 * A slug derived from an organization name: "Acme Realty, Inc." → "acme-realty-inc". Letters with
 * accents lose them; anything else that is not a letter or digit becomes a hyphen.
 */
export function slugFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX_LENGTH)
    .replace(/-+$/g, '');
}

/** Names are trimmed and must be 2–255 characters. */
export function organizationNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed.length < NAME_MIN_LENGTH || trimmed.length > NAME_MAX_LENGTH) {
    return `must be ${NAME_MIN_LENGTH}–${NAME_MAX_LENGTH} characters`;
  }
  return null;
}

/**
 * Active and suspended organizations sign in (a suspended one may read, every write is refused); a
 * cancelled one cannot.
 */
export function organizationCanSignIn(organization: Pick<Organization, 'status'>): boolean {
  return organization.status !== OrganizationStatus.cancelled;
}

export interface NewOrganization {
  id: string;
  /** Checked with `organizationNameProblem` (sign-up reports it under its own field name). */
  name: string;
  /** Checked with `slugProblem`; unique across organizations (storage refuses a taken one). */
  slug: string;
  vertical: Vertical;
  parentOrganizationId: string | null;
  /** Checked with `settingsProblems`; spec 004's defaults when absent. */
  settings?: OrganizationSettings;
}

/** A new organization, active from the start, and the event it implies. */
export function createOrganization(
  input: NewOrganization,
  now: Date,
): { organization: Organization; events: [OrganizationCreated] } {
  const organization: Organization = {
    id: input.id,
    name: input.name,
    slug: input.slug,
    vertical: input.vertical,
    status: OrganizationStatus.active,
    statusReason: null,
    statusChangedAt: null,
    suspendedBy: null,
    parentOrganizationId: input.parentOrganizationId,
    logoUrl: null,
    domain: null,
    settings: input.settings ?? defaultSettings(),
    createdAt: now,
    updatedAt: now,
  };
  return { organization, events: [organizationCreated(organization)] };
}

/** identity.organization.created.v1: the organization is its own tenant. */
function organizationCreated(organization: Organization): OrganizationCreated {
  return createEvent('identity.organization.created.v1', {
    source: EVENT_SOURCE,
    subject: organization.id,
    tenantId: organization.id,
    time: organization.createdAt,
    data: {
      organizationId: organization.id,
      name: organization.name,
      slug: organization.slug,
      vertical: organization.vertical,
      status: organization.status,
      parentOrganizationId: organization.parentOrganizationId,
      settings: organization.settings,
      createdAt: organization.createdAt.toISOString(),
    },
  });
}

// ---------------------------------------------------------------------------------------------------
// Profile and settings

const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
const HOST_PATTERN = /^(?=.{1,100}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const PIPELINE_STAGE_MAX_LENGTH = 50;
export const PIPELINE_STAGES_MAX = 20;
export const HEALTH_DAYS_MAX = 365;
export const STATUS_REASON_MAX_LENGTH = 500;
/** How long a cancelled organization can still be brought back by its agency. */
export const CANCELLATION_GRACE_DAYS = 30;

let timeZones: ReadonlySet<string> | undefined;
/** Whether `zone` is an IANA time zone this runtime knows (UTC included). */
export function isTimeZone(zone: string): boolean {
  timeZones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC']);
  return timeZones.has(zone);
}

export interface SettingsInput {
  timezone?: string | null;
  businessHours?: ReadonlyArray<BusinessDay> | null;
  pipelineStages?: readonly string[] | null;
  healthThresholds?: HealthThresholds | null;
}

/** The settings after `input` (absent fields keep their value), or every problem by field. */
export function changedSettings(current: OrganizationSettings, input: SettingsInput): OrganizationSettings {
  const issues = new InputIssues();
  const next: OrganizationSettings = { ...current };
  if (input.timezone !== undefined && input.timezone !== null) {
    const zone = input.timezone.trim();
    if (!isTimeZone(zone)) issues.add('timezone', 'must be an IANA time zone, e.g. America/New_York');
    next.timezone = zone;
  }
  if (input.businessHours !== undefined && input.businessHours !== null) {
    const seen = new Set<string>();
    input.businessHours.forEach((day, index) => {
      if (seen.has(day.day)) issues.add(`businessHours.${index}.day`, 'appears twice');
      seen.add(day.day);
      const opens = TIME_PATTERN.test(day.opensAt);
      const closes = TIME_PATTERN.test(day.closesAt);
      if (!opens) issues.add(`businessHours.${index}.opensAt`, 'must be HH:MM (24 h)');
      if (!closes) issues.add(`businessHours.${index}.closesAt`, 'must be HH:MM (24 h)');
      if (opens && closes && day.opensAt >= day.closesAt) {
        issues.add(`businessHours.${index}.closesAt`, 'must be after opensAt');
      }
    });
    next.businessHours = [...input.businessHours]
      .map((day) => ({ day: day.day, opensAt: day.opensAt, closesAt: day.closesAt }))
      .sort((a, b) => WEEKDAYS.indexOf(a.day) - WEEKDAYS.indexOf(b.day));
  }
  if (input.pipelineStages !== undefined && input.pipelineStages !== null) {
    const stages = input.pipelineStages.map((stage) => stage.trim());
    if (stages.length === 0 || stages.length > PIPELINE_STAGES_MAX) {
      issues.add('pipelineStages', `must list 1–${PIPELINE_STAGES_MAX} stages`);
    }
    const seen = new Set<string>();
    stages.forEach((stage, index) => {
      if (stage.length === 0 || stage.length > PIPELINE_STAGE_MAX_LENGTH) {
        issues.add(`pipelineStages.${index}`, `must be 1–${PIPELINE_STAGE_MAX_LENGTH} characters`);
      }
      if (seen.has(stage.toLowerCase())) issues.add(`pipelineStages.${index}`, 'appears twice');
      seen.add(stage.toLowerCase());
    });
    next.pipelineStages = stages;
  }
  if (input.healthThresholds !== undefined && input.healthThresholds !== null) {
    const { yellowAfterDays, redAfterDays } = input.healthThresholds;
    if (!Number.isInteger(yellowAfterDays) || yellowAfterDays < 1 || yellowAfterDays > HEALTH_DAYS_MAX) {
      issues.add('healthThresholds.yellowAfterDays', `must be a whole number of days, 1–${HEALTH_DAYS_MAX}`);
    }
    if (
      !Number.isInteger(redAfterDays) ||
      redAfterDays <= yellowAfterDays ||
      redAfterDays > HEALTH_DAYS_MAX
    ) {
      issues.add(
        'healthThresholds.redAfterDays',
        `must be more days than yellowAfterDays, at most ${HEALTH_DAYS_MAX}`,
      );
    }
    next.healthThresholds = { yellowAfterDays, redAfterDays };
  }
  issues.throwIfAny();
  return next;
}

export interface ProfileInput {
  name?: string | null;
  vertical?: Vertical | null;
  /** An empty string removes it. */
  logoUrl?: string | null;
  /** An empty string removes it. */
  domain?: string | null;
}

function logoProblem(url: string): string | null {
  if (url.length > 500) return 'must be at most 500 characters';
  try {
    return new URL(url).protocol === 'https:' ? null : 'must be an https URL';
  } catch {
    return 'must be an https URL';
  }
}

/** The organization with a changed profile and settings, and the event saying so. */
export function changeOrganization(
  organization: Organization,
  profile: ProfileInput,
  settings: SettingsInput,
  now: Date,
): { organization: Organization; events: OrganizationUpdated[] } {
  const issues = new InputIssues();
  const next: Organization = { ...organization, updatedAt: now };
  if (profile.name !== undefined && profile.name !== null) {
    const problem = organizationNameProblem(profile.name);
    if (problem) issues.add('name', problem);
    next.name = profile.name.trim();
  }
  if (profile.vertical !== undefined && profile.vertical !== null) next.vertical = profile.vertical;
  if (profile.logoUrl !== undefined && profile.logoUrl !== null) {
    const url = profile.logoUrl.trim();
    const problem = url === '' ? null : logoProblem(url);
    if (problem) issues.add('logoUrl', problem);
    next.logoUrl = url === '' ? null : url;
  }
  if (profile.domain !== undefined && profile.domain !== null) {
    const domain = profile.domain.trim().toLowerCase();
    if (domain !== '' && !HOST_PATTERN.test(domain))
      issues.add('domain', 'must be a host name, e.g. crm.acme.example');
    next.domain = domain === '' ? null : domain;
  }
  issues.throwIfAny();
  next.settings = changedSettings(organization.settings, settings);
  return { organization: next, events: [organizationUpdated(next)] };
}

function organizationUpdated(organization: Organization): OrganizationUpdated {
  return createEvent('identity.organization.updated.v1', {
    source: EVENT_SOURCE,
    subject: organization.id,
    tenantId: organization.id,
    time: organization.updatedAt,
    data: {
      organizationId: organization.id,
      name: organization.name,
      slug: organization.slug,
      vertical: organization.vertical,
      logoUrl: organization.logoUrl,
      domain: organization.domain,
      settings: organization.settings,
      updatedAt: organization.updatedAt.toISOString(),
    },
  });
}

// ---------------------------------------------------------------------------------------------------
// Lifecycle: active → suspended → active; active or suspended → cancelled; cancelled → active within
// CANCELLATION_GRACE_DAYS by the managing agency.

/** Who is changing the status: the organization's own owner, its managing agency, or the platform. */
export type StatusActor = SuspendedBy;

/** Who may lift a suspension made by whom: whoever suspended, or anyone above them. */
const RANK: Record<SuspendedBy, number> = { owner: 0, agency: 1, platform: 2 };

function statusChanged(
  before: Organization,
  after: Organization,
  changedBy: { userId: string | null; actingFromOrganizationId: string | null },
): OrganizationStatusChanged {
  return createEvent('identity.organization.status_changed.v1', {
    source: EVENT_SOURCE,
    subject: after.id,
    tenantId: after.id,
    time: after.updatedAt,
    data: {
      organizationId: after.id,
      from: before.status,
      to: after.status,
      reason: after.statusReason,
      suspendedBy: after.suspendedBy,
      changedById: changedBy.userId,
      changedFromOrganizationId: changedBy.actingFromOrganizationId,
      occurredAt: after.updatedAt.toISOString(),
    },
  });
}

function reasonOf(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed.length === 0 || trimmed.length > STATUS_REASON_MAX_LENGTH) {
    new InputIssues().add('reason', `must be 1–${STATUS_REASON_MAX_LENGTH} characters`).throwIfAny();
  }
  return trimmed;
}

export interface StatusChange {
  organization: Organization;
  events: [OrganizationStatusChanged];
}

type ChangedBy = { userId: string | null; actingFromOrganizationId: string | null };

/** Suspends an active organization: it keeps reading, every write is refused until reactivated. */
export function suspend(
  organization: Organization,
  by: StatusActor,
  reason: string,
  changedBy: ChangedBy,
  now: Date,
): StatusChange {
  if (organization.status !== OrganizationStatus.active) {
    throw conflict(
      `The organization is ${organization.status}; only an active organization can be suspended`,
    );
  }
  const next: Organization = {
    ...organization,
    status: OrganizationStatus.suspended,
    statusReason: reasonOf(reason),
    statusChangedAt: now,
    suspendedBy: by,
    updatedAt: now,
  };
  return { organization: next, events: [statusChanged(organization, next, changedBy)] };
}

/**
 * Brings an organization back to active. A suspension is lifted by whoever made it or anyone above
 * (owner < agency < platform): an owner cannot lift the agency's suspension. A cancelled organization
 * comes back only through its managing agency (or the platform) within CANCELLATION_GRACE_DAYS.
 */
export function reactivate(
  organization: Organization,
  by: StatusActor,
  changedBy: ChangedBy,
  now: Date,
): StatusChange {
  if (organization.status === OrganizationStatus.active) throw conflict('The organization is already active');
  if (organization.status === OrganizationStatus.suspended) {
    const suspendedBy = organization.suspendedBy ?? 'platform';
    if (RANK[by] < RANK[suspendedBy]) {
      throw forbidden(`The organization was suspended by its ${suspendedBy}; only they can reactivate it`);
    }
  } else {
    if (by === 'owner')
      throw forbidden('A cancelled organization can only be reactivated by its managing agency');
    const since = organization.statusChangedAt?.getTime() ?? 0;
    if (by === 'agency' && now.getTime() - since > CANCELLATION_GRACE_DAYS * 86_400_000) {
      throw conflict(`The organization was cancelled more than ${CANCELLATION_GRACE_DAYS} days ago`);
    }
  }
  const next: Organization = {
    ...organization,
    status: OrganizationStatus.active,
    statusReason: null,
    statusChangedAt: now,
    suspendedBy: null,
    updatedAt: now,
  };
  return { organization: next, events: [statusChanged(organization, next, changedBy)] };
}

/**
 * Cancels an organization: nobody signs in any more; its data is kept. The owner confirms with the
 * organization's slug.
 */
export function cancel(
  organization: Organization,
  reason: string,
  confirmSlug: string,
  changedBy: ChangedBy,
  now: Date,
): StatusChange {
  if (organization.status === OrganizationStatus.cancelled)
    throw conflict('The organization is already cancelled');
  if (confirmSlug.trim() !== organization.slug) {
    new InputIssues().add('confirmSlug', "must be the organization's slug").throwIfAny();
  }
  const next: Organization = {
    ...organization,
    status: OrganizationStatus.cancelled,
    statusReason: reasonOf(reason),
    statusChangedAt: now,
    suspendedBy: null,
    updatedAt: now,
  };
  return { organization: next, events: [statusChanged(organization, next, changedBy)] };
}
