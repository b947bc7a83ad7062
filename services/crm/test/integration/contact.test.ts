import { randomUUID } from 'node:crypto';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { startCrmService } from '../../src/service';

// The contact module against real PostgreSQL through its subgraph: a created contact is stored with
// its event in one transaction, a refused one writes nothing, and the contact lists of many
// organizations or users cost a constant number of statements.

const CREATE = `mutation ($input: CreateContactInput!) {
  createContact(input: $input) { id givenName relationshipState owner { id } }
}`;

describe('contact module', () => {
  const subject = serviceUnderTest('crm', (env) => startCrmService(env.startOptions()));

  async function create(auth: TestTenant, input: Record<string, unknown>) {
    const { env, service: crm } = subject;
    return env.graphql<{ createContact: { id: string; owner: { id: string } | null } }>(
      crm.graphqlUrl,
      CREATE,
      { input },
      await env.headersFor(auth),
    );
  }

  it('stores a created contact with exactly one crm.contact.created.v1 in the outbox', async () => {
    const { env } = subject;
    const caller = newTenant();
    const { data, errors } = await create(caller, { givenName: 'Ada', email: 'ada@example.com' });
    expect(errors).toBeUndefined();
    const id = data?.createContact.id ?? '';
    expect(data?.createContact.owner).toEqual({ id: caller.userId });
    const events = (await env.outboxEvents()).filter((event) => event.subject === id);
    expect(events).toEqual([{ type: 'crm.contact.created.v1', subject: id }]);
  });

  it('writes neither contact nor event when the input is refused', async () => {
    const { env, service: crm } = subject;
    const caller = newTenant();
    const before = (await env.outboxEvents()).length;
    const { errors } = await create(caller, { givenName: ' ', email: 'not-an-email' });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await env.outboxEvents()).toHaveLength(before);
    const listed = await env.entities<{ contacts: { totalCount: number } }>(
      crm.graphqlUrl,
      '... on Organization { contacts { totalCount } }',
      caller,
      [{ __typename: 'Organization', id: caller.organizationId }],
    );
    expect(listed[0]?.contacts.totalCount).toBe(0);
  });

  it('pages users’ contacts in statements that do not grow with the number of users', async () => {
    const { env, service: crm } = subject;
    const caller = newTenant();
    const owners = Array.from({ length: 8 }, () => randomUUID());
    for (const [index, ownerId] of owners.entries()) {
      for (let n = 0; n <= index % 3; n += 1) {
        const { errors } = await create(caller, { givenName: `Contact ${index}-${n}`, ownerId });
        expect(errors).toBeUndefined();
      }
    }
    const measure = (ids: string[]) =>
      env.countStatements(() =>
        env.entities<{ ownedContacts: { totalCount: number } }>(
          crm.graphqlUrl,
          '... on User { ownedContacts(first: 2) { totalCount edges { node { id } } } }',
          caller,
          ids.map((id) => ({ __typename: 'User', id })),
        ),
      );
    const one = await measure(owners.slice(0, 1));
    const all = await measure(owners);
    expect(all.result.map((user) => user?.ownedContacts.totalCount)).toEqual(
      owners.map((_, index) => (index % 3) + 1),
    );
    expect(all.statements).toBe(one.statements);
  });
});
