/** Organization rules (the tenant root) and the events they imply. No Prisma or GraphQL here. */
import { enumObject } from '@platform/domain';
import { createEvent, ORGANIZATION_STATUSES, VERTICALS, type CatalogEvent } from '@platform/events/catalog';

/** The industry an organization works in (the EMMA specification's industry "tenant"). */
export const Vertical = enumObject(VERTICALS);
export type Vertical = (typeof VERTICALS)[number];

/** Lifecycle of an organization: active → suspended (reads only) → cancelled (no sign-in). */
export const OrganizationStatus = enumObject(ORGANIZATION_STATUSES);
export type OrganizationStatus = (typeof ORGANIZATION_STATUSES)[number];

export interface Organization {
  id: string;
  name: string;
  slug: string;
  vertical: Vertical;
  status: OrganizationStatus;
  parentOrganizationId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The source of every event identity publishes. */
export const EVENT_SOURCE = '/services/identity';

export type OrganizationCreated = CatalogEvent<'identity.organization.created.v1'>;

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
    parentOrganizationId: input.parentOrganizationId,
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
      createdAt: organization.createdAt.toISOString(),
    },
  });
}
