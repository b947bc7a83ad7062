import { randomUUID } from 'node:crypto';
import { withTenant } from '@platform/service-kit';
import { storeUsers, identityUnderTest } from './support';

// The federation contract of identity's entities: the gateway sends `_entities` with representations
// of Organization and User and gets each back in request order, or null where the caller's
// organization cannot see it.

const ORGANIZATION = `... on Organization { id name slug vertical status createdAt }`;
const USER = `... on User { id email givenName familyName type status roles organization { id } }`;

const SIGN_UP = `mutation($input: SignUpInput!) {
  signUp(input: $input) { user { id organization { id } } }
}`;

type Entity = Record<string, unknown> | null;

describe('identity _entities', () => {
  const subject = identityUnderTest();

  /** Signs a new organization up through the subgraph, as an anonymous caller. */
  async function signUp(name: string) {
    const { env, service: identity } = subject;
    const slug = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}`;
    const result = await env.graphql<{ signUp: { user: { id: string; organization: { id: string } } } }>(
      identity.graphqlUrl,
      SIGN_UP,
      {
        input: {
          organizationName: `${name} Realty`,
          organizationSlug: slug,
          vertical: 'real_estate',
          email: `Founder@${slug}.example.com`,
          password: 'correct horse battery staple',
          givenName: 'Ada',
          familyName: name,
        },
      },
      await env.headersFor({}),
    );
    const user = result.data?.signUp.user;
    if (!user) throw new Error(`sign-up failed: ${JSON.stringify(result.errors)}`);
    return { organizationId: user.organization.id, userId: user.id, slug };
  }

  const entities = (
    selection: string,
    auth: { organizationId: string; userId: string },
    representations: Array<{ __typename: string; id: string }>,
  ): Promise<Entity[]> =>
    subject.env.entities<Record<string, unknown>>(
      subject.service.graphqlUrl,
      selection,
      auth,
      representations,
    );

  describe('Organization', () => {
    it('resolves a representation of the caller’s organization to its fields', async () => {
      const identity = subject.service;
      const founder = await signUp('Acme');
      const [organization] = await entities(ORGANIZATION, founder, [
        { __typename: 'Organization', id: founder.organizationId },
      ]);
      const stored = await withTenant(identity.database, founder.organizationId, (tx) =>
        tx.organization.findUniqueOrThrow({ where: { id: founder.organizationId } }),
      );
      expect(organization).toEqual({
        id: founder.organizationId,
        name: 'Acme Realty',
        slug: founder.slug,
        vertical: 'real_estate',
        status: 'active',
        createdAt: stored.createdAt.toISOString(),
      });
    });

    it('answers several representations in request order, with null in the place of each unseen one', async () => {
      const founder = await signUp('Order');
      const unknown = randomUUID();
      const result = await entities(ORGANIZATION, founder, [
        { __typename: 'Organization', id: unknown },
        { __typename: 'Organization', id: founder.organizationId },
        { __typename: 'Organization', id: unknown },
        { __typename: 'Organization', id: founder.organizationId },
      ]);
      expect(result.map((organization) => organization?.id ?? null)).toEqual([
        null,
        founder.organizationId,
        null,
        founder.organizationId,
      ]);
    });

    it('resolves another organization, or an unknown id, to null', async () => {
      const [first, second] = await Promise.all([signUp('First'), signUp('Second')]);
      const result = await entities(ORGANIZATION, first, [
        { __typename: 'Organization', id: second.organizationId },
        { __typename: 'Organization', id: randomUUID() },
      ]);
      expect(result).toEqual([null, null]);
      // The second organization does exist: it sees itself.
      const [own] = await entities(ORGANIZATION, second, [
        { __typename: 'Organization', id: second.organizationId },
      ]);
      expect(own?.id).toBe(second.organizationId);
    });
  });

  describe('User', () => {
    it('resolves a representation of a user of the caller’s organization to its fields', async () => {
      const founder = await signUp('Lovelace');
      const [user] = await entities(USER, founder, [{ __typename: 'User', id: founder.userId }]);
      expect(user).toEqual({
        id: founder.userId,
        email: `founder@${founder.slug}.example.com`,
        givenName: 'Ada',
        familyName: 'Lovelace',
        type: 'human',
        status: 'active',
        roles: ['owner', 'admin'],
        organization: { id: founder.organizationId },
      });
    });

    it('answers several representations in request order', async () => {
      const identity = subject.service;
      const founder = await signUp('Team');
      const [first, second] = [randomUUID(), randomUUID()];
      await storeUsers(
        identity,
        founder.organizationId,
        [first, second].map((id, index) => ({
          id,
          email: `colleague-${index}@example.com`,
          roles: ['agent'],
          type: 'ai' as const,
        })),
      );
      const order = [second, founder.userId, first];
      const result = await entities(
        USER,
        founder,
        order.map((id) => ({ __typename: 'User', id })),
      );
      expect(result.map((user) => user?.id)).toEqual(order);
      expect(result.map((user) => user?.email)).toEqual([
        'colleague-1@example.com',
        `founder@${founder.slug}.example.com`,
        'colleague-0@example.com',
      ]);
    });

    it('resolves a user of another organization, or an unknown id, to null', async () => {
      const [first, second] = await Promise.all([signUp('Alpha'), signUp('Beta')]);
      const result = await entities(USER, first, [
        { __typename: 'User', id: second.userId },
        { __typename: 'User', id: randomUUID() },
        { __typename: 'User', id: first.userId },
      ]);
      expect(result.map((user) => user?.id ?? null)).toEqual([null, null, first.userId]);
    });
  });
});
