import { createHash, randomUUID } from 'node:crypto';
import {
  badUserInput,
  conflict,
  forbidden,
  InputIssues,
  notFound,
  signedInUser,
  unauthenticated,
  type Actor,
} from '@platform/domain';
import { createEvent } from '@platform/events/catalog';
import {
  EVENT_SOURCE,
  organizationCanSignIn,
  type Organization,
} from '../../organization/domain/organization';
import type { UserAccess } from '../../role/domain/role';
import { normalizeEmail, passwordProblem, userCanSignIn, type User } from '../../user/domain/user';
import {
  canSignIn,
  checkSignUp,
  foundOrganization,
  securityChanged,
  sessionsRevoked,
  type LoginCommand,
  type Session,
  type SignUpCommand,
} from './authentication';
import type {
  AuthenticationRepository,
  ClientInfo,
  LoginCandidate,
  OneTimeToken,
  SessionRecord,
} from './authentication-repository';
import type { AccessTokenIssuer, NewRefreshToken, PasswordHasher, RefreshTokenFactory } from './credentials';
import {
  MFA_CHALLENGE_MAX_ATTEMPTS,
  MFA_CHALLENGE_TTL_MS,
  newRecoveryCodes,
  normalizeRecoveryCode,
  normalizeTotpCode,
  PASSWORD_RESET_TTL_MS,
  type SecretBox,
  type TotpProvider,
} from './mfa';
import { agencyPrincipal, userPrincipal, type Credential, type Principal } from './principal';
import type { ApiAccess } from '../../api-key/domain/api-access';
import type { SeatStanding } from './seats';
import {
  apiKeyStatus,
  keyPermissions,
  LAST_USED_WRITE_INTERVAL_MS,
  type ApiKey,
} from '../../api-key/domain/api-key';
import {
  ACCOUNT_POLICY,
  afterFailure,
  CLIENT_POLICY,
  ensureNotBlocked,
  type ThrottleState,
} from './throttle';

export interface AuthenticationDependencies {
  repository: AuthenticationRepository;
  /** What users of an organization hold (roles, direct grants). */
  access: (organizationId: string, userId: string) => Promise<UserAccess | null>;
  /** Whether the user's plan needs a seat and whether they hold one (identity's copy of billing's seats). */
  seatStanding: (organizationId: string, userId: string) => Promise<SeatStanding>;
  /** A client organization of an agency (null when it is not one of the agency's). */
  clientOf: (agencyId: string, clientId: string) => Promise<Organization | null>;
  /** Records that a user acted (lastActiveAt; the implementation writes at most every few minutes). */
  touch: (organizationId: string, userId: string) => Promise<void>;
  passwords: PasswordHasher;
  accessTokens: AccessTokenIssuer;
  refreshTokens: RefreshTokenFactory;
  /** MFA challenges and password resets: single-use secrets stored as hashes. */
  oneTimeTokens: { create(): { token: string; tokenHash: string }; hash(token: string): string };
  totp: TotpProvider;
  /** Seals TOTP secrets at rest. */
  secretBox: SecretBox;
  /** The page of the web app a password reset link opens (`?token=` is added). */
  resetPasswordUrl: string;
  /** API keys, as the principal of a key needs them. */
  apiKeys: {
    wellFormed(key: string): boolean;
    hash(key: string): string;
    byHash(keyHash: string): Promise<ApiKey | null>;
    touch(apiKey: ApiKey, at: Date, everyMs: number): Promise<void>;
    /** The operation ids of the key's manifest. */
    safelist(organizationId: string, manifestId: string): Promise<string[] | null>;
    /** What the organization's plan lets its keys do (identity's copy of billing's entitlements). */
    access(organizationId: string): Promise<ApiAccess>;
  };
  now?: () => Date;
}

/** A token to act inside a client organization. */
export interface OrganizationSwitch {
  accessToken: string;
  expiresIn: number;
  organization: Organization;
}

/** The second step a sign-in needs when the user has MFA on. */
export interface MfaChallenge {
  challengeToken: string;
  expiresAt: Date;
}

export type LoginOutcome = ({ kind: 'session' } & Session) | ({ kind: 'mfa' } & MfaChallenge);

export interface MfaEnrollment {
  /** Base32, for typing into an authenticator app. */
  secret: string;
  /** The otpauth:// URI (what a QR code shows). */
  otpauthUri: string;
}

export interface SessionView extends SessionRecord {
  current: boolean;
}

// One message for every failed sign-in, so answers do not tell which emails exist.
const INVALID_CREDENTIALS = 'Invalid email or password';
const TOKEN_REUSED = 'Refresh token was already used; sign in again';
const INVALID_CHALLENGE = 'This sign-in step expired or is invalid; sign in again';
const INVALID_RESET = 'This password reset link is invalid, used or expired; ask for a new one';
const SESSION_TOUCH_INTERVAL_MS = 5 * 60_000;
/** A second reset email within this time is not sent (the first is still on its way). */
const RESET_RESEND_INTERVAL_MS = 60_000;
const MFA_ISSUER = 'CRM Platform';

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
const accountKey = (email: string) => `account:${sha256(normalizeEmail(email))}`;
const clientKey = (client: ClientInfo) => (client.address ? `client:${client.address}` : null);
/** The throttling keys of a sign-in: the account's, then the client address's when known. */
const throttleKeys = (email: string, client: ClientInfo) => {
  const address = clientKey(client);
  return address ? [accountKey(email), address] : [accountKey(email)];
};
const mfaContext = (user: Pick<User, 'id'>) => `identity:mfa:${user.id}`;

/**
 * Signing up, in (with throttling and a second factor), refreshing, sessions, MFA and passwords, and
 * the principal the gateway asks for. Callers of sign-in are anonymous: the credentials say who acts.
 */
export function authenticationOperations(deps: AuthenticationDependencies) {
  const now = deps.now ?? (() => new Date());

  /** The session of a user who just signed in (or up, or refreshed) with `refresh`. */
  async function session(
    { user, organization }: Pick<LoginCandidate, 'user' | 'organization'>,
    refresh: NewRefreshToken,
  ): Promise<Session> {
    const access = await deps.accessTokens.issue(user, { sessionId: refresh.familyId });
    return {
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken: refresh.token,
      user,
      organization,
    };
  }

  /** A new session for a user whose credentials (and second factor) were just checked. */
  async function signIn(candidate: LoginCandidate, client: ClientInfo): Promise<Session> {
    const refresh = deps.refreshTokens.create();
    await deps.repository.recordLogin(candidate.user, refresh, client, now());
    return session(candidate, refresh);
  }

  /** Refuses while any of the keys is blocked; answers their states. */
  async function throttleCheck(keys: readonly string[]): Promise<Array<ThrottleState | null>> {
    const states = await deps.repository.throttleStates(keys);
    const at = now();
    for (const state of states) ensureNotBlocked(state, at);
    return states;
  }

  async function recordFailure(
    email: string,
    client: ClientInfo,
    states: ReadonlyArray<ThrottleState | null>,
  ) {
    const at = now();
    const account = accountKey(email);
    const address = clientKey(client);
    const next = [afterFailure(states[0] ?? null, account, ACCOUNT_POLICY, at)];
    if (address) next.push(afterFailure(states[1] ?? null, address, CLIENT_POLICY, at));
    await deps.repository.saveThrottleStates(next);
  }

  function mfaSecretOf(candidate: LoginCandidate): string | null {
    return candidate.mfaSecret ? deps.secretBox.open(candidate.mfaSecret, mfaContext(candidate.user)) : null;
  }

  /** Checks a TOTP code or, failing that, uses a recovery code. */
  async function secondFactor(candidate: LoginCandidate, code: string): Promise<boolean> {
    const secret = mfaSecretOf(candidate);
    if (secret && deps.totp.verify(secret, normalizeTotpCode(code))) return true;
    const recovery = normalizeRecoveryCode(code);
    if (recovery.length !== 10) return false;
    return deps.repository.useRecoveryCode(
      candidate.user.organizationId,
      candidate.user.id,
      sha256(recovery),
      now(),
    );
  }

  async function ownCandidate(actor: Actor): Promise<LoginCandidate> {
    const { organizationId, userId } = signedInUser(actor);
    if (actor.actingFromOrganizationId) throw forbidden('Manage your sign-in from your own organization');
    const candidate = await deps.repository.findUserForToken(organizationId, userId);
    if (!candidate || !canSignIn(candidate)) throw unauthenticated();
    return candidate;
  }

  async function verifyPassword(candidate: LoginCandidate, password: string, path: string): Promise<void> {
    if (!candidate.passwordHash || !(await deps.passwords.verify(candidate.passwordHash, password))) {
      throw badUserInput('The password is not right', {
        issues: [{ path, message: 'is not right', code: 'invalid' }],
      });
    }
  }

  function newPasswordProblem(password: string, path = 'newPassword'): void {
    const problem = passwordProblem(password);
    if (problem) new InputIssues().add(path, problem).throwIfAny();
  }

  /**
   * The principal of an API key: active (not expired, not revoked), its creator still able to act; it
   * may do what its scopes say and its creator may still do, and write only when its organization's
   * plan gives API keys full access (the gateway enforces `apiAccess`).
   */
  async function apiKeyPrincipal(key: string): Promise<Principal & { sessionId: string | null }> {
    const refused = () => unauthenticated('The API key is invalid, expired or revoked');
    if (!deps.apiKeys.wellFormed(key)) throw refused();
    const apiKey = await deps.apiKeys.byHash(deps.apiKeys.hash(key));
    const at = now();
    if (!apiKey || apiKeyStatus(apiKey, at) !== 'active') throw refused();
    const [candidate, access, safelist, apiAccess, seat] = await Promise.all([
      deps.repository.findUserForToken(apiKey.organizationId, apiKey.createdById),
      deps.access(apiKey.organizationId, apiKey.createdById),
      apiKey.operationManifestId
        ? deps.apiKeys.safelist(apiKey.organizationId, apiKey.operationManifestId)
        : Promise.resolve(null),
      deps.apiKeys.access(apiKey.organizationId),
      deps.seatStanding(apiKey.organizationId, apiKey.createdById),
    ]);
    const creator = userPrincipal(candidate?.user ?? null, candidate?.organization ?? null, access, seat);
    await deps.apiKeys.touch(apiKey, at, LAST_USED_WRITE_INTERVAL_MS);
    return {
      ...creator,
      apiKeyId: apiKey.id,
      roles: [],
      permissions: keyPermissions(apiKey.scopes, creator.permissions),
      // A manifest that cannot be read (never: it is restricted from deletion) safelists nothing.
      operationSafelist: apiKey.operationManifestId ? (safelist ?? []) : null,
      apiAccess,
      sessionId: null,
    };
  }

  return {
    /** Creates an organization and its founding admin, and signs the founder in. */
    async signUp(command: SignUpCommand, client: ClientInfo): Promise<Session> {
      const signUp = checkSignUp(command);
      const passwordHash = await deps.passwords.hash(signUp.password);
      const { organization, founder, events } = foundOrganization(
        signUp,
        { organizationId: randomUUID(), userId: randomUUID() },
        now(),
      );
      const refresh = deps.refreshTokens.create();
      const created = await deps.repository.createOrganizationWithFounder(
        { organization, founder, passwordHash, refreshToken: refresh, client },
        events,
      );
      return session(created, refresh);
    },

    /**
     * Signs a user in with email and password. Throttled per account and per client address: after a
     * few failures each attempt waits longer, then the account is locked for a while (TOO_MANY_REQUESTS,
     * the right password included). With MFA on, the answer is a challenge for `verifyMfa`.
     */
    async login(command: LoginCommand, client: ClientInfo): Promise<LoginOutcome> {
      const states = await throttleCheck(throttleKeys(command.email, client));
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
        await recordFailure(command.email, client, states);
        throw unauthenticated(INVALID_CREDENTIALS);
      }
      if (!(await deps.passwords.verify(candidate.passwordHash, command.password)) || !canSignIn(candidate)) {
        await recordFailure(command.email, client, states);
        throw unauthenticated(INVALID_CREDENTIALS);
      }
      await deps.repository.clearThrottle(accountKey(command.email));
      if (!candidate.mfaEnabledAt) return { kind: 'session', ...(await signIn(candidate, client)) };
      const secret = deps.oneTimeTokens.create();
      const at = now();
      const challenge: OneTimeToken = {
        id: randomUUID(),
        organizationId: candidate.user.organizationId,
        userId: candidate.user.id,
        purpose: 'mfa_challenge',
        expiresAt: new Date(at.getTime() + MFA_CHALLENGE_TTL_MS),
        usedAt: null,
        attempts: 0,
        createdAt: at,
      };
      await deps.repository.createOneTimeToken(challenge, secret.tokenHash, []);
      return { kind: 'mfa', challengeToken: secret.token, expiresAt: challenge.expiresAt };
    },

    /**
     * The second step of a sign-in with MFA: a TOTP code or one of the recovery codes (each works once).
     * A challenge allows five wrong codes; wrong codes count against the account's throttle too.
     */
    async verifyMfa(challengeToken: string, code: string, client: ClientInfo): Promise<Session> {
      const found = await deps.repository.findOneTimeToken(
        deps.oneTimeTokens.hash(challengeToken.trim()),
        'mfa_challenge',
      );
      const at = now();
      if (
        !found ||
        found.token.usedAt ||
        found.token.expiresAt.getTime() <= at.getTime() ||
        found.token.attempts >= MFA_CHALLENGE_MAX_ATTEMPTS ||
        !canSignIn(found.candidate)
      ) {
        throw unauthenticated(INVALID_CHALLENGE);
      }
      const states = await throttleCheck(throttleKeys(found.candidate.user.email, client));
      if (!(await secondFactor(found.candidate, code))) {
        await deps.repository.countAttempt(found.token);
        await recordFailure(found.candidate.user.email, client, states);
        throw unauthenticated('The code is not right');
      }
      if (!(await deps.repository.useOneTimeToken(found.token, now())))
        throw unauthenticated(INVALID_CHALLENGE);
      return signIn(found.candidate, client);
    },

    /**
     * Exchanges a refresh token for a new session token. Tokens rotate: the presented one is revoked and
     * a new one of the same family issued. Presenting a revoked token means it was copied: the whole
     * session ends, so the thief and the owner both have to sign in again.
     */
    async refresh(token: string): Promise<Session> {
      const stored = await deps.repository.findRefreshToken(deps.refreshTokens.hash(token));
      const at = now();
      if (!stored) throw unauthenticated('Invalid refresh token');
      const owner = { id: stored.userId, organizationId: stored.organizationId };
      const endSession = () =>
        deps.repository.revokeSessions(
          stored.organizationId,
          stored.userId,
          { only: [stored.familyId] },
          at,
          (ids) => sessionsRevoked(owner, ids, 'reused_token', at),
        );
      if (stored.revokedAt) {
        await endSession();
        throw unauthenticated(TOKEN_REUSED);
      }
      if (stored.expiresAt.getTime() <= at.getTime())
        throw unauthenticated('Refresh token expired; sign in again');
      const candidate = await deps.repository.findUserForToken(stored.organizationId, stored.userId);
      if (!candidate || !canSignIn(candidate)) throw unauthenticated('Invalid refresh token');
      const next = deps.refreshTokens.create(stored.familyId);
      if (!(await deps.repository.rotateRefreshToken(stored, next, at))) {
        await endSession();
        throw unauthenticated(TOKEN_REUSED);
      }
      return session(candidate, next);
    },

    /** Who a verified credential acts as now (the gateway's question); UNAUTHENTICATED when nobody. */
    async principal(credential: Credential): Promise<Principal & { sessionId: string | null }> {
      if (credential.type === 'api_key') return apiKeyPrincipal(credential.key);
      const home = credential.actingFromOrganizationId ?? credential.organizationId;
      const [candidate, access, signedIn, seat] = await Promise.all([
        deps.repository.findUserForToken(home, credential.userId),
        deps.access(home, credential.userId),
        credential.sessionId
          ? deps.repository.sessionById(home, credential.sessionId)
          : Promise.resolve(null),
        deps.seatStanding(home, credential.userId),
      ]);
      if (credential.sessionId) {
        const at = now();
        if (
          !signedIn ||
          signedIn.userId !== credential.userId ||
          signedIn.revokedAt ||
          signedIn.expiresAt <= at
        ) {
          throw unauthenticated('The session has ended; sign in again');
        }
        await deps.repository.touchSession(home, signedIn.id, at, SESSION_TOUCH_INTERVAL_MS);
      }
      const principal = credential.actingFromOrganizationId
        ? agencyPrincipal(
            candidate?.user ?? null,
            candidate?.organization ?? null,
            access,
            await deps.clientOf(home, credential.organizationId),
            seat,
          )
        : userPrincipal(candidate?.user ?? null, candidate?.organization ?? null, access, seat);
      await deps.touch(home, credential.userId);
      return { ...principal, sessionId: credential.sessionId ?? null };
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
      const access = await deps.accessTokens.issue(candidate.user, {
        actingIn: { organizationId: client.id },
        ...(actor.sessionId ? { sessionId: actor.sessionId } : {}),
      });
      return { accessToken: access.token, expiresIn: access.expiresIn, organization: client };
    },

    // Sessions ----------------------------------------------------------------------------------

    /** The signed-in user's sessions (not ended, not expired), newest first; `current` marks this one. */
    async mySessions(actor: Actor): Promise<SessionView[]> {
      const { organizationId, userId } = signedInUser(actor);
      const home = actor.actingFromOrganizationId ?? organizationId;
      const sessions = await deps.repository.sessionsOf(home, userId, now());
      return sessions.map((record) => ({ ...record, current: record.id === actor.sessionId }));
    },

    /** Ends one of the signed-in user's sessions (NOT_FOUND for anyone else's). */
    async revokeSession(actor: Actor, sessionId: string): Promise<boolean> {
      const { organizationId, userId } = signedInUser(actor);
      const home = actor.actingFromOrganizationId ?? organizationId;
      const record = await deps.repository.sessionById(home, sessionId);
      if (!record || record.userId !== userId) throw notFound('Session', sessionId);
      if (record.revokedAt) return false;
      const at = now();
      const ended = await deps.repository.revokeSessions(home, userId, { only: [sessionId] }, at, (ids) =>
        sessionsRevoked({ id: userId, organizationId: home }, ids, 'signed_out', at),
      );
      return ended.length > 0;
    },

    /** "Sign out everywhere": ends every session of the user (but this one, when asked); answers how many. */
    async revokeAllSessions(actor: Actor, exceptCurrent: boolean): Promise<number> {
      const { organizationId, userId } = signedInUser(actor);
      const home = actor.actingFromOrganizationId ?? organizationId;
      const at = now();
      const ended = await deps.repository.revokeSessions(
        home,
        userId,
        { allExcept: exceptCurrent ? (actor.sessionId ?? null) : null },
        at,
        (ids) => sessionsRevoked({ id: userId, organizationId: home }, ids, 'signed_out_everywhere', at),
      );
      return ended.length;
    },

    // MFA ---------------------------------------------------------------------------------------

    /** Starts TOTP enrolment: a new secret for the authenticator app; MFA is on once confirmed. */
    async enrollMfa(actor: Actor): Promise<MfaEnrollment> {
      const candidate = await ownCandidate(actor);
      if (candidate.mfaEnabledAt)
        throw conflict('MFA is already on: turn it off first to enrol a new device');
      const { secret, uri } = deps.totp.newSecret({ issuer: MFA_ISSUER, label: candidate.user.email });
      await deps.repository.saveMfaSecret(
        candidate.user,
        deps.secretBox.seal(secret, mfaContext(candidate.user)),
      );
      return { secret, otpauthUri: uri };
    },

    /** Confirms enrolment with a code from the app: MFA is on; answers the ten recovery codes (shown once). */
    async confirmMfa(actor: Actor, code: string): Promise<string[]> {
      const candidate = await ownCandidate(actor);
      if (candidate.mfaEnabledAt) throw conflict('MFA is already on');
      const secret = mfaSecretOf(candidate);
      if (!secret) throw conflict('Start with enrollMfa');
      if (!deps.totp.verify(secret, normalizeTotpCode(code))) {
        throw badUserInput('The code is not right', {
          issues: [{ path: 'code', message: 'is not right', code: 'invalid' }],
        });
      }
      const codes = newRecoveryCodes();
      const at = now();
      await deps.repository.enableMfa(
        candidate.user,
        codes.map((recovery) => sha256(normalizeRecoveryCode(recovery))),
        at,
        [securityChanged(candidate.user, 'mfa_enabled', at)],
      );
      return codes;
    },

    /** Turns MFA off, with the password. */
    async disableMfa(actor: Actor, password: string): Promise<boolean> {
      const candidate = await ownCandidate(actor);
      await verifyPassword(candidate, password, 'password');
      if (!candidate.mfaEnabledAt && !candidate.mfaSecret) return false;
      await deps.repository.disableMfa(candidate.user, [
        securityChanged(candidate.user, 'mfa_disabled', now()),
      ]);
      return true;
    },

    // Passwords ---------------------------------------------------------------------------------

    /** Changes the signed-in user's password; every other session of theirs ends. */
    async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<boolean> {
      const candidate = await ownCandidate(actor);
      newPasswordProblem(newPassword);
      await verifyPassword(candidate, currentPassword, 'currentPassword');
      const at = now();
      await deps.repository.setPassword(
        candidate.user,
        await deps.passwords.hash(newPassword),
        { revokeAllExcept: actor.sessionId ?? null, at },
        (ids) => [
          securityChanged(candidate.user, 'password_changed', at),
          ...sessionsRevoked(candidate.user, ids, 'password_changed', at),
        ],
      );
      return true;
    },

    /**
     * Sends a password reset link (thirty minutes, single use) to the address — if it belongs to a user
     * who may sign in. Answers true either way, so the answer tells nobody which emails exist.
     */
    async requestPasswordReset(email: string, organizationSlug: string | null | undefined): Promise<boolean> {
      const candidates = await deps.repository.findLoginCandidates(
        normalizeEmail(email),
        organizationSlug?.trim() || null,
      );
      const candidate = candidates.length === 1 ? candidates[0] : undefined;
      if (!candidate || !userCanSignIn(candidate.user) || !organizationCanSignIn(candidate.organization))
        return true;
      const at = now();
      const previous = await deps.repository.latestOneTimeToken(
        candidate.user.organizationId,
        candidate.user.id,
        'password_reset',
      );
      if (previous && at.getTime() - previous.createdAt.getTime() < RESET_RESEND_INTERVAL_MS) return true;
      const secret = deps.oneTimeTokens.create();
      const reset: OneTimeToken = {
        id: randomUUID(),
        organizationId: candidate.user.organizationId,
        userId: candidate.user.id,
        purpose: 'password_reset',
        expiresAt: new Date(at.getTime() + PASSWORD_RESET_TTL_MS),
        usedAt: null,
        attempts: 0,
        createdAt: at,
      };
      const url = new URL(deps.resetPasswordUrl);
      url.searchParams.set('token', secret.token);
      await deps.repository.createOneTimeToken(reset, secret.tokenHash, [
        createEvent('identity.email.requested.v1', {
          source: EVENT_SOURCE,
          subject: candidate.user.id,
          tenantId: candidate.user.organizationId,
          time: at,
          data: {
            messageId: randomUUID(),
            organizationId: candidate.user.organizationId,
            to: candidate.user.email,
            template: 'password_reset',
            locale: candidate.user.locale,
            variables: {
              resetUrl: url.toString(),
              token: secret.token,
              expiresAt: reset.expiresAt.toISOString(),
            },
          },
        }),
      ]);
      return true;
    },

    /** Sets a new password with a reset link's token; every session of the user ends, a lock lifts. */
    async resetPassword(token: string, newPassword: string): Promise<boolean> {
      newPasswordProblem(newPassword);
      const found = await deps.repository.findOneTimeToken(
        deps.oneTimeTokens.hash(token.trim()),
        'password_reset',
      );
      const at = now();
      if (
        !found ||
        found.token.usedAt ||
        found.token.expiresAt.getTime() <= at.getTime() ||
        !userCanSignIn(found.candidate.user)
      ) {
        throw unauthenticated(INVALID_RESET);
      }
      const { user } = found.candidate;
      const stored = await deps.repository.setPassword(
        user,
        await deps.passwords.hash(newPassword),
        { usedToken: found.token, revokeAllExcept: null, at },
        (ids) => [
          securityChanged(user, 'password_reset', at),
          ...sessionsRevoked(user, ids, 'password_reset', at),
        ],
      );
      if (!stored) throw unauthenticated(INVALID_RESET);
      await deps.repository.clearThrottle(accountKey(user.email));
      return true;
    },
  };
}

export type AuthenticationOperations = ReturnType<typeof authenticationOperations>;
