import type { User } from '../../user/domain/user';

/** The credentials signing in works with; infra/passwords.ts and infra/tokens.ts implement them. */

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
  /**
   * An access token for `user` in their organization, or (agencies) in a client organization they act
   * in from their own (`actingIn`).
   */
  issue(
    user: User,
    options?: { sessionId?: string; actingIn?: { organizationId: string } },
  ): Promise<IssuedAccessToken>;
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
  /** A new token of the given family (a new family when none is given: a new session). */
  create(familyId?: string): NewRefreshToken;
  hash(token: string): string;
}
