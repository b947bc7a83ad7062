import { randomUUID } from 'node:crypto';
import { signUpDirectly, storeUsers, identityUnderTest } from '../support';

// Who the caller is (`me`) and users resolved for other subgraphs, against real PostgreSQL: always
// inside the caller's organization, and batched.

const ME = `{ me { id email type status roles organization { id name } } }`;

describe('identity users (real PostgreSQL)', () => {
  const subject = identityUnderTest();

  const signUp = (label: string) => signUpDirectly(subject.env, subject.service, label);

  describe('me', () => {
    it('answers the signed-in user with their organization', async () => {
      const { env, service: identity } = subject;
      const founder = await signUp('me');
      const result = await env.graphql(identity.graphqlUrl, ME, {}, await env.headersFor(founder));
      expect(result.data).toEqual({
        me: {
          id: founder.userId,
          email: `founder@${founder.slug}.example.com`,
          type: 'human',
          status: 'active',
          roles: ['owner', 'admin'],
          organization: { id: founder.organizationId, name: 'me Agency' },
        },
      });
    });

    it('refuses an anonymous caller, and a user unknown to their organization, with UNAUTHENTICATED', async () => {
      const { env, service: identity } = subject;
      const founder = await signUp('gone');
      const anonymous = await env.graphql(identity.graphqlUrl, ME, {}, await env.headersFor({}));
      expect(anonymous.errors?.[0]).toMatchObject({
        message: 'Authentication required',
        extensions: { code: 'UNAUTHENTICATED' },
      });
      const stranger = await env.graphql(
        identity.graphqlUrl,
        ME,
        {},
        await env.headersFor({ organizationId: founder.organizationId, userId: randomUUID() }),
      );
      expect(stranger.errors?.[0]).toMatchObject({
        message: 'The signed-in user no longer exists',
        extensions: { code: 'UNAUTHENTICATED' },
      });
    });
  });

  describe('User references', () => {
    it('resolve 1 or 30 users with the same number of SQL statements', async () => {
      const { env, service: identity } = subject;
      const founder = await signUp('batch');
      const colleagues = Array.from({ length: 29 }, () => randomUUID());
      await storeUsers(
        identity,
        founder.organizationId,
        colleagues.map((id, index) => ({ id, email: `agent-${index}@example.com`, roles: ['agent'] })),
      );
      const resolve = (ids: string[]) =>
        env.countStatements(() =>
          env.entities(
            identity.graphqlUrl,
            '... on User { id organization { id } }',
            founder,
            ids.map((id) => ({ __typename: 'User', id })),
          ),
        );
      const one = await resolve([founder.userId]);
      const thirty = await resolve([founder.userId, ...colleagues]);
      expect(thirty.result.map((user) => user?.id)).toEqual([founder.userId, ...colleagues]);
      expect(thirty.statements).toBe(one.statements);
      expect(one.statements).toBeGreaterThan(0);
    });
  });
});
