import { defaultSettings } from '../../src/modules/organization/domain/organization';
import { isSystemRole, SYSTEM_ROLE_PERMISSIONS } from '@platform/domain';
import { randomUUID } from 'node:crypto';
import { DomainError } from '@platform/domain';
import { domainErrorOf } from '@platform/domain/testing';
import type { CatalogEvent } from '@platform/events/catalog';
import {
  checkSignUp,
  foundOrganization,
  type SignUpCommand,
} from '../../src/modules/authentication/domain/authentication';
import { authenticationOperations } from '../../src/modules/authentication/domain/authentication-operations';
import type {
  AuthenticationRepository,
  LoginCandidate,
  StoredRefreshToken,
} from '../../src/modules/authentication/domain/authentication-repository';
import type {
  AccessTokenIssuer,
  NewRefreshToken,
  PasswordHasher,
  RefreshTokenFactory,
} from '../../src/modules/authentication/domain/credentials';
import type { Organization } from '../../src/modules/organization/domain/organization';
import type { User } from '../../src/modules/user/domain/user';

// The sign-up, sign-in and refresh rules, driven through in-memory fakes of the authentication ports.

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

/** Keeps what the Prisma repository would keep, in maps; `outbox` holds the events it was given. */
function createInMemoryRepository(): AuthenticationRepository & {
  organizations: Map<string, Organization>;
  users: Map<string, { user: User; passwordHash: string | null }>;
  refreshTokens: Map<string, StoredRefreshToken & { tokenHash: string }>;
  outbox: CatalogEvent[];
} {
  const outbox: CatalogEvent[] = [];
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
    outbox,
    async createOrganizationWithFounder({ organization, founder, passwordHash, refreshToken }, events) {
      organizations.set(organization.id, organization);
      users.set(founder.id, { user: founder, passwordHash });
      store(refreshToken, founder);
      outbox.push(...events);
      return Promise.resolve({ organization, user: founder });
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
  const authentication = authenticationOperations({
    repository,
    access: (organizationId, userId) => {
      const stored = repository.users.get(userId);
      if (!stored) return Promise.resolve(null);
      const roles = stored.user.roles.filter(isSystemRole).map((name) => ({
        id: name,
        organizationId: null,
        name,
        description: null,
        permissions: [...SYSTEM_ROLE_PERMISSIONS[name]],
        isSystem: true,
        createdAt: clock.now(),
        updatedAt: clock.now(),
      }));
      return Promise.resolve({ userId, organizationId, roles, directPermissions: [] });
    },
    touch: () => Promise.resolve(),
    clientOf: (agencyId, clientId) => {
      const client = repository.organizations.get(clientId);
      return Promise.resolve(client?.parentOrganizationId === agencyId ? client : null);
    },
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

describe('authenticationOperations', () => {
  describe('signUp', () => {
    it('creates the organization with a slug from its name and the founder as owner and admin', async () => {
      const { authentication, repository, clock } = setup();
      const session = await authentication.signUp(signUpCommand());
      expect(session.organization).toMatchObject({
        name: 'Acme Realty, Inc.',
        slug: 'acme-realty-inc',
        vertical: 'general',
        status: 'active',
        parentOrganizationId: null,
        createdAt: clock.now(),
      });
      expect(session.user).toMatchObject({
        organizationId: session.organization.id,
        email: 'founder@acme.example',
        type: 'human',
        status: 'active',
        roles: ['owner', 'admin'],
        givenName: 'Ada',
        familyName: null,
        lastLoginAt: clock.now(),
      });
      expect(repository.users.get(session.user.id)?.passwordHash).toBe(`hashed:${PASSWORD}`);
      expect(session.accessToken).toMatch(new RegExp(`^access:${session.user.id}:`));
      expect(session.expiresIn).toBe(900);
      expect(repository.refreshTokens.get(`sha:${session.refreshToken}`)?.userId).toBe(session.user.id);
    });

    it('stores identity.organization.created.v1 and identity.user.created.v1 with the new organization', async () => {
      const { authentication, repository, clock } = setup();
      const { organization, user } = await authentication.signUp(
        signUpCommand({ vertical: 'mortgage', familyName: 'Lovelace' }),
      );
      expect(repository.outbox).toEqual([
        expect.objectContaining({
          type: 'identity.organization.created.v1',
          subject: organization.id,
          tenantid: organization.id,
          data: {
            organizationId: organization.id,
            name: 'Acme Realty, Inc.',
            slug: 'acme-realty-inc',
            vertical: 'mortgage',
            status: 'active',
            parentOrganizationId: null,
            settings: defaultSettings(),
            createdAt: clock.now().toISOString(),
          },
        }),
        expect.objectContaining({
          type: 'identity.user.created.v1',
          subject: user.id,
          tenantid: organization.id,
          data: {
            userId: user.id,
            organizationId: organization.id,
            email: 'founder@acme.example',
            username: 'founder',
            type: 'human',
            status: 'active',
            roles: ['owner', 'admin'],
            givenName: 'Ada',
            familyName: 'Lovelace',
            createdAt: clock.now().toISOString(),
          },
        }),
      ]);
      expect(JSON.stringify(repository.outbox)).not.toContain(PASSWORD);
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
      expect(repository.outbox).toEqual([]);
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
      // Signing in changes no aggregate anyone listens to: the sign-up's two events stay the only ones.
      expect(repository.outbox.map((event) => event.type)).toEqual([
        'identity.organization.created.v1',
        'identity.user.created.v1',
      ]);
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
      expect(repository.outbox).toHaveLength(2);
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

describe('principal: who a verified access token acts as, now', () => {
  it('answers the user’s roles and effective permissions, in an active organization', async () => {
    const { authentication } = setup();
    const { user, organization } = await authentication.signUp(signUpCommand());
    const principal = await authentication.principal({
      type: 'user',
      organizationId: organization.id,
      userId: user.id,
    });
    expect(principal).toEqual({
      organizationId: organization.id,
      userId: user.id,
      apiKeyId: null,
      actingFromOrganizationId: null,
      roles: ['owner', 'admin'],
      permissions: [...SYSTEM_ROLE_PERMISSIONS.owner].sort(),
      organizationStatus: 'active',
    });
  });

  it('keeps a suspended organization signed in as suspended (it reads, writes are refused elsewhere)', async () => {
    const { authentication, repository } = setup();
    const { user, organization } = await authentication.signUp(signUpCommand());
    const stored = repository.organizations.get(organization.id);
    if (!stored) throw new Error('the organization was not stored');
    repository.organizations.set(organization.id, { ...stored, status: 'suspended' });
    const principal = await authentication.principal({
      type: 'user',
      organizationId: organization.id,
      userId: user.id,
    });
    expect(principal.organizationStatus).toBe('suspended');
  });

  it.each([
    ['the user is suspended', 'user'],
    ['the organization is cancelled', 'organization'],
  ] as const)('refuses with UNAUTHENTICATED when %s', async (_case, what) => {
    const { authentication, repository } = setup();
    const { user, organization } = await authentication.signUp(signUpCommand());
    if (what === 'user') {
      const entry = repository.users.get(user.id);
      if (!entry) throw new Error('the founder was not stored');
      entry.user = { ...entry.user, status: 'suspended' };
    } else {
      const stored = repository.organizations.get(organization.id);
      if (!stored) throw new Error('the organization was not stored');
      repository.organizations.set(organization.id, { ...stored, status: 'cancelled' });
    }
    const error = await rejection(
      authentication.principal({ type: 'user', organizationId: organization.id, userId: user.id }),
    );
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('checkSignUp', () => {
  it('trims the name and keeps a given slug over the one made from the name', () => {
    expect(
      checkSignUp(
        signUpCommand({ organizationName: '  Acme  ', organizationSlug: ' acme-2 ', vertical: null }),
      ),
    ).toMatchObject({ organizationName: 'Acme', organizationSlug: 'acme-2', vertical: 'general' });
  });

  it('reports every problem at once, by field, in a message too', () => {
    let error: unknown;
    try {
      checkSignUp({ organizationName: 'A', email: 'x', password: 'short' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'BAD_USER_INPUT',
      message:
        'organizationName must be 2–255 characters; organizationSlug must be 2–100 characters; ' +
        'email must be a valid email address; password must be at least 12 characters',
    });
  });

  it('refuses names over 255 characters instead of cutting them', () => {
    const error = domainErrorOf(() =>
      checkSignUp(signUpCommand({ givenName: 'a'.repeat(256), familyName: ` ${'b'.repeat(255)} ` })),
    );
    expect(error.details).toEqual({
      issues: [{ path: 'givenName', message: 'must be at most 255 characters', code: 'invalid' }],
    });
  });
});

describe('foundOrganization', () => {
  const ids = {
    organizationId: '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10',
    userId: '5d1e8c3a-7b24-4f6e-9c0d-1a2b3c4d5e6f',
  };
  const NOW = new Date('2026-11-29T09:30:00.000Z');

  it('makes the founder an active human owner and admin of the new organization, signed in now', () => {
    const { organization, founder } = foundOrganization(checkSignUp(signUpCommand()), ids, NOW);
    expect(organization).toEqual({
      id: ids.organizationId,
      name: 'Acme Realty, Inc.',
      slug: 'acme-realty-inc',
      vertical: 'general',
      status: 'active',
      parentOrganizationId: null,
      statusReason: null,
      statusChangedAt: null,
      suspendedBy: null,
      logoUrl: null,
      domain: null,
      settings: defaultSettings(),
      createdAt: NOW,
      updatedAt: NOW,
    });
    expect(founder).toMatchObject({
      id: ids.userId,
      organizationId: ids.organizationId,
      email: 'founder@acme.example',
      username: 'founder',
      type: 'human',
      status: 'active',
      roles: ['owner', 'admin'],
      givenName: 'Ada',
      familyName: null,
      lastLoginAt: NOW,
      createdAt: NOW,
      updatedAt: NOW,
      deletedAt: null,
    });
  });

  it('implies the organization’s event, then the founder’s, both in the new organization', () => {
    const { events } = foundOrganization(checkSignUp(signUpCommand()), ids, NOW);
    expect(events.map(({ type, subject, tenantid, time }) => ({ type, subject, tenantid, time }))).toEqual([
      {
        type: 'identity.organization.created.v1',
        subject: ids.organizationId,
        tenantid: ids.organizationId,
        time: NOW.toISOString(),
      },
      {
        type: 'identity.user.created.v1',
        subject: ids.userId,
        tenantid: ids.organizationId,
        time: NOW.toISOString(),
      },
    ]);
  });
});
