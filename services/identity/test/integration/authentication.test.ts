import { randomBytes, randomUUID } from 'node:crypto';
import { tenantDatabase, withTenant } from '@platform/service-kit';
import { serviceUnderTest } from '@platform/service-kit/testing';
import { eventually } from '@platform/testing';
import { authenticationRepository } from '../../src/modules/authentication/infra/authentication-repository';
import { createRefreshTokenFactory } from '../../src/modules/authentication/infra/tokens';
import { createArgon2idHasher, generateSigningKey, JWKS_PATH, startIdentityService } from '../../src/service';

// Signing up, in and on against real PostgreSQL (row-level security, the auth-lookup policies, the
// outbox) and Kafka (the relay publishes what sign-up wrote), through identity's subgraph.

const SIGN_UP = `mutation($input: SignUpInput!) {
  signUp(input: $input) {
    accessToken tokenType expiresIn refreshToken
    user { id email roles lastLoginAt organization { id slug vertical status } }
  }
}`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { ... on AuthPayload { refreshToken user { id } } } }`;
const REFRESH = `mutation($input: RefreshTokenInput!) {
  refreshToken(input: $input) { refreshToken user { id organization { id } } }
}`;

const PASSWORD = 'correct horse battery staple';

interface Payload {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  refreshToken: string;
  user: {
    id: string;
    email: string;
    roles: string[];
    lastLoginAt: string | null;
    organization: { id: string; slug: string; vertical: string; status: string };
  };
}

describe('identity authentication (real PostgreSQL and Kafka)', () => {
  let previousKeyId: string;
  const subject = serviceUnderTest('identity', async (env) => {
    const [signing, previous] = await Promise.all([generateSigningKey(), generateSigningKey()]);
    previousKeyId = previous.key.kid;
    return startIdentityService({
      ...env.startOptions(),
      signingKey: signing.key,
      previousPublicJwks: [previous.key.publicJwk],
      passwords: createArgon2idHasher({ memoryCost: 1024, timeCost: 1 }),
      secretKeys: [randomBytes(32)],
    });
  });

  const anonymous = () => subject.env.headersFor({});

  const signUpInput = (label: string) => {
    const slug = `${label}-${randomUUID().slice(0, 8)}`;
    return {
      organizationName: `${label} Realty`,
      organizationSlug: slug,
      vertical: 'insurance',
      email: `Founder@${slug}.example.com`,
      password: PASSWORD,
      givenName: 'Ada',
    };
  };

  async function signUp(label: string) {
    const { env, service: identity } = subject;
    const input = signUpInput(label);
    const result = await env.graphql<{ signUp: Payload }>(
      identity.graphqlUrl,
      SIGN_UP,
      { input },
      await anonymous(),
    );
    const payload = result.data?.signUp;
    if (!payload) throw new Error(`sign-up failed: ${JSON.stringify(result.errors)}`);
    return { input, ...payload };
  }

  const outboxOf = (subjects: string[]) =>
    subject.service.database.outboxEvent.findMany({
      where: { partitionKey: { in: subjects }, NOT: { eventType: { endsWith: '.audit.recorded.v1' } } },
      orderBy: { seq: 'asc' },
    });

  describe('signUp', () => {
    it('answers a session whose user carries the new organization, though the caller is anonymous', async () => {
      const { input, ...payload } = await signUp('session');
      expect(payload).toMatchObject({
        tokenType: 'Bearer',
        expiresIn: 900,
        user: {
          email: input.email.toLowerCase(),
          roles: ['owner', 'admin'],
          organization: { slug: input.organizationSlug, vertical: 'insurance', status: 'active' },
        },
      });
      expect(payload.accessToken.split('.')).toHaveLength(3);
      expect(payload.refreshToken).toMatch(/^rt_/);
      expect(payload.user.lastLoginAt).not.toBeNull();
    });

    it('stores the organization, its founder, the first refresh token and both events together', async () => {
      const identity = subject.service;
      const { user, refreshToken } = await signUp('stored');
      const organizationId = user.organization.id;
      const stored = await withTenant(identity.database, organizationId, async (tx) => ({
        organization: await tx.organization.findUniqueOrThrow({ where: { id: organizationId } }),
        founder: await tx.user.findUniqueOrThrow({ where: { id: user.id } }),
        tokens: await tx.refreshToken.findMany({ where: { userId: user.id } }),
      }));
      expect(stored.founder.passwordHash).toMatch(/^\$argon2id\$/);
      expect(stored.tokens).toHaveLength(1);
      expect(stored.tokens[0]?.tokenHash).not.toBe(refreshToken);

      const rows = await outboxOf([organizationId, user.id]);
      expect(rows.map((row) => [row.eventType, row.topic, row.partitionKey])).toEqual([
        ['identity.organization.created.v1', 'identity.organization', organizationId],
        ['identity.user.created.v1', 'identity.user', user.id],
      ]);
      expect(rows[0]?.payload).toMatchObject({
        tenantid: organizationId,
        data: { organizationId, createdAt: stored.organization.createdAt.toISOString() },
      });
      expect(rows[1]?.payload).toMatchObject({
        tenantid: organizationId,
        data: { userId: user.id, email: stored.founder.email, roles: ['owner', 'admin'], givenName: 'Ada' },
      });
      expect(JSON.stringify(rows.map((row) => row.payload))).not.toContain(PASSWORD);
      // Audited in the same transaction, personal data redacted; nobody was signed in yet.
      const audit = await subject.env.auditEntries(organizationId);
      expect(audit.map((entry) => [entry.action, entry.entityId, entry.operation])).toEqual([
        ['identity.organization.created', organizationId, 'signUp'],
        ['identity.user.created', user.id, 'signUp'],
      ]);
      expect(audit[1]?.changes).toMatchObject({
        email: '[redacted]',
        givenName: '[redacted]',
        roles: ['owner', 'admin'],
      });
      expect(audit[1]?.actor.type).toBe('anonymous');
      expect(JSON.stringify(audit)).not.toContain(stored.founder.email);
      // The relay publishes what the sign-up committed.
      await eventually('the sign-up events published', async () => {
        const published = await outboxOf([organizationId, user.id]);
        return published.every((row) => row.publishedAt !== null);
      });
    });

    it('refuses a taken slug with CONFLICT and stores nothing of the second sign-up, events included', async () => {
      const { env, service: identity } = subject;
      const first = await signUp('taken');
      const outboxBefore = await identity.database.outboxEvent.count();
      const again = { ...signUpInput('taken'), organizationSlug: first.input.organizationSlug };
      const result = await env.graphql(identity.graphqlUrl, SIGN_UP, { input: again }, await anonymous());
      expect(result.errors?.[0]?.extensions).toEqual({
        code: 'CONFLICT',
        details: { issues: [{ path: 'organizationSlug', message: 'is taken', code: 'taken' }] },
      });
      expect(await identity.database.outboxEvent.count()).toBe(outboxBefore);
      const lookup = authenticationRepository(
        identity.database,
        tenantDatabase(identity.database, { notify() {} }),
      );
      const candidates = await lookup.findLoginCandidates(again.email.toLowerCase(), null);
      expect(candidates).toEqual([]);
    });
  });

  describe('login', () => {
    it('finds the founder by email in any case, records the sign-in and starts a new session family', async () => {
      const { env, service: identity } = subject;
      const { input, user } = await signUp('login');
      const result = await env.graphql<{ login: { refreshToken: string; user: { id: string } } }>(
        identity.graphqlUrl,
        LOGIN,
        { input: { email: input.email.toUpperCase(), password: PASSWORD } },
        await anonymous(),
      );
      expect(result.data?.login.user.id).toBe(user.id);
      const { founder, tokens } = await withTenant(identity.database, user.organization.id, async (tx) => ({
        founder: await tx.user.findUniqueOrThrow({ where: { id: user.id } }),
        tokens: await tx.refreshToken.findMany({ where: { userId: user.id } }),
      }));
      expect(founder.lastLoginAt?.getTime()).toBeGreaterThan(new Date(user.lastLoginAt ?? 0).getTime());
      expect(tokens).toHaveLength(2);
      expect(new Set(tokens.map((token) => token.familyId)).size).toBe(2);
      // Signing in publishes no domain event; the trail records it (from the caller's address).
      expect(await outboxOf([user.organization.id, user.id])).toHaveLength(2);
      const audit = await env.auditEntries(user.organization.id);
      expect(audit.filter((entry) => entry.action === 'identity.login')).toEqual([
        expect.objectContaining({ operation: 'login', entityId: null, outcome: 'success' }),
      ]);
    });

    it('answers a wrong password with UNAUTHENTICATED', async () => {
      const { env, service: identity } = subject;
      const { input } = await signUp('wrong');
      const result = await env.graphql(
        identity.graphqlUrl,
        LOGIN,
        { input: { email: input.email, password: 'not the password at all' } },
        await anonymous(),
      );
      expect(result.errors?.[0]).toMatchObject({
        message: 'Invalid email or password',
        extensions: { code: 'UNAUTHENTICATED' },
      });
    });
  });

  describe('refreshToken', () => {
    it('rotates in the database: the presented token revoked and replaced, in the same family', async () => {
      const { env, service: identity } = subject;
      const { user, refreshToken } = await signUp('rotate');
      const result = await env.graphql<{
        refreshToken: { refreshToken: string; user: { id: string; organization: { id: string } } };
      }>(identity.graphqlUrl, REFRESH, { input: { refreshToken } }, await anonymous());
      expect(result.data?.refreshToken.user).toEqual({
        id: user.id,
        organization: { id: user.organization.id },
      });
      const tokens = await withTenant(identity.database, user.organization.id, (tx) =>
        tx.refreshToken.findMany({ where: { userId: user.id }, orderBy: { createdAt: 'asc' } }),
      );
      const [first, second] = tokens;
      expect(tokens).toHaveLength(2);
      expect(first).toMatchObject({ replacedById: second?.id, familyId: second?.familyId });
      expect(first?.revokedAt).toBeInstanceOf(Date);
      expect(second?.revokedAt).toBeNull();
    });

    it('revokes the whole family when a rotated token comes back', async () => {
      const { env, service: identity } = subject;
      const { user, refreshToken } = await signUp('reuse');
      await env.graphql(identity.graphqlUrl, REFRESH, { input: { refreshToken } }, await anonymous());
      const reuse = await env.graphql(
        identity.graphqlUrl,
        REFRESH,
        { input: { refreshToken } },
        await anonymous(),
      );
      expect(reuse.errors?.[0]).toMatchObject({
        message: 'Refresh token was already used; sign in again',
        extensions: { code: 'UNAUTHENTICATED' },
      });
      const live = await withTenant(identity.database, user.organization.id, (tx) =>
        tx.refreshToken.count({ where: { userId: user.id, revokedAt: null } }),
      );
      expect(live).toBe(0);
    });

    it('refuses an empty token by field, before looking anything up', async () => {
      const { env, service: identity } = subject;
      const result = await env.graphql(
        identity.graphqlUrl,
        REFRESH,
        { input: { refreshToken: '' } },
        await anonymous(),
      );
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { issues: [expect.objectContaining({ path: 'refreshToken' })] },
      });
    });

    it('lets only one of two concurrent rotations of the same token win', async () => {
      const identity = subject.service;
      const { user, refreshToken } = await signUp('race');
      const repository = authenticationRepository(
        identity.database,
        tenantDatabase(identity.database, { notify() {} }),
      );
      const tokens = createRefreshTokenFactory();
      const current = await repository.findRefreshToken(tokens.hash(refreshToken));
      if (!current) throw new Error('the sign-up stored no refresh token');
      const at = new Date();
      const outcomes = await Promise.all([
        repository.rotateRefreshToken(current, tokens.create(current.familyId), at),
        repository.rotateRefreshToken(current, tokens.create(current.familyId), at),
      ]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const count = await withTenant(identity.database, user.organization.id, (tx) =>
        tx.refreshToken.count({ where: { familyId: current.familyId } }),
      );
      expect(count).toBe(2);
    });
  });

  describe(JWKS_PATH, () => {
    it('publishes the current public key and the still-trusted previous ones, without private parts', async () => {
      const identity = subject.service;
      const response = await fetch(`${identity.url}${JWKS_PATH}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/jwk-set+json');
      const body = (await response.json()) as { keys: Array<Record<string, unknown>> };
      expect(body.keys).toHaveLength(2);
      expect(body.keys[1]?.kid).toBe(previousKeyId);
      for (const key of body.keys) {
        expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
        expect(key).not.toHaveProperty('d');
      }
    });
  });
});
