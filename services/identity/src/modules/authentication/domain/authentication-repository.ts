import type { Organization } from '../../organization/domain/organization';
import type { User } from '../../user/domain/user';
import type { FoundingEvent } from './authentication';
import type { NewRefreshToken } from './credentials';

/** What a sign-up stores besides its events. */
export interface NewFounding {
  organization: Organization;
  founder: User;
  passwordHash: string;
  /** The founder's first session. */
  refreshToken: NewRefreshToken;
}

/** A user who may be signing in, with what checking their password needs. */
export interface LoginCandidate {
  user: User;
  passwordHash: string | null;
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

/**
 * What signing up and in needs of storage (infra/authentication-repository.ts implements it). Writes
 * store the events they are given in the same transaction (the outbox); the implementation decides
 * nothing but how to store.
 */
export interface AuthenticationRepository {
  /**
   * Stores the organization, its founder with their password hash, the founder's first refresh token
   * and the founding's events in one transaction. CONFLICT (issue `organizationSlug`) when the slug
   * is taken; nothing is stored then.
   */
  createOrganizationWithFounder(
    founding: NewFounding,
    events: readonly FoundingEvent[],
  ): Promise<{ organization: Organization; user: User }>;
  /** Users with this email across organizations (optionally only the one with this slug). */
  findLoginCandidates(email: string, organizationSlug: string | null): Promise<LoginCandidate[]>;
  /** Records a sign-in: the user's last login, and the session's new refresh token. */
  recordLogin(user: User, refreshToken: NewRefreshToken, at: Date): Promise<void>;
  findRefreshToken(tokenHash: string): Promise<StoredRefreshToken | null>;
  /**
   * Revokes `current` and stores `next` in its family, unless `current` was revoked meanwhile;
   * returns false then (a concurrent refresh won the race).
   */
  rotateRefreshToken(current: StoredRefreshToken, next: NewRefreshToken, at: Date): Promise<boolean>;
  revokeRefreshTokenFamily(organizationId: string, familyId: string, at: Date): Promise<void>;
  findUserForToken(organizationId: string, userId: string): Promise<LoginCandidate | null>;
}
