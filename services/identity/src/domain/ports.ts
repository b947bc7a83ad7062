import type { Organization, Vertical } from './organization';
import type { User } from './user';

/** What the identity domain needs from the outside world; src/infra implements each. */

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export interface IssuedAccessToken {
  token: string;
  /** Lifetime in seconds. */
  expiresIn: number;
}

export interface AccessTokenIssuer {
  issue(user: User): Promise<IssuedAccessToken>;
}

export interface NewRefreshToken {
  id: string;
  familyId: string;
  /** What the client receives; never stored. */
  token: string;
  tokenHash: string;
  expiresAt: Date;
}

export interface RefreshTokenFactory {
  create(familyId?: string): NewRefreshToken;
  hash(token: string): string;
}

export interface NewOrganization {
  id: string;
  name: string;
  slug: string;
  vertical: Vertical;
  parentOrganizationId: string | null;
}

export interface NewUser {
  id: string;
  organizationId: string;
  email: string;
  passwordHash: string;
  roles: string[];
  givenName: string | null;
  familyName: string | null;
}

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
 * Persistence of the identity aggregates. Every write that changes state also records its domain
 * events in the same transaction (the outbox), so implementations decide nothing but how to store.
 */
export interface IdentityRepository {
  /** Creates an organization, its founder and the founder's first refresh token in one transaction. */
  createOrganizationWithFounder(
    organization: NewOrganization,
    founder: NewUser,
    refreshToken: NewRefreshToken,
  ): Promise<{ organization: Organization; user: User }>;
  /** Users with this email across organizations (optionally only the one with this slug). */
  findLoginCandidates(email: string, organizationSlug: string | null): Promise<LoginCandidate[]>;
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
