/**
 * Company rules (spec 003 Company, spec 004 CLIENT account) and the events they imply. No Prisma or
 * GraphQL here. Events carry ids, enums, stage names and changed field names only: names, domains,
 * websites, descriptions and notes stay in crm (a domain or a note may well name a person).
 */
import {
  COMPANY_SIZES,
  COMPANY_UPDATABLE_FIELDS,
  createEvent,
  type CatalogEvent,
} from '@platform/events/catalog';
import { conflict, enumObject, isUuid, type InputIssues, type SortKey } from '@platform/domain';

export const CompanySize = enumObject(COMPANY_SIZES);
export type CompanySize = (typeof COMPANY_SIZES)[number];
export type CompanyField = (typeof COMPANY_UPDATABLE_FIELDS)[number];

export type CustomFieldValues = Record<string, unknown>;

/** What the company list sorts by (the API's CompanyOrderField). */
export const COMPANY_ORDER_FIELDS = [
  'CREATED_AT',
  'UPDATED_AT',
  'NAME',
  'STAGE_ENTERED_AT',
  'TOTAL_SPEND',
  'LIFETIME_VALUE',
  'REVENUE',
  'INSTALL_DATE',
  'CUSTOM_FIELD',
] as const;
export const CompanyOrderField = enumObject(COMPANY_ORDER_FIELDS);
export type CompanyOrderField = (typeof COMPANY_ORDER_FIELDS)[number];

/** Newest first. */
export const DEFAULT_COMPANY_ORDER: readonly SortKey[] = [{ field: 'CREATED_AT', direction: 'DESC' }];

/** What a name sorts by: lower-cased, accents dropped (Élan sorts with elan, between Acme and Zeta). */
export function nameSortKey(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().slice(0, MAX_NAME_LENGTH);
}

export interface Company {
  id: string;
  organizationId: string;
  name: string;
  /** Lower-case host name without `www.` (acme.com); unique among the organization's live companies. */
  domain: string | null;
  /** An http(s) URL. */
  website: string | null;
  industry: string | null;
  size: CompanySize | null;
  /** Exact decimals as canonical strings (the Decimal scalar's form), in `currency`. */
  revenue: string | null;
  /** ISO 4217 (EUR): the currency of revenue, totalSpend, lifetimeValue and the ad figures. */
  currency: string | null;
  description: string | null;
  parentCompanyId: string | null;
  primaryContactId: string | null;
  /** One of the organization's pipeline stages when it was set. */
  accountStage: string;
  stageEnteredAt: Date;
  /** A calendar date: UTC midnight of the day the client went live. */
  installDate: Date | null;
  /** The sum of the company's ad performance spend (kept by recordAdPerformance). */
  totalSpend: string;
  lifetimeValue: string | null;
  notes: string | null;
  tags: string[];
  isActive: boolean;
  customFields: CustomFieldValues;
  /** Optimistic concurrency: 1 when created, +1 per change. */
  version: number;
  createdById: string;
  updatedById: string;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** One entry of a company's stage history (spec 004 STAGE_EVENT). */
export interface CompanyStageEvent {
  id: string;
  organizationId: string;
  companyId: string;
  /** Null for the stage a company was created in. */
  fromStage: string | null;
  toStage: string;
  movedById: string;
  notes: string | null;
  /** When it moved (`createdAt`: what lists page on). */
  createdAt: Date;
}

/** What a caller may set on a company (create: any; update: any, null clears an optional one). */
export interface CompanyFieldsInput {
  name?: string | null;
  domain?: string | null;
  website?: string | null;
  industry?: string | null;
  size?: CompanySize | null;
  revenue?: string | null;
  currency?: string | null;
  description?: string | null;
  parentCompanyId?: string | null;
  primaryContactId?: string | null;
  installDate?: Date | null;
  lifetimeValue?: string | null;
  notes?: string | null;
  tags?: readonly string[] | null;
  isActive?: boolean | null;
  customFields?: CustomFieldValues | null;
}

export interface NewCompanyInput extends CompanyFieldsInput {
  name: string;
  /** One of the organization's stages; its first stage when omitted. */
  accountStage?: string | null;
}

/** Checked fields: every one present has a valid, normalised value. */
export type CompanyChanges = Partial<Pick<Company, CompanyField>>;

export type CompanyEvent = CatalogEvent<
  | 'crm.company.created.v1'
  | 'crm.company.updated.v1'
  | 'crm.company.deleted.v1'
  | 'crm.company.restored.v1'
  | 'crm.company.stage_moved.v1'
  | 'crm.company.assignment_added.v1'
  | 'crm.company.assignment_removed.v1'
  | 'crm.company.ad_performance_recorded.v1'
>;

export const EVENT_SOURCE = '/services/crm';
export const MAX_NAME_LENGTH = 255;
export const MAX_INDUSTRY_LENGTH = 100;
export const MAX_WEBSITE_LENGTH = 500;
export const MAX_TEXT_LENGTH = 10_000;
export const MAX_TAGS = 50;
export const MAX_TAG_LENGTH = 64;

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * A domain as stored and looked up: the lower-case host name (internationalised names in their
 * ASCII form) without a trailing dot or a leading `www.`; a URL is accepted and reduced to its host
 * (`https://www.Acme.com/about` → `acme.com`). Null when it is no host name with a top-level domain.
 */
export function normalizeDomain(value: string): string | null {
  const text = value.trim();
  if (!text) return null;
  let host: string;
  try {
    const url = new URL(SCHEME.test(text) ? text : `http://${text}`);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) return null;
    host = url.hostname.toLowerCase();
  } catch {
    return null;
  }
  host = host.replace(/\.$/, '');
  if (host.startsWith('www.')) host = host.slice(4);
  const labels = host.split('.');
  const top = labels[labels.length - 1] ?? '';
  if (host.length > 253 || labels.length < 2 || !labels.every((label) => LABEL.test(label))) return null;
  // A numeric top-level label is an IP address, not a domain.
  return /^\d+$/.test(top) ? null : host;
}

/** A website as stored: an http(s) URL with a host name (https:// assumed when no scheme is given). */
export function normalizeWebsite(value: string): string | null {
  const text = value.trim();
  if (!text) return null;
  try {
    const url = new URL(SCHEME.test(text) ? text : `https://${text}`);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) return null;
    if (!url.hostname.includes('.') || url.href.length > MAX_WEBSITE_LENGTH) return null;
    return url.href;
  } catch {
    return null;
  }
}

/** An ISO 4217 currency code the runtime knows, upper-cased; null when it is none. */
export function normalizeCurrency(value: string): string | null {
  const code = value.trim().toUpperCase();
  return /^[A-Z]{3}$/.test(code) && Intl.supportedValuesOf('currency').includes(code) ? code : null;
}

/** Trimmed text of at most `max` characters; empty is none. */
function optionalText(issues: InputIssues, path: string, value: string | null, max: number): string | null {
  const text = value?.trim() ?? '';
  if (text.length > max) issues.add(path, `must be at most ${max.toLocaleString('en')} characters`);
  return text.length === 0 ? null : text;
}

function checkName(issues: InputIssues, value: string): string {
  const name = value.trim();
  if (name.length < 1 || name.length > MAX_NAME_LENGTH)
    issues.add('name', `must be 1–${MAX_NAME_LENGTH} characters`);
  return name;
}

/** An amount of money: not negative (the Decimal scalar has checked its form). */
function checkAmount(issues: InputIssues, path: string, value: string | null): string | null {
  if (value !== null && value.startsWith('-')) issues.add(path, 'must not be negative');
  return value;
}

export function checkTags(issues: InputIssues, value: readonly string[] | null, path = 'tags'): string[] {
  const tags = [...new Set((value ?? []).map((tag) => tag.trim()))];
  if (tags.length > MAX_TAGS) issues.add(path, `at most ${MAX_TAGS} tags`);
  tags.forEach((tag, index) => {
    if (tag.length < 1 || tag.length > MAX_TAG_LENGTH)
      issues.add(`${path}.${index}`, `must be 1–${MAX_TAG_LENGTH} characters`);
  });
  return tags;
}

/** Years PostgreSQL and every client can hold. */
function checkDate(issues: InputIssues, path: string, value: Date | null): Date | null {
  if (value && (Number.isNaN(value.getTime()) || value.getUTCFullYear() < 1 || value.getUTCFullYear() > 9999))
    issues.add(path, 'must be a date in the years 1–9999');
  return value;
}

function checkId(issues: InputIssues, path: string, value: string | null): string | null {
  if (value !== null && !isUuid(value)) issues.add(path, 'must be a UUID');
  return value;
}

/**
 * The fields of `input` that are present, checked and normalised. A field left undefined is not in
 * the answer; null clears an optional field (name and isActive cannot be cleared). Problems are added
 * to `issues`, so the caller reports them with those of the references, all at once.
 */
export function checkCompanyFields(input: CompanyFieldsInput, issues: InputIssues): CompanyChanges {
  const fields: CompanyChanges = {};
  if (input.name !== undefined) {
    if (input.name === null) issues.add('name', 'cannot be cleared');
    else fields.name = checkName(issues, input.name);
  }
  if (input.isActive !== undefined) {
    if (input.isActive === null) issues.add('isActive', 'cannot be cleared');
    else fields.isActive = input.isActive;
  }
  if (input.domain !== undefined) {
    const text = input.domain?.trim() ?? '';
    const domain = text ? normalizeDomain(text) : null;
    if (text && domain === null) issues.add('domain', 'must be a domain name, e.g. acme.com');
    fields.domain = domain;
  }
  if (input.website !== undefined) {
    const text = input.website?.trim() ?? '';
    const website = text ? normalizeWebsite(text) : null;
    if (text && website === null)
      issues.add('website', `must be an http(s) URL of at most ${MAX_WEBSITE_LENGTH} characters`);
    fields.website = website;
  }
  if (input.currency !== undefined) {
    const text = input.currency?.trim() ?? '';
    const currency = text ? normalizeCurrency(text) : null;
    if (text && currency === null) issues.add('currency', 'must be an ISO 4217 currency code, e.g. EUR');
    fields.currency = currency;
  }
  if (input.industry !== undefined)
    fields.industry = optionalText(issues, 'industry', input.industry, MAX_INDUSTRY_LENGTH);
  if (input.description !== undefined)
    fields.description = optionalText(issues, 'description', input.description, MAX_TEXT_LENGTH);
  if (input.notes !== undefined) fields.notes = optionalText(issues, 'notes', input.notes, MAX_TEXT_LENGTH);
  if (input.size !== undefined) fields.size = input.size;
  if (input.revenue !== undefined) fields.revenue = checkAmount(issues, 'revenue', input.revenue);
  if (input.lifetimeValue !== undefined)
    fields.lifetimeValue = checkAmount(issues, 'lifetimeValue', input.lifetimeValue);
  if (input.installDate !== undefined)
    fields.installDate = checkDate(issues, 'installDate', input.installDate);
  if (input.tags !== undefined) fields.tags = checkTags(issues, input.tags);
  if (input.customFields !== undefined) fields.customFields = input.customFields ?? {};
  if (input.parentCompanyId !== undefined)
    fields.parentCompanyId = checkId(issues, 'parentCompanyId', input.parentCompanyId);
  if (input.primaryContactId !== undefined)
    fields.primaryContactId = checkId(issues, 'primaryContactId', input.primaryContactId);
  return fields;
}

/** Where a proposed parent stands: whether it is live, and its own ancestors, nearest first. */
export interface ParentChain {
  live: boolean;
  /** The parent's parent, its parent, … (deleted ones included: a restore brings their links back). */
  ancestors: readonly string[];
}

/**
 * Why `parentId` cannot be the parent of `companyId` (null for a new company), or null: it must be a
 * live company of the organization (`chain` null when it is not one), not the company itself and not
 * one of its subsidiaries, at any depth (a cycle).
 */
export function parentProblem(
  companyId: string | null,
  parentId: string,
  chain: ParentChain | null,
): string | null {
  if (companyId !== null && parentId === companyId) return 'cannot be the company itself';
  if (chain === null) return 'is not a company of the organization';
  if (!chain.live) return 'is a deleted company';
  if (companyId !== null && chain.ancestors.includes(companyId))
    return 'is a subsidiary of this company (the hierarchy would have a cycle)';
  return null;
}

const envelope = (company: Pick<Company, 'id' | 'organizationId'>, time: Date) => ({
  source: EVENT_SOURCE,
  subject: company.id,
  tenantId: company.organizationId,
  time,
});

/**
 * A new company in `accountStage` (already resolved against the organization's stages), the first
 * entry of its stage history (from no stage) and its event.
 */
export function createCompany(
  ids: { id: string; organizationId: string; createdById: string; stageEventId: string },
  fields: CompanyChanges & { name: string },
  accountStage: string,
  now: Date,
): { company: Company; stageEvent: CompanyStageEvent; events: CompanyEvent[] } {
  const company: Company = {
    id: ids.id,
    organizationId: ids.organizationId,
    name: fields.name,
    domain: fields.domain ?? null,
    website: fields.website ?? null,
    industry: fields.industry ?? null,
    size: fields.size ?? null,
    revenue: fields.revenue ?? null,
    currency: fields.currency ?? null,
    description: fields.description ?? null,
    parentCompanyId: fields.parentCompanyId ?? null,
    primaryContactId: fields.primaryContactId ?? null,
    accountStage,
    stageEnteredAt: now,
    installDate: fields.installDate ?? null,
    totalSpend: '0',
    lifetimeValue: fields.lifetimeValue ?? null,
    notes: fields.notes ?? null,
    tags: fields.tags ?? [],
    isActive: fields.isActive ?? true,
    customFields: fields.customFields ?? {},
    version: 1,
    createdById: ids.createdById,
    updatedById: ids.createdById,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  const stageEvent: CompanyStageEvent = {
    id: ids.stageEventId,
    organizationId: company.organizationId,
    companyId: company.id,
    fromStage: null,
    toStage: accountStage,
    movedById: ids.createdById,
    notes: null,
    createdAt: now,
  };
  return {
    company,
    stageEvent,
    events: [
      createEvent('crm.company.created.v1', {
        ...envelope(company, now),
        data: {
          companyId: company.id,
          organizationId: company.organizationId,
          parentCompanyId: company.parentCompanyId,
          primaryContactId: company.primaryContactId,
          accountStage,
          size: company.size,
          isActive: company.isActive,
          createdById: company.createdById,
          createdAt: now.toISOString(),
        },
      }),
    ],
  };
}

const same = (a: unknown, b: unknown): boolean =>
  a instanceof Date && b instanceof Date
    ? a.getTime() === b.getTime()
    : JSON.stringify(a) === JSON.stringify(b);

/** CONFLICT when the company changed since the caller read it at `expectedVersion`. */
export function ensureVersion(company: Pick<Company, 'version'>, expectedVersion: number): void {
  if (company.version !== expectedVersion) {
    throw conflict('The company changed since it was read; read it again and reapply the change', {
      expectedVersion,
      currentVersion: company.version,
    });
  }
}

/**
 * Checked changes applied to a company read at `expectedVersion` (CONFLICT when it changed since),
 * with crm.company.updated.v1 naming the fields that really changed. A change that changes nothing
 * answers the company as it is, with no event.
 */
export function updateCompany(
  company: Company,
  changes: CompanyChanges,
  expectedVersion: number,
  updatedById: string,
  now: Date,
): { company: Company; changedFields: CompanyField[]; events: CompanyEvent[] } {
  ensureVersion(company, expectedVersion);
  const changedFields = COMPANY_UPDATABLE_FIELDS.filter(
    (field) => changes[field] !== undefined && !same(changes[field], company[field]),
  );
  if (changedFields.length === 0) return { company, changedFields, events: [] };
  const updated: Company = {
    ...company,
    ...changes,
    version: company.version + 1,
    updatedById,
    updatedAt: now,
  };
  return {
    company: updated,
    changedFields,
    events: [
      createEvent('crm.company.updated.v1', {
        ...envelope(updated, now),
        data: {
          companyId: updated.id,
          organizationId: updated.organizationId,
          changedFields,
          version: updated.version,
          parentCompanyId: updated.parentCompanyId,
          primaryContactId: updated.primaryContactId,
          size: updated.size,
          isActive: updated.isActive,
          updatedById,
          updatedAt: now.toISOString(),
        },
      }),
    ],
  };
}

/** A company deleted (`deletedAt` set) or restored (null): a change like any other, by someone. */
function withDeletion(company: Company, deletedAt: Date | null, by: string, now: Date): Company {
  return { ...company, deletedAt, version: company.version + 1, updatedById: by, updatedAt: now };
}

/**
 * Soft delete: the row stays (restore, audit), with its assignments, stage history and ad figures; its
 * domain is free for another company meanwhile. Its subsidiaries keep their link: they show no parent
 * while it is deleted and get it back when it is restored.
 */
export function deleteCompany(
  company: Company,
  deletedById: string,
  now: Date,
): { company: Company; events: CompanyEvent[] } {
  if (company.deletedAt) throw conflict('The company is already deleted', { id: company.id });
  const deleted = withDeletion(company, now, deletedById, now);
  return {
    company: deleted,
    events: [
      createEvent('crm.company.deleted.v1', {
        ...envelope(company, now),
        data: {
          companyId: company.id,
          organizationId: company.organizationId,
          version: deleted.version,
          deletedById,
          deletedAt: now.toISOString(),
        },
      }),
    ],
  };
}

/** Brings a deleted company back (the repository answers CONFLICT when its domain was taken meanwhile). */
export function restoreCompany(
  company: Company,
  restoredById: string,
  now: Date,
): { company: Company; events: CompanyEvent[] } {
  if (!company.deletedAt) throw conflict('The company is not deleted', { id: company.id });
  const restored = withDeletion(company, null, restoredById, now);
  return {
    company: restored,
    events: [
      createEvent('crm.company.restored.v1', {
        ...envelope(company, now),
        data: {
          companyId: company.id,
          organizationId: company.organizationId,
          version: restored.version,
          restoredById,
          restoredAt: now.toISOString(),
        },
      }),
    ],
  };
}

/** Checks the notes of a stage move: up to 10,000 characters; empty is none. */
export function checkMoveNotes(issues: InputIssues, notes: string | null | undefined): string | null {
  return optionalText(issues, 'notes', notes ?? null, MAX_TEXT_LENGTH);
}

/**
 * Moves a company to `toStage` (already resolved against the organization's stages): the stage
 * history entry, the company in its new stage since the move, and crm.company.stage_moved.v1. Moving to
 * the stage it is in is a CONFLICT naming both (a client retrying a move learns it did nothing). A move
 * is never dated before the company entered its current stage (a clock a millisecond behind, or two
 * moves in one millisecond, get the next millisecond), so the history's order is the order of the moves.
 */
export function moveCompanyStage(
  company: Company,
  toStage: string,
  notes: string | null,
  ids: { stageEventId: string; movedById: string },
  now: Date,
): { company: Company; stageEvent: CompanyStageEvent; events: CompanyEvent[] } {
  if (company.accountStage === toStage) {
    throw conflict('The company is in this stage already', { from: company.accountStage, to: toStage });
  }
  const movedAt =
    now.getTime() > company.stageEnteredAt.getTime() ? now : new Date(company.stageEnteredAt.getTime() + 1);
  const moved: Company = {
    ...company,
    accountStage: toStage,
    stageEnteredAt: movedAt,
    version: company.version + 1,
    updatedById: ids.movedById,
    updatedAt: movedAt,
  };
  const stageEvent: CompanyStageEvent = {
    id: ids.stageEventId,
    organizationId: company.organizationId,
    companyId: company.id,
    fromStage: company.accountStage,
    toStage,
    movedById: ids.movedById,
    notes,
    createdAt: movedAt,
  };
  return {
    company: moved,
    stageEvent,
    events: [
      createEvent('crm.company.stage_moved.v1', {
        ...envelope(company, movedAt),
        data: {
          companyId: company.id,
          organizationId: company.organizationId,
          stageEventId: stageEvent.id,
          from: company.accountStage,
          to: toStage,
          version: moved.version,
          movedById: ids.movedById,
          movedAt: movedAt.toISOString(),
        },
      }),
    ],
  };
}
