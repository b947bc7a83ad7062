/** User rules and the events they imply. No Prisma or GraphQL here. */
import { enumObject, InputIssues } from '@platform/domain';
import { createEvent, USER_STATUSES, USER_TYPES, type CatalogEvent } from '@platform/events/catalog';
import { EVENT_SOURCE } from '../../organization/domain/organization';

/** What kind of actor a user is. */
export const UserType = enumObject(USER_TYPES);
export type UserType = (typeof USER_TYPES)[number];

/** Lifecycle of a user account. Only active users can sign in. */
export const UserStatus = enumObject(USER_STATUSES);
export type UserStatus = (typeof USER_STATUSES)[number];

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

export type UserCreated = CatalogEvent<'identity.user.created.v1'>;

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
  return user.status === UserStatus.active;
}

export const NAME_MAX_LENGTH = 255;

/** A name part as stored: trimmed, null when blank (`nameProblem` keeps it within bounds). */
function optionalName(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** Given and family names are at most 255 characters once trimmed (longer ones are refused, never cut). */
export function nameProblem(value: string | null | undefined): string | null {
  return (value?.trim().length ?? 0) > NAME_MAX_LENGTH
    ? `must be at most ${NAME_MAX_LENGTH} characters`
    : null;
}

export interface NewUser {
  id: string;
  organizationId: string;
  /** Checked with `emailProblem`; stored normalized, unique within the organization. */
  email: string;
  type: UserType;
  status: UserStatus;
  roles: readonly string[];
  givenName?: string | null;
  familyName?: string | null;
}

/** A new user of an organization, not signed in yet, and the event it implies. */
export function createUser(input: NewUser, now: Date): { user: User; events: [UserCreated] } {
  const issues = new InputIssues();
  for (const [path, value] of [
    ['givenName', input.givenName],
    ['familyName', input.familyName],
  ] as const) {
    const problem = nameProblem(value);
    if (problem) issues.add(path, problem);
  }
  issues.throwIfAny();
  const user: User = {
    id: input.id,
    organizationId: input.organizationId,
    email: normalizeEmail(input.email),
    type: input.type,
    status: input.status,
    roles: [...input.roles],
    givenName: optionalName(input.givenName),
    familyName: optionalName(input.familyName),
    lastLoginAt: null,
    createdAt: now,
    updatedAt: now,
  };
  return { user, events: [userCreated(user)] };
}

/** identity.user.created.v1: the platform user's login email travels, by the catalog's design. */
function userCreated(user: User): UserCreated {
  return createEvent('identity.user.created.v1', {
    source: EVENT_SOURCE,
    subject: user.id,
    tenantId: user.organizationId,
    time: user.createdAt,
    data: {
      userId: user.id,
      organizationId: user.organizationId,
      email: user.email,
      type: user.type,
      status: user.status,
      roles: user.roles,
      givenName: user.givenName,
      familyName: user.familyName,
      createdAt: user.createdAt.toISOString(),
    },
  });
}
