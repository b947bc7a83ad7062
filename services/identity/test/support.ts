import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { withTenant, type InternalContext } from '@platform/service-kit';
import { serviceUnderTest, type ServiceTestEnvironment } from '@platform/service-kit/testing';
import {
  createArgon2idHasher,
  generateSigningKey,
  startIdentityService,
  type IdentityOptions,
  type IdentityService,
  type SigningKey,
} from '../src/service';

/**
 * Stores users of an organization straight in identity's database, each holding the named roles: for
 * tests that need many colleagues quickly (the API's way in is an invitation).
 */
export async function storeUsers(
  identity: IdentityService,
  organizationId: string,
  users: ReadonlyArray<{
    id: string;
    email: string;
    roles: string[];
    type?: 'human' | 'ai' | 'system' | 'integration';
  }>,
): Promise<void> {
  await withTenant(identity.database, organizationId, async (tx) => {
    await tx.user.createMany({
      data: users.map(({ roles: _roles, ...user }) => ({
        ...user,
        username: user.email.split('@')[0] ?? user.id,
        organizationId,
      })),
    });
    const names = [...new Set(users.flatMap((user) => user.roles))];
    const roles = await tx.role.findMany({
      where: { name: { in: names } },
      select: { id: true, name: true },
    });
    await tx.userRole.createMany({
      data: users.flatMap((user) =>
        user.roles.map((name) => {
          const role = roles.find((candidate) => candidate.name === name);
          if (!role) throw new Error(`no role named ${name}`);
          return { userId: user.id, roleId: role.id, organizationId };
        }),
      ),
    });
  });
}

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { user { id organization { id } } } }`;

/** Signs a new organization up straight on identity's subgraph; answers its founder (owner and admin). */
export async function signUpDirectly(
  env: ServiceTestEnvironment,
  identity: IdentityService,
  label: string,
): Promise<{ organizationId: string; userId: string; slug: string }> {
  const slug = `${label}-${randomUUID().slice(0, 8)}`.toLowerCase();
  const result = await env.graphql<{ signUp: { user: { id: string; organization: { id: string } } } }>(
    identity.graphqlUrl,
    SIGN_UP,
    {
      input: {
        organizationName: `${label} Agency`,
        organizationSlug: slug,
        email: `founder@${slug}.example.com`,
        password: 'correct horse battery staple',
      },
    },
    await env.headersFor({}),
  );
  const user = result.data?.signUp.user;
  if (!user) throw new Error(`sign-up failed: ${JSON.stringify(result.errors)}`);
  return { organizationId: user.organization.id, userId: user.id, slug };
}

/** The emails identity asked the notification service to deliver to `to`, oldest first (from its outbox). */
export async function emailsTo(
  env: ServiceTestEnvironment,
  to: string,
): Promise<Array<{ template: string; variables: Record<string, string> }>> {
  const client = new Client({ connectionString: env.database.ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ data: { template: string; variables: Record<string, string> } }>(
      `SELECT payload->'data' AS data FROM outbox_events
        WHERE event_type = 'identity.email.requested.v1' AND payload->'data'->>'to' = $1 ORDER BY seq`,
      [to],
    );
    return rows.map((row) => row.data);
  } finally {
    await client.end();
  }
}

/**
 * identity under test, for a describe block: a fresh signing key, cheap argon2id parameters, a random
 * secrets key, and whatever else `options` adds; `call` runs an operation on its subgraph as a caller.
 * Each test file gets its own database and topics.
 */
export function identityUnderTest(options: (signing: SigningKey) => Partial<IdentityOptions> = () => ({})) {
  const subject = serviceUnderTest('identity', async (env) => {
    const signing = await generateSigningKey();
    return startIdentityService({
      ...env.startOptions(),
      signingKey: signing.key,
      passwords: createArgon2idHasher({ memoryCost: 1024, timeCost: 1 }),
      secretKeys: [randomBytes(32)],
      ...options(signing.key),
    });
  });
  /** Calls identity's subgraph on behalf of `auth`, signed as the gateway signs. */
  const call = async <T>(
    auth: Partial<InternalContext>,
    query: string,
    variables: Record<string, unknown> = {},
  ) =>
    subject.env.graphql<T>(subject.service.graphqlUrl, query, variables, await subject.env.headersFor(auth));
  return Object.assign(subject, { call });
}
