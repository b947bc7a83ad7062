import { randomUUID } from 'node:crypto';
import { DomainError } from '@platform/service-kit';
import {
  organizationCanAct,
  organizationNameProblem,
  slugFromName,
  slugProblem,
  type Organization,
  type Vertical,
} from './organization';
import type {
  AccessTokenIssuer,
  IdentityRepository,
  LoginCandidate,
  PasswordHasher,
  RefreshTokenFactory,
} from './ports';
import {
  emailProblem,
  FOUNDER_ROLES,
  normalizeEmail,
  passwordProblem,
  userCanSignIn,
  type User,
} from './user';

export interface AuthenticationDependencies {
  repository: IdentityRepository;
  passwords: PasswordHasher;
  accessTokens: AccessTokenIssuer;
  refreshTokens: RefreshTokenFactory;
  now?: () => Date;
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Access token lifetime in seconds. */
  expiresIn: number;
  user: User;
  organization: Organization;
}

export interface SignUpCommand {
  organizationName: string;
  organizationSlug?: string | null;
  vertical?: Vertical | null;
  email: string;
  password: string;
  givenName?: string | null;
  familyName?: string | null;
}

export interface LoginCommand {
  email: string;
  password: string;
  organizationSlug?: string | null;
}

// One message for every failed sign-in, so answers do not tell which emails exist.
const INVALID_CREDENTIALS = 'Invalid email or password';

function requireValid(problems: Record<string, string | null>): void {
  const fields = Object.entries(problems).filter((entry): entry is [string, string] => entry[1] !== null);
  if (fields.length === 0) return;
  throw new DomainError(
    'BAD_USER_INPUT',
    fields.map(([field, problem]) => `${field} ${problem}`).join('; '),
    {
      issues: fields.map(([path, message]) => ({ path, message, code: 'invalid' })),
    },
  );
}

function optionalName(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed.slice(0, 255) : null;
}

export function createAuthentication(deps: AuthenticationDependencies) {
  const now = deps.now ?? (() => new Date());

  async function startSession(candidate: LoginCandidate, familyId?: string): Promise<Session> {
    const refresh = deps.refreshTokens.create(familyId);
    await deps.repository.recordLogin(candidate.user, refresh, now());
    const access = await deps.accessTokens.issue(candidate.user);
    return {
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken: refresh.token,
      user: candidate.user,
      organization: candidate.organization,
    };
  }

  return {
    /** Creates an organization and its founding admin, and signs the founder in. */
    async signUp(command: SignUpCommand): Promise<Session> {
      const name = command.organizationName.trim();
      const slug = (command.organizationSlug ?? '').trim() || slugFromName(name);
      requireValid({
        organizationName: organizationNameProblem(name),
        organizationSlug: slugProblem(slug),
        email: emailProblem(command.email),
        password: passwordProblem(command.password),
      });
      const organizationId = randomUUID();
      const refresh = deps.refreshTokens.create();
      const created = await deps.repository.createOrganizationWithFounder(
        {
          id: organizationId,
          name,
          slug,
          vertical: command.vertical ?? 'general',
          parentOrganizationId: null,
        },
        {
          id: randomUUID(),
          organizationId,
          email: normalizeEmail(command.email),
          passwordHash: await deps.passwords.hash(command.password),
          roles: [...FOUNDER_ROLES],
          givenName: optionalName(command.givenName),
          familyName: optionalName(command.familyName),
        },
        refresh,
      );
      const access = await deps.accessTokens.issue(created.user);
      return {
        accessToken: access.token,
        expiresIn: access.expiresIn,
        refreshToken: refresh.token,
        user: created.user,
        organization: created.organization,
      };
    },

    /**
     * Signs a user in with email and password. When the email belongs to users of several
     * organizations, the organization's slug decides which one.
     */
    async login(command: LoginCommand): Promise<Session> {
      const slug = command.organizationSlug?.trim() || null;
      const candidates = await deps.repository.findLoginCandidates(normalizeEmail(command.email), slug);
      if (candidates.length > 1) {
        throw new DomainError(
          'BAD_USER_INPUT',
          'This email belongs to several organizations: give organizationSlug to choose one',
          { issues: [{ path: 'organizationSlug', message: 'required for this email', code: 'required' }] },
        );
      }
      const candidate = candidates[0];
      if (!candidate?.passwordHash) {
        // Hash anyway, so an unknown email takes as long to reject as a wrong password.
        await deps.passwords.hash(command.password);
        throw new DomainError('UNAUTHENTICATED', INVALID_CREDENTIALS);
      }
      if (!(await deps.passwords.verify(candidate.passwordHash, command.password))) {
        throw new DomainError('UNAUTHENTICATED', INVALID_CREDENTIALS);
      }
      if (!userCanSignIn(candidate.user) || !organizationCanAct(candidate.organization)) {
        throw new DomainError('UNAUTHENTICATED', INVALID_CREDENTIALS);
      }
      return startSession(candidate);
    },

    /**
     * Exchanges a refresh token for a new session. Tokens rotate: the presented one is revoked and a
     * new one of the same family issued. Presenting a revoked token means it was copied: the whole
     * family is revoked, so the thief and the owner both have to sign in again.
     */
    async refresh(token: string): Promise<Session> {
      const stored = await deps.repository.findRefreshToken(deps.refreshTokens.hash(token));
      const at = now();
      if (!stored) throw new DomainError('UNAUTHENTICATED', 'Invalid refresh token');
      if (stored.revokedAt) {
        await deps.repository.revokeRefreshTokenFamily(stored.organizationId, stored.familyId, at);
        throw new DomainError('UNAUTHENTICATED', 'Refresh token was already used; sign in again');
      }
      if (stored.expiresAt.getTime() <= at.getTime()) {
        throw new DomainError('UNAUTHENTICATED', 'Refresh token expired; sign in again');
      }
      const candidate = await deps.repository.findUserForToken(stored.organizationId, stored.userId);
      if (!candidate || !userCanSignIn(candidate.user) || !organizationCanAct(candidate.organization)) {
        throw new DomainError('UNAUTHENTICATED', 'Invalid refresh token');
      }
      const next = deps.refreshTokens.create(stored.familyId);
      if (!(await deps.repository.rotateRefreshToken(stored, next, at))) {
        await deps.repository.revokeRefreshTokenFamily(stored.organizationId, stored.familyId, at);
        throw new DomainError('UNAUTHENTICATED', 'Refresh token was already used; sign in again');
      }
      const access = await deps.accessTokens.issue(candidate.user);
      return {
        accessToken: access.token,
        expiresIn: access.expiresIn,
        refreshToken: next.token,
        user: candidate.user,
        organization: candidate.organization,
      };
    },
  };
}

export type Authentication = ReturnType<typeof createAuthentication>;
