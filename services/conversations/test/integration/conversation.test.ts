import { randomUUID } from 'node:crypto';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { startConversationsService } from '../../src/service';

// The conversation module against real PostgreSQL through its subgraph: starting a conversation
// stores it with its event in one transaction, and Contact.conversations for many contacts costs a
// constant number of statements.

const START = `mutation ($input: StartConversationInput!) {
  startConversation(input: $input) { id platform status subject contact { id } }
}`;
const CONTACTS = `... on Contact {
  id conversations(first: 2) { totalCount edges { node { id subject } } pageInfo { hasNextPage endCursor } }
}`;

describe('conversation module', () => {
  const subject = serviceUnderTest('conversations', (env) => startConversationsService(env.startOptions()));

  async function start(auth: TestTenant, input: Record<string, unknown>) {
    const { env, service } = subject;
    return env.graphql<{ startConversation: { id: string } }>(
      service.graphqlUrl,
      START,
      { input },
      await env.headersFor(auth),
    );
  }

  it('stores a started conversation with exactly one started event', async () => {
    const { env } = subject;
    const caller = newTenant();
    const contactId = randomUUID();
    const { data, errors } = await start(caller, { platform: 'email', contactId, subject: 'Hello' });
    expect(errors).toBeUndefined();
    const id = data?.startConversation.id ?? '';
    const events = (await env.outboxEvents()).filter((event) => event.subject === id);
    expect(events).toEqual([{ type: 'conversations.conversation.started.v1', subject: id }]);
  });

  it('writes nothing when the input is refused', async () => {
    const { env } = subject;
    const caller = newTenant();
    const before = (await env.outboxEvents()).length;
    const { errors } = await start(caller, { platform: 'email', subject: 'x'.repeat(501) });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await env.outboxEvents()).toHaveLength(before);
    expect(await env.auditEntries(caller.organizationId)).toEqual([
      expect.objectContaining({
        service: 'conversations',
        outcome: 'failure',
        errorCode: 'BAD_USER_INPUT',
      }),
    ]);
  });

  it('pages every contact’s conversations, newest first, in statements that do not grow with contacts', async () => {
    const { env, service } = subject;
    const caller = newTenant();
    const contacts = Array.from({ length: 12 }, () => randomUUID());
    for (const [index, contactId] of contacts.entries()) {
      for (let n = 0; n < (index % 4) + 1; n += 1) {
        const { errors } = await start(caller, { platform: 'chat', contactId, subject: `c${index}-${n}` });
        expect(errors).toBeUndefined();
      }
    }
    const measure = async (ids: string[]) => {
      const { result: found, statements } = await env.countStatements(() =>
        env.entities<{
          id: string;
          conversations: {
            totalCount: number;
            edges: Array<{ node: { subject: string } }>;
            pageInfo: { hasNextPage: boolean };
          };
        }>(
          service.graphqlUrl,
          CONTACTS,
          caller,
          ids.map((id) => ({ __typename: 'Contact', id })),
        ),
      );
      return { found, statements };
    };
    const one = await measure(contacts.slice(0, 1));
    const all = await measure(contacts);
    expect(all.statements).toBe(one.statements);
    all.found.forEach((entity, index) => {
      const count = (index % 4) + 1;
      expect(entity?.conversations.totalCount).toBe(count);
      expect(entity?.conversations.pageInfo.hasNextPage).toBe(count > 2);
      expect(entity?.conversations.edges.map((edge) => edge.node.subject)).toEqual(
        Array.from({ length: Math.min(count, 2) }, (_, n) => `c${index}-${count - 1 - n}`),
      );
    });
  });

  it('pages one contact’s conversations to the end with cursors, the total the same on every page', async () => {
    const { env, service } = subject;
    const caller = newTenant();
    const contactId = randomUUID();
    for (let n = 0; n < 5; n += 1) {
      const { errors } = await start(caller, { platform: 'email', contactId, subject: `s${n}` });
      expect(errors).toBeUndefined();
    }
    interface Paged {
      conversations: {
        totalCount: number;
        edges: Array<{ node: { subject: string } }>;
        pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
      };
    }
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page += 1) {
      const [entity]: Array<Paged | null> = await env.entities<Paged>(
        service.graphqlUrl,
        `... on Contact { conversations(first: 2, after: ${JSON.stringify(after)}) {
          totalCount edges { node { subject } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`,
        caller,
        [{ __typename: 'Contact', id: contactId }],
      );
      const connection: Paged['conversations'] | undefined = entity?.conversations;
      expect(connection?.totalCount).toBe(5);
      expect(connection?.pageInfo.hasPreviousPage).toBe(page > 0);
      expect(connection?.pageInfo.hasNextPage).toBe(page < 2);
      seen.push(...(connection?.edges.map((edge) => edge.node.subject) ?? []));
      after = connection?.pageInfo.endCursor ?? null;
    }
    expect(seen).toEqual(['s4', 's3', 's2', 's1', 's0']);
  });
});
