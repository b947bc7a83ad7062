/** User rules. No Prisma or GraphQL types here. */

/** The platform's system roles (UNIFICATION.md); organizations may add custom roles. */
export const SYSTEM_ROLES = [
  'owner',
  'admin',
  'manager',
  'agent',
  'analyst',
  'support',
  'viewer',
  'integration',
] as const;
export type SystemRole = (typeof SYSTEM_ROLES)[number];

export const USER_TYPES = ['human', 'ai', 'system', 'integration'] as const;
export type UserType = (typeof USER_TYPES)[number];

export const USER_STATUSES = ['invited', 'pending', 'active', 'inactive', 'suspended'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export interface User {
  id: string;
  organizationId: string;
  email: string;
  type: UserType;
  status: UserStatus;
  roles: string[];
  givenName: string | null;
  familyName: string | null;
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The roles of the person who signs an organization up. */
export const FOUNDER_ROLES: readonly SystemRole[] = ['owner', 'admin'];

/** Emails compare case-insensitively; they are stored trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

// Deliberately permissive (one @, a dot in the domain, no spaces): the only real check of an address
// is mail reaching it.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function emailProblem(email: string): string | null {
  const normalized = normalizeEmail(email);
  if (normalized.length > 255) return 'must be at most 255 characters';
  if (!EMAIL_PATTERN.test(normalized)) return 'must be a valid email address';
  return null;
}

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * Length is what makes a password strong (NIST SP 800-63B): at least 12 characters, no composition
 * rules, and an upper bound only to keep hashing cheap to call.
 */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  return null;
}

/** Only active users sign in. */
export function userCanSignIn(user: Pick<User, 'status'>): boolean {
  return user.status === 'active';
}
