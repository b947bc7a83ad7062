import type { CatalogEvent } from '@platform/events/catalog';
import type { Organization } from '../../organization/domain/organization';
import type { User } from '../../user/domain/user';
import type { FoundingEvent } from './authentication';
import type { NewRefreshToken } from './credentials';
import type { ThrottleState } from './throttle';

/** Where a sign-in comes from, as the gateway saw it. */
export interface ClientInfo {
  address: string | null;
  userAgent: string | null;
}

/** What a sign-up stores besides its events. */
export interface NewFounding {
  organization: Organization;
  founder: User;
  passwordHash: string;
  /** The founder's first session. */
  refreshToken: NewRefreshToken;
  client: ClientInfo;
}

/** A user who may be signing in, with what checking their password and second factor needs. */
export interface LoginCandidate {
  user: User;
  passwordHash: string | null;
  /** The sealed TOTP secret; confirmed when `user`'s MFA is enabled. */
  mfaSecret: string | null;
  mfaEnabledAt: Date | null;
  organization: Organization;
}

export interface StoredRefreshToken {
  id: string;
  familyId: string;
  organizationId: string;
  userId: string;
  expiresAt: Date;
  revokedAt: Date | null;
}

/** A sign-in session (one refresh-token family). */
export interface SessionRecord {
  id: string;
  organizationId: string;
  userId: string;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

export type OneTimePurpose = 'mfa_challenge' | 'password_reset';

export interface OneTimeToken {
  id: string;
  organizationId: string;
  userId: string;
  purpose: OneTimePurpose;
  expiresAt: Date;
  usedAt: Date | null;
  attempts: number;
  createdAt: Date;
}

/**
 * What signing up and in, sessions and second factors need of storage
 * (infra/authentication-repository.ts implements it). Writes store the events they are given in the
 * same transaction (the outbox); the implementation decides nothing but how to store.
 */
export interface AuthenticationRepository {
  /**
   * Stores the organization, its founder with their password hash, the founder's first session and
   * refresh token and the founding's events in one transaction. CONFLICT (issue `organizationSlug`)
   * when the slug is taken; nothing is stored then.
   */
  createOrganizationWithFounder(
    founding: NewFounding,
    events: readonly FoundingEvent[],
  ): Promise<{ organization: Organization; user: User }>;
  /** Users with this email across organizations (optionally only the one with this slug), not deleted. */
  findLoginCandidates(email: string, organizationSlug: string | null): Promise<LoginCandidate[]>;
  /** Records a sign-in: the user's last login, a new session and its first refresh token. */
  recordLogin(user: User, refreshToken: NewRefreshToken, client: ClientInfo, at: Date): Promise<void>;
  findRefreshToken(tokenHash: string): Promise<StoredRefreshToken | null>;
  /**
   * Revokes `current` and stores `next` in its family (extending the session), unless `current` was
   * revoked meanwhile; returns false then (a concurrent refresh won the race).
   */
  rotateRefreshToken(current: StoredRefreshToken, next: NewRefreshToken, at: Date): Promise<boolean>;
  /** Ends a session: its refresh tokens and the session itself, with the events. */
  revokeSessions(
    organizationId: string,
    userId: string,
    which: { only: readonly string[] } | { allExcept: string | null },
    at: Date,
    events: (revoked: readonly string[]) => readonly CatalogEvent[],
  ): Promise<string[]>;
  findUserForToken(organizationId: string, userId: string): Promise<LoginCandidate | null>;
  /** The user's sessions that are neither revoked nor expired, newest first. */
  sessionsOf(organizationId: string, userId: string, now: Date): Promise<SessionRecord[]>;
  sessionById(organizationId: string, sessionId: string): Promise<SessionRecord | null>;
  /** Records that a session was used (written at most every `everyMs`). */
  touchSession(organizationId: string, sessionId: string, at: Date, everyMs: number): Promise<void>;

  // Throttling (shared by every replica)
  throttleStates(keys: readonly string[]): Promise<Array<ThrottleState | null>>;
  saveThrottleStates(states: readonly ThrottleState[]): Promise<void>;
  clearThrottle(key: string): Promise<void>;

  // Single-use tokens (MFA challenges, password resets)
  createOneTimeToken(token: OneTimeToken, tokenHash: string, events: readonly CatalogEvent[]): Promise<void>;
  /** The token with this hash and purpose, across organizations, with its user. */
  findOneTimeToken(
    tokenHash: string,
    purpose: OneTimePurpose,
  ): Promise<{ token: OneTimeToken; candidate: LoginCandidate } | null>;
  /** Counts a wrong code against a token. */
  countAttempt(token: OneTimeToken): Promise<void>;
  /** Uses a token up (false when it was used meanwhile). */
  useOneTimeToken(token: OneTimeToken, at: Date): Promise<boolean>;
  /** The latest unused token of a purpose for a user. */
  latestOneTimeToken(
    organizationId: string,
    userId: string,
    purpose: OneTimePurpose,
  ): Promise<OneTimeToken | null>;

  // Second factor
  /** Uses a recovery code of the user (false when it does not exist or was used). */
  useRecoveryCode(organizationId: string, userId: string, codeHash: string, at: Date): Promise<boolean>;
  /** Stores a sealed TOTP secret being enrolled (MFA stays off until confirmed). */
  saveMfaSecret(user: User, sealedSecret: string): Promise<void>;
  /** Turns MFA on and replaces the recovery codes. */
  enableMfa(
    user: User,
    recoveryCodeHashes: readonly string[],
    at: Date,
    events: readonly CatalogEvent[],
  ): Promise<void>;
  /** Turns MFA off: the secret and the recovery codes are gone. */
  disableMfa(user: User, events: readonly CatalogEvent[]): Promise<void>;

  // Passwords
  /**
   * Stores a new password hash (using up `usedToken` when given, unless it was used meanwhile: false
   * then), ends the sessions `revoke` names, and stores the events.
   */
  setPassword(
    user: User,
    passwordHash: string,
    options: { usedToken?: OneTimeToken; revokeAllExcept: string | null; at: Date },
    events: (revokedSessions: readonly string[]) => readonly CatalogEvent[],
  ): Promise<boolean>;
}
