/** Organization rules (the tenant root). No Prisma or GraphQL types here. */

export const VERTICALS = [
  'real_estate',
  'mortgage',
  'insurance',
  'financial_advisory',
  'marketing_agency',
  'general',
] as const;
export type Vertical = (typeof VERTICALS)[number];

export const ORGANIZATION_STATUSES = ['active', 'suspended', 'cancelled'] as const;
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

/** Only active organizations can sign in or act. */
export function organizationCanAct(organization: Pick<Organization, 'status'>): boolean {
  return organization.status === 'active';
}
