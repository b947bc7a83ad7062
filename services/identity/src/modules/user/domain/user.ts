/** User rules, the account state machine, and the events they imply. No Prisma or GraphQL here. */
import { conflict, enumObject, InputIssues, type SystemRole } from '@platform/domain';
import {
  createEvent,
  USER_ACTIONS,
  USER_STATUSES,
  USER_TYPES,
  type CatalogEvent,
} from '@platform/events/catalog';
import { EVENT_SOURCE, isTimeZone } from '../../organization/domain/organization';

/** What kind of actor a user is. Only humans sign in with a password. */
export const UserType = enumObject(USER_TYPES);
export type UserType = (typeof USER_TYPES)[number];

/** Lifecycle of a user account (see `USER_TRANSITIONS`). Only active users sign in. */
export const UserStatus = enumObject(USER_STATUSES);
export type UserStatus = (typeof USER_STATUSES)[number];

export interface User {
  id: string;
  organizationId: string;
  email: string;
  emailVerified: boolean;
  username: string;
  type: UserType;
  status: UserStatus;
  statusReason: string | null;
  statusChangedAt: Date | null;
  roles: string[];
  givenName: string | null;
  familyName: string | null;
  displayName: string | null;
  title: string | null;
  department: string | null;
  phoneNumber: string | null;
  phoneNumberVerified: boolean;
  timezone: string | null;
  locale: string | null;
  avatarUrl: string | null;
  externalIds: Record<string, string>;
  metadata: Record<string, unknown>;
  lastLoginAt: Date | null;
  lastActiveAt: Date | null;
  /** Whether signing in needs a TOTP code (or a recovery code). */
  mfaEnabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

export type UserCreated = CatalogEvent<'identity.user.created.v1'>;
export type UserUpdated = CatalogEvent<'identity.user.updated.v1'>;
export type UserStatusChanged = CatalogEvent<'identity.user.status_changed.v1'>;

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

/** Only active people sign in (machine users act through API keys); deleted users never do. */
export function userCanSignIn(
  user: Pick<User, 'status'> & Partial<Pick<User, 'deletedAt' | 'type'>>,
): boolean {
  return user.status === UserStatus.active && !user.deletedAt && (user.type ?? 'human') === UserType.human;
}

/** Whether the user may act at all (signed in, or through an API key they created). */
export function userCanAct(user: Pick<User, 'status' | 'deletedAt'>): boolean {
  return user.status === UserStatus.active && !user.deletedAt;
}

export const NAME_MAX_LENGTH = 255;
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,99}$/;
const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

/** A name part as stored: trimmed, null when blank. */
function optionalText(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** Given and family names are at most 255 characters once trimmed (longer ones are refused, never cut). */
export function nameProblem(value: string | null | undefined): string | null {
  return (value?.trim().length ?? 0) > NAME_MAX_LENGTH
    ? `must be at most ${NAME_MAX_LENGTH} characters`
    : null;
}

/** A username made from an email's local part: "Ada.Lovelace+crm@x.io" → "ada.lovelace-crm". */
export function usernameFromEmail(email: string): string {
  const local = normalizeEmail(email).split('@')[0] ?? '';
  const cleaned = local
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 90);
  return cleaned.length >= 2 ? cleaned : `user-${cleaned}`.slice(0, 90);
}

function isLocale(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

function httpsProblem(url: string): string | null {
  if (url.length > 500) return 'must be at most 500 characters';
  try {
    return new URL(url).protocol === 'https:' ? null : 'must be an https URL';
  } catch {
    return 'must be an https URL';
  }
}

/** Profile fields a user or an administrator may change. Absent fields stay as they are. */
export interface ProfileChange {
  username?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  displayName?: string | null;
  title?: string | null;
  department?: string | null;
  /** E.164; an empty string removes it. */
  phoneNumber?: string | null;
  timezone?: string | null;
  locale?: string | null;
  avatarUrl?: string | null;
  /** Administrators only. */
  externalIds?: Record<string, unknown> | null;
  /** Administrators only. */
  metadata?: Record<string, unknown> | null;
}

const JSON_MAX_BYTES = 16 * 1024;

/** Applies a profile change; every problem is reported at once, by field. */
export function changedProfile(user: User, change: ProfileChange, now: Date): User {
  const issues = new InputIssues();
  const next: User = { ...user, updatedAt: now };
  if (change.username !== undefined && change.username !== null) {
    const username = change.username.trim().toLowerCase();
    if (!USERNAME_PATTERN.test(username)) {
      issues.add('username', '2–100 characters: lower-case letters, digits, dots, hyphens, underscores');
    }
    next.username = username;
  }
  for (const field of ['givenName', 'familyName', 'displayName', 'title', 'department'] as const) {
    const value = change[field];
    if (value === undefined || value === null) continue;
    const problem = nameProblem(value);
    if (problem) issues.add(field, problem);
    next[field] = optionalText(value);
  }
  if (change.phoneNumber !== undefined && change.phoneNumber !== null) {
    const phone = change.phoneNumber.trim();
    if (phone !== '' && !E164_PATTERN.test(phone))
      issues.add('phoneNumber', 'must be E.164, e.g. +15551234567');
    if (phone !== user.phoneNumber) next.phoneNumberVerified = false;
    next.phoneNumber = phone === '' ? null : phone;
  }
  if (change.timezone !== undefined && change.timezone !== null) {
    const zone = change.timezone.trim();
    if (zone !== '' && !isTimeZone(zone))
      issues.add('timezone', 'must be an IANA time zone, e.g. Europe/Paris');
    next.timezone = zone === '' ? null : zone;
  }
  if (change.locale !== undefined && change.locale !== null) {
    const locale = change.locale.trim();
    if (locale !== '' && !isLocale(locale)) issues.add('locale', 'must be a BCP 47 language tag, e.g. en-US');
    next.locale = locale === '' || !isLocale(locale) ? null : (Intl.getCanonicalLocales(locale)[0] ?? null);
  }
  if (change.avatarUrl !== undefined && change.avatarUrl !== null) {
    const url = change.avatarUrl.trim();
    const problem = url === '' ? null : httpsProblem(url);
    if (problem) issues.add('avatarUrl', problem);
    next.avatarUrl = url === '' ? null : url;
  }
  if (change.externalIds !== undefined && change.externalIds !== null) {
    const entries = Object.entries(change.externalIds);
    if (
      entries.length > 50 ||
      entries.some(([key, value]) => typeof value !== 'string' || key.length > 50 || value.length > 255)
    ) {
      issues.add(
        'externalIds',
        'must map at most 50 system names (≤ 50 characters) to ids (strings of ≤ 255)',
      );
    } else {
      next.externalIds = Object.fromEntries(entries as Array<[string, string]>);
    }
  }
  if (change.metadata !== undefined && change.metadata !== null) {
    if (Buffer.byteLength(JSON.stringify(change.metadata)) > JSON_MAX_BYTES) {
      issues.add('metadata', `must be at most ${JSON_MAX_BYTES} bytes of JSON`);
    }
    next.metadata = change.metadata;
  }
  issues.throwIfAny();
  return next;
}

export interface NewUser {
  id: string;
  organizationId: string;
  /** Checked with `emailProblem`; stored normalized, unique within the organization. */
  email: string;
  /** Defaults to one made from the email. */
  username?: string | null;
  type: UserType;
  status: UserStatus;
  roles: readonly string[];
  givenName?: string | null;
  familyName?: string | null;
  displayName?: string | null;
  title?: string | null;
  department?: string | null;
}

/** A new user of an organization, not signed in yet, and the event it implies. */
export function createUser(input: NewUser, now: Date): { user: User; events: [UserCreated] } {
  const blank: User = {
    id: input.id,
    organizationId: input.organizationId,
    email: normalizeEmail(input.email),
    emailVerified: false,
    username: usernameFromEmail(input.email),
    type: input.type,
    status: input.status,
    statusReason: null,
    statusChangedAt: null,
    roles: [...input.roles],
    givenName: null,
    familyName: null,
    displayName: null,
    title: null,
    department: null,
    phoneNumber: null,
    phoneNumberVerified: false,
    timezone: null,
    locale: null,
    avatarUrl: null,
    externalIds: {},
    metadata: {},
    lastLoginAt: null,
    lastActiveAt: null,
    mfaEnabled: false,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  const user = changedProfile(
    blank,
    {
      username: input.username ?? null,
      givenName: input.givenName ?? null,
      familyName: input.familyName ?? null,
      displayName: input.displayName ?? null,
      title: input.title ?? null,
      department: input.department ?? null,
    },
    now,
  );
  return { user, events: [userCreated(user)] };
}

/** identity.user.created.v1: the platform user's login email travels, by the catalog's design. */
export function userCreated(user: User): UserCreated {
  return createEvent('identity.user.created.v1', {
    source: EVENT_SOURCE,
    subject: user.id,
    tenantId: user.organizationId,
    time: user.createdAt,
    data: {
      userId: user.id,
      organizationId: user.organizationId,
      email: user.email,
      username: user.username,
      type: user.type,
      status: user.status,
      roles: user.roles,
      givenName: user.givenName,
      familyName: user.familyName,
      createdAt: user.createdAt.toISOString(),
    },
  });
}

/** identity.user.updated.v1: the profile as it is now (no phone number: the graph has it). */
export function userUpdated(user: User): UserUpdated {
  return createEvent('identity.user.updated.v1', {
    source: EVENT_SOURCE,
    subject: user.id,
    tenantId: user.organizationId,
    time: user.updatedAt,
    data: {
      userId: user.id,
      organizationId: user.organizationId,
      email: user.email,
      username: user.username,
      type: user.type,
      givenName: user.givenName,
      familyName: user.familyName,
      displayName: user.displayName,
      title: user.title,
      department: user.department,
      timezone: user.timezone,
      locale: user.locale,
      updatedAt: user.updatedAt.toISOString(),
    },
  });
}

// ---------------------------------------------------------------------------------------------------
// The account state machine

/** What happens to an account. */
export { USER_ACTIONS };
export type UserAction = (typeof USER_ACTIONS)[number];

/**
 * Every transition there is: invited → active (the invitee accepts, setting a password), pending →
 * active (an administrator activates a user created without invitation, e.g. an AI or integration
 * user), active → inactive (deactivated) or suspended, inactive → suspended, inactive or suspended →
 * active (reactivated); any account can be deleted (soft), and a deleted one comes back only by being
 * invited again. Anything else is a CONFLICT.
 */
export const USER_TRANSITIONS: Readonly<Record<UserAction, Partial<Record<UserStatus, UserStatus>>>> = {
  accept: { invited: 'active' },
  activate: { pending: 'active' },
  deactivate: { active: 'inactive' },
  suspend: { active: 'suspended', inactive: 'suspended' },
  reactivate: { inactive: 'active', suspended: 'active' },
  delete: {
    invited: 'invited',
    pending: 'pending',
    active: 'active',
    inactive: 'inactive',
    suspended: 'suspended',
  },
  reinvite: {},
};

export const STATUS_REASON_MAX_LENGTH = 500;

/**
 * The user after `action`, and the event saying so. `reason` is kept for deactivations and suspensions.
 * A deleted user only accepts `reinvite` (which makes them invited again).
 */
export function transition(
  user: User,
  action: UserAction,
  context: { reason?: string | null; changedById: string | null; now: Date },
): { user: User; events: [UserStatusChanged] } {
  const deleted = user.deletedAt !== null;
  let to: UserStatus | undefined;
  if (action === 'reinvite') to = deleted || user.status === 'invited' ? 'invited' : undefined;
  else to = deleted ? undefined : USER_TRANSITIONS[action][user.status];
  if (to === undefined) {
    const state = deleted ? 'deleted' : user.status;
    throw conflict(`A ${state} user cannot be ${ACTION_WORDS[action]}`, { from: state, action });
  }
  const reason = context.reason?.trim() || null;
  if (reason && reason.length > STATUS_REASON_MAX_LENGTH) {
    new InputIssues().add('reason', `must be at most ${STATUS_REASON_MAX_LENGTH} characters`).throwIfAny();
  }
  const next: User = {
    ...user,
    status: to,
    statusReason: action === 'deactivate' || action === 'suspend' ? reason : null,
    statusChangedAt: context.now,
    deletedAt: action === 'delete' ? context.now : action === 'reinvite' ? null : user.deletedAt,
    emailVerified: action === 'accept' ? true : user.emailVerified,
    updatedAt: context.now,
  };
  return { user: next, events: [statusChanged(user, next, action, context.changedById)] };
}

const ACTION_WORDS: Record<UserAction, string> = {
  accept: 'accepted into the organization (no open invitation)',
  activate: 'activated',
  deactivate: 'deactivated',
  suspend: 'suspended',
  reactivate: 'reactivated',
  delete: 'deleted',
  reinvite: 'invited again',
};

function statusChanged(
  before: User,
  after: User,
  action: UserAction,
  changedById: string | null,
): UserStatusChanged {
  return createEvent('identity.user.status_changed.v1', {
    source: EVENT_SOURCE,
    subject: after.id,
    tenantId: after.organizationId,
    time: after.updatedAt,
    data: {
      userId: after.id,
      organizationId: after.organizationId,
      action,
      from: before.status,
      to: after.status,
      deleted: after.deletedAt !== null,
      reason: after.statusReason,
      changedById,
      occurredAt: after.updatedAt.toISOString(),
    },
  });
}
