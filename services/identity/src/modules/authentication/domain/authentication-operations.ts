import { randomUUID } from 'node:crypto';
import {
  badUserInput,
  conflict,
  forbidden,
  notFound,
  signedInUser,
  unauthenticated,
  type Actor,
} from '@platform/domain';
import { normalizeEmail } from '../../user/domain/user';
import {
  canSignIn,
  checkSignUp,
  foundOrganization,
  type LoginCommand,
  type Session,
  type SignUpCommand,
} from './authentication';
import type { AuthenticationRepository, LoginCandidate } from './authentication-repository';
import { agencyPrincipal, userPrincipal, type Credential, type Principal } from './principal';
import { organizationCanSignIn, type Organization } from '../../organization/domain/organization';
import type { UserAccess } from '../../role/domain/role';
import type { AccessTokenIssuer, NewRefreshToken, PasswordHasher, RefreshTokenFactory } from './credentials';

export interface AuthenticationDependencies {
  repository: AuthenticationRepository;
  /** What users of an organization hold (roles, direct grants). */
  access: (organizationId: string, userId: string) => Promise<UserAccess | null>;
  /** A client organization of an agency (null when it is not one of the agency's). */
  clientOf: (agencyId: string, clientId: string) => Promise<Organization | null>;
  /** Records that a user acted (lastActiveAt; the implementation writes at most every few minutes). */
  touch: (organizationId: string, userId: string) => Promise<void>;
  passwords: PasswordHasher;
  accessTokens: AccessTokenIssuer;
  refreshTokens: RefreshTokenFactory;
  now?: () => Date;
}

/** A token to act inside a client organization. */
export interface OrganizationSwitch {
  accessToken: string;
  expiresIn: number;
  organization: Organization;
}

// One message for every failed sign-in, so answers do not tell which emails exist.
const INVALID_CREDENTIALS = 'Invalid email or password';
const TOKEN_REUSED = 'Refresh token was already used; sign in again';

/** The sign-up, sign-in and refresh use cases. Callers are anonymous: the credentials say who acts. */
export function authenticationOperations(deps: AuthenticationDependencies) {
  const now = deps.now ?? (() => new Date());

  /** The session of a user who just signed in (or up, or refreshed) with `refresh`. */
  async function session(
    { user, organization }: Pick<LoginCandidate, 'user' | 'organization'>,
    refresh: NewRefreshToken,
  ): Promise<Session> {
    const access = await deps.accessTokens.issue(user);
    return {
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken: refresh.token,
      user,
      organization,
    };
  }

  return {
    /** Creates an organization and its founding admin, and signs the founder in. */
    async signUp(command: SignUpCommand): Promise<Session> {
      const signUp = checkSignUp(command);
      const passwordHash = await deps.passwords.hash(signUp.password);
      const { organization, founder, events } = foundOrganization(
        signUp,
        { organizationId: randomUUID(), userId: randomUUID() },
        now(),
      );
      const refresh = deps.refreshTokens.create();
      const created = await deps.repository.createOrganizationWithFounder(
        { organization, founder, passwordHash, refreshToken: refresh },
        events,
      );
      return session(created, refresh);
    },

    /**
     * Signs a user in with email and password. When the email belongs to users of several
     * organizations, the organization's slug decides which one.
     */
    async login(command: LoginCommand): Promise<Session> {
      const slug = command.organizationSlug?.trim() || null;
      const candidates = await deps.repository.findLoginCandidates(normalizeEmail(command.email), slug);
      if (candidates.length > 1) {
        throw badUserInput(
          'This email belongs to several organizations: give organizationSlug to choose one',
          {
            issues: [{ path: 'organizationSlug', message: 'required for this email', code: 'required' }],
          },
        );
      }
      const candidate = candidates[0];
      if (!candidate?.passwordHash) {
        // Hash anyway, so an unknown email takes as long to reject as a wrong password.
        await deps.passwords.hash(command.password);
        throw unauthenticated(INVALID_CREDENTIALS);
      }
      if (!(await deps.passwords.verify(candidate.passwordHash, command.password))) {
        throw unauthenticated(INVALID_CREDENTIALS);
      }
      if (!canSignIn(candidate)) throw unauthenticated(INVALID_CREDENTIALS);
      const refresh = deps.refreshTokens.create();
      await deps.repository.recordLogin(candidate.user, refresh, now());
      return session(candidate, refresh);
    },

    /**
     * Exchanges a refresh token for a new session. Tokens rotate: the presented one is revoked and a
     * new one of the same family issued. Presenting a revoked token means it was copied: the whole
     * family is revoked, so the thief and the owner both have to sign in again.
     */
    async refresh(token: string): Promise<Session> {
      const stored = await deps.repository.findRefreshToken(deps.refreshTokens.hash(token));
      const at = now();
      if (!stored) throw unauthenticated('Invalid refresh token');
      if (stored.revokedAt) {
        await deps.repository.revokeRefreshTokenFamily(stored.organizationId, stored.familyId, at);
        throw unauthenticated(TOKEN_REUSED);
      }
      if (stored.expiresAt.getTime() <= at.getTime()) {
        throw unauthenticated('Refresh token expired; sign in again');
      }
      const candidate = await deps.repository.findUserForToken(stored.organizationId, stored.userId);
      if (!candidate || !canSignIn(candidate)) throw unauthenticated('Invalid refresh token');
      const next = deps.refreshTokens.create(stored.familyId);
      if (!(await deps.repository.rotateRefreshToken(stored, next, at))) {
        await deps.repository.revokeRefreshTokenFamily(stored.organizationId, stored.familyId, at);
        throw unauthenticated(TOKEN_REUSED);
      }
      return session(candidate, next);
    },

    /** Who a verified credential acts as now (the gateway's question); UNAUTHENTICATED when nobody. */
    async principal(credential: Credential): Promise<Principal> {
      const home = credential.actingFromOrganizationId ?? credential.organizationId;
      const [candidate, access] = await Promise.all([
        deps.repository.findUserForToken(home, credential.userId),
        deps.access(home, credential.userId),
      ]);
      const principal = credential.actingFromOrganizationId
        ? agencyPrincipal(
            candidate?.user ?? null,
            candidate?.organization ?? null,
            access,
            await deps.clientOf(home, credential.organizationId),
          )
        : userPrincipal(candidate?.user ?? null, candidate?.organization ?? null, access);
      await deps.touch(home, credential.userId);
      return principal;
    },

    /**
     * Agencies: an access token for the signed-in agency user to act inside a client organization the
     * agency manages. NOT_FOUND for any other organization; CONFLICT for a cancelled client; an agency
     * user already acting in a client switches from their agency, not from there.
     */
    async switchOrganization(actor: Actor, clientId: string): Promise<OrganizationSwitch> {
      const { organizationId: agencyId, userId } = signedInUser(actor);
      if (actor.actingFromOrganizationId) {
        throw forbidden('Switch from your own organization, not from a client organization');
      }
      const [client, candidate] = await Promise.all([
        deps.clientOf(agencyId, clientId),
        deps.repository.findUserForToken(agencyId, userId),
      ]);
      if (!client) throw notFound('Organization', clientId);
      if (!organizationCanSignIn(client)) throw conflict('The client organization is cancelled');
      if (!candidate) throw unauthenticated();
      const access = await deps.accessTokens.issue(candidate.user, { organizationId: client.id });
      return { accessToken: access.token, expiresIn: access.expiresIn, organization: client };
    },
  };
}

export type AuthenticationOperations = ReturnType<typeof authenticationOperations>;
