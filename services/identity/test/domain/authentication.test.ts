import { randomUUID } from 'node:crypto';
import { DomainError } from '@platform/service-kit';
import { createAuthentication, type SignUpCommand } from '../../src/domain/authentication';
import type { Organization } from '../../src/domain/organization';
import type {
  AccessTokenIssuer,
  IdentityRepository,
  LoginCandidate,
  NewRefreshToken,
  PasswordHasher,
  RefreshTokenFactory,
  StoredRefreshToken,
} from '../../src/domain/ports';
import type { User } from '../../src/domain/user';

// The sign-up, sign-in and refresh rules, driven through in-memory fakes of the identity ports.

const REFRESH_TTL_MS = 30 * 24 * 3600 * 1000;

/** A clock the test moves by hand. */
function createClock(start = new Date('2026-01-10T10:00:00.000Z')) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(ms: number) {
      current += ms;
    },
  };
}

/** Keeps what the Prisma repository would keep, in maps. */
function createInMemoryRepository(): IdentityRepository & {
  organizations: Map<string, Organization>;
  users: Map<string, { user: User; passwordHash: string | null }>;
  refreshTokens: Map<string, StoredRefreshToken & { tokenHash: string }>;
} {
  const organizations = new Map<string, Organization>();
  const users = new Map<string, { user: User; passwordHash: string | null }>();
  const refreshTokens = new Map<string, StoredRefreshToken & { tokenHash: string }>();

  function store(token: NewRefreshToken, user: User): void {
    refreshTokens.set(token.tokenHash, {
      id: token.id,
      familyId: token.familyId,
      organizationId: user.organizationId,
      userId: user.id,
      expiresAt: token.expiresAt,
      revokedAt: null,
      tokenHash: token.tokenHash,
    });
  }

  function candidateOf(entry: { user: User; passwordHash: string | null }): LoginCandidate {
    const organization = organizations.get(entry.user.organizationId);
    if (!organization) throw new Error(`no organization ${entry.user.organizationId}`);
    return { user: entry.user, passwordHash: entry.passwordHash, organization };
  }

  return {
    organizations,
    users,
    refreshTokens,
    async createOrganizationWithFounder(newOrganization, founder, refreshToken) {
      const at = new Date();
      const organization: Organization = {
        ...newOrganization,
        status: 'active',
        createdAt: at,
        updatedAt: at,
      };
      const { passwordHash, ...rest } = founder;
      const user: User = {
        ...rest,
        type: 'human',
        status: 'active',
        lastLoginAt: at,
        createdAt: at,
        updatedAt: at,
      };
      organizations.set(organization.id, organization);
      users.set(user.id, { user, passwordHash });
      store(refreshToken, user);
      return Promise.resolve({ organization, user });
    },
    async findLoginCandidates(email, organizationSlug) {
      return Promise.resolve(
        [...users.values()]
          .filter((entry) => entry.user.email === email)
          .map(candidateOf)
          .filter(
            (candidate) => organizationSlug === null || candidate.organization.slug === organizationSlug,
          ),
      );
    },
    async recordLogin(user, refreshToken, at) {
      const entry = users.get(user.id);
      if (entry) entry.user = { ...entry.user, lastLoginAt: at };
      store(refreshToken, user);
      return Promise.resolve();
    },
    async findRefreshToken(tokenHash) {
      const stored = refreshTokens.get(tokenHash);
      return Promise.resolve(stored ? { ...stored } : null);
    },
    async rotateRefreshToken(current, next, at) {
      const stored = [...refreshTokens.values()].find((token) => token.id === current.id);
      if (!stored || stored.revokedAt) return Promise.resolve(false);
      stored.revokedAt = at;
      const owner = users.get(current.userId);
      if (!owner) throw new Error(`no user ${current.userId}`);
      store(next, owner.user);
      return Promise.resolve(true);
    },
    async revokeRefreshTokenFamily(organizationId, familyId, at) {
      for (const token of refreshTokens.values()) {
        if (token.organizationId === organizationId && token.familyId === familyId && !token.revokedAt) {
          token.revokedAt = at;
        }
      }
      return Promise.resolve();
    },
    async findUserForToken(organizationId, userId) {
      const entry = users.get(userId);
      return Promise.resolve(
        entry && entry.user.organizationId === organizationId ? candidateOf(entry) : null,
      );
    },
  };
}

/** Reversible "hashing" that counts its calls (unknown emails must cost a hash too). */
function createFakePasswords(): PasswordHasher & { hashes: number } {
  const fake = {
    hashes: 0,
    async hash(password: string) {
      fake.hashes += 1;
      return Promise.resolve(`hashed:${password}`);
    },
    async verify(hash: string, password: string) {
      return Promise.resolve(hash === `hashed:${password}`);
    },
  };
  return fake;
}

function createFakeAccessTokens(): AccessTokenIssuer {
  return {
    issue: async (user) => Promise.resolve({ token: `access:${user.id}:${randomUUID()}`, expiresIn: 900 }),
  };
}

function createFakeRefreshTokens(clock: { now(): Date }): RefreshTokenFactory {
  const hash = (token: string) => `sha:${token}`;
  return {
    create(familyId) {
      const token = `rt_${randomUUID()}`;
      return {
        id: randomUUID(),
        familyId: familyId ?? randomUUID(),
        token,
        tokenHash: hash(token),
        expiresAt: new Date(clock.now().getTime() + REFRESH_TTL_MS),
      };
    },
    hash,
  };
}

function setup() {
  const clock = createClock();
  const repository = createInMemoryRepository();
  const passwords = createFakePasswords();
  const authentication = createAuthentication({
    repository,
    passwords,
    accessTokens: createFakeAccessTokens(),
    refreshTokens: createFakeRefreshTokens(clock),
    now: clock.now,
  });
  return { clock, repository, passwords, authentication };
}

const PASSWORD = 'correct horse battery staple';

const signUpCommand = (overrides: Partial<SignUpCommand> = {}): SignUpCommand => ({
  organizationName: 'Acme Realty, Inc.',
  email: '  Founder@Acme.Example ',
  password: PASSWORD,
  givenName: ' Ada ',
  familyName: '',
  ...overrides,
});

/** The DomainError a promise rejects with (fails the test if it resolves or throws something else). */
async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe('createAuthentication', () => {
  describe('signUp', () => {
    it('creates the organization with a slug from its name and the founder as owner and admin', async () => {
      const { authentication, repository } = setup();
      const session = await authentication.signUp(signUpCommand());
      expect(session.organization).toMatchObject({
        name: 'Acme Realty, Inc.',
        slug: 'acme-realty-inc',
        vertical: 'general',
      });
      expect(session.user).toMatchObject({
        organizationId: session.organization.id,
        email: 'founder@acme.example',
        roles: ['owner', 'admin'],
        givenName: 'Ada',
        familyName: null,
      });
      expect(repository.users.get(session.user.id)?.passwordHash).toBe(`hashed:${PASSWORD}`);
      expect(session.accessToken).toMatch(new RegExp(`^access:${session.user.id}:`));
      expect(session.expiresIn).toBe(900);
      expect(repository.refreshTokens.get(`sha:${session.refreshToken}`)?.userId).toBe(session.user.id);
    });

    it('reports every invalid field at once as BAD_USER_INPUT with the issue paths, and stores nothing', async () => {
      const { authentication, repository, passwords } = setup();
      const error = await rejection(
        authentication.signUp({
          organizationName: ' A ',
          organizationSlug: 'Not A Slug',
          email: 'not-an-email',
          password: 'too short',
        }),
      );
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.details).toEqual({
        issues: [
          { path: 'organizationName', message: 'must be 2–255 characters', code: 'invalid' },
          {
            path: 'organizationSlug',
            message: 'may contain only lower-case letters, digits and hyphens',
            code: 'invalid',
          },
          { path: 'email', message: 'must be a valid email address', code: 'invalid' },
          { path: 'password', message: 'must be at least 12 characters', code: 'invalid' },
        ],
      });
      expect(repository.organizations.size).toBe(0);
      expect(passwords.hashes).toBe(0);
    });

    it('refuses a name from which no slug can be made, naming the slug', async () => {
      const { authentication } = setup();
      const error = await rejection(authentication.signUp(signUpCommand({ organizationName: '!!! ???' })));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.details).toEqual({
        issues: [{ path: 'organizationSlug', message: 'must be 2–100 characters', code: 'invalid' }],
      });
    });
  });

  describe('login', () => {
    it('signs a founder in with their email in any case, and records the sign-in', async () => {
      const { authentication, repository, clock } = setup();
      const { user } = await authentication.signUp(signUpCommand());
      clock.advance(60_000);
      const session = await authentication.login({ email: 'FOUNDER@acme.example', password: PASSWORD });
      expect(session.user.id).toBe(user.id);
      expect(repository.users.get(user.id)?.user.lastLoginAt).toEqual(clock.now());
      expect(repository.refreshTokens.get(`sha:${session.refreshToken}`)).toMatchObject({ revokedAt: null });
    });

    it('answers a wrong password and an unknown email with the same UNAUTHENTICATED message', async () => {
      const { authentication, passwords } = setup();
      await authentication.signUp(signUpCommand());
      const hashesBefore = passwords.hashes;
      const wrongPassword = await rejection(
        authentication.login({ email: 'founder@acme.example', password: 'not the password at all' }),
      );
      const unknownEmail = await rejection(
        authentication.login({ email: 'nobody@acme.example', password: PASSWORD }),
      );
      expect([wrongPassword.code, unknownEmail.code]).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
      expect(wrongPassword.message).toBe('Invalid email or password');
      expect(unknownEmail.message).toBe(wrongPassword.message);
      // The unknown email still paid for a hash, so timing does not tell the two apart either.
      expect(passwords.hashes).toBe(hashesBefore + 1);
    });

    it('refuses a suspended user with the right password, with the same message', async () => {
      const { authentication, repository } = setup();
      const { user } = await authentication.signUp(signUpCommand());
      const entry = repository.users.get(user.id);
      if (!entry) throw new Error('the founder was not stored');
      entry.user = { ...entry.user, status: 'suspended' };
      const error = await rejection(
        authentication.login({ email: 'founder@acme.example', password: PASSWORD }),
      );
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Invalid email or password' });
    });

    it('asks for the organization slug when the email belongs to users of several organizations', async () => {
      const { authentication } = setup();
      await authentication.signUp(signUpCommand({ organizationName: 'First Agency' }));
      const second = await authentication.signUp(signUpCommand({ organizationName: 'Second Agency' }));
      const error = await rejection(
        authentication.login({ email: 'founder@acme.example', password: PASSWORD }),
      );
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.details).toEqual({
        issues: [{ path: 'organizationSlug', message: 'required for this email', code: 'required' }],
      });
      const session = await authentication.login({
        email: 'founder@acme.example',
        password: PASSWORD,
        organizationSlug: 'second-agency',
      });
      expect(session.user.id).toBe(second.user.id);
    });
  });

  describe('refresh', () => {
    it('rotates: the presented token is revoked and a new one of the same family returned', async () => {
      const { authentication, repository } = setup();
      const signedUp = await authentication.signUp(signUpCommand());
      const first = repository.refreshTokens.get(`sha:${signedUp.refreshToken}`);

      const refreshed = await authentication.refresh(signedUp.refreshToken);
      expect(refreshed.refreshToken).not.toBe(signedUp.refreshToken);
      expect(refreshed.user.id).toBe(signedUp.user.id);
      expect(refreshed.accessToken).not.toBe(signedUp.accessToken);
      const next = repository.refreshTokens.get(`sha:${refreshed.refreshToken}`);
      expect(next).toMatchObject({ familyId: first?.familyId, revokedAt: null });
      expect(repository.refreshTokens.get(`sha:${signedUp.refreshToken}`)?.revokedAt).toBeInstanceOf(Date);

      // The new token buys the next session in turn.
      const again = await authentication.refresh(refreshed.refreshToken);
      expect(again.user.id).toBe(signedUp.user.id);
    });

    it('treats reuse of a rotated token as theft: it fails and the whole family is revoked', async () => {
      const { authentication, repository } = setup();
      const signedUp = await authentication.signUp(signUpCommand());
      const refreshed = await authentication.refresh(signedUp.refreshToken);

      const reuse = await rejection(authentication.refresh(signedUp.refreshToken));
      expect(reuse).toMatchObject({
        code: 'UNAUTHENTICATED',
        message: 'Refresh token was already used; sign in again',
      });
      expect(repository.refreshTokens.get(`sha:${refreshed.refreshToken}`)?.revokedAt).toBeInstanceOf(Date);
      // The legitimate holder of the newest token is signed out too.
      const afterTheft = await rejection(authentication.refresh(refreshed.refreshToken));
      expect(afterTheft.code).toBe('UNAUTHENTICATED');
    });

    it('leaves other sessions (families) of the same user alone when one family is revoked', async () => {
      const { authentication } = setup();
      const signedUp = await authentication.signUp(signUpCommand());
      const otherDevice = await authentication.login({ email: 'founder@acme.example', password: PASSWORD });
      await authentication.refresh(signedUp.refreshToken);
      await rejection(authentication.refresh(signedUp.refreshToken));
      const stillSignedIn = await authentication.refresh(otherDevice.refreshToken);
      expect(stillSignedIn.user.id).toBe(signedUp.user.id);
    });

    it('refuses an expired refresh token', async () => {
      const { authentication, clock } = setup();
      const signedUp = await authentication.signUp(signUpCommand());
      clock.advance(REFRESH_TTL_MS);
      const error = await rejection(authentication.refresh(signedUp.refreshToken));
      expect(error).toMatchObject({
        code: 'UNAUTHENTICATED',
        message: 'Refresh token expired; sign in again',
      });
    });

    it('accepts a refresh token until just before it expires', async () => {
      const { authentication, clock } = setup();
      const signedUp = await authentication.signUp(signUpCommand());
      clock.advance(REFRESH_TTL_MS - 1);
      await expect(authentication.refresh(signedUp.refreshToken)).resolves.toMatchObject({
        user: { id: signedUp.user.id },
      });
    });

    it('refuses a token it never issued', async () => {
      const { authentication } = setup();
      const error = await rejection(authentication.refresh('rt_made-up'));
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Invalid refresh token' });
    });
  });
});
