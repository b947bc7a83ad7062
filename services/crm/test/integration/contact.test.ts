import { randomUUID } from 'node:crypto';
import { withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { startCrmService } from '../../src/service';
import { crmOptions } from '../support';

// The contact module against real PostgreSQL through its subgraph: a created contact is stored with
// its event in one transaction, a refused one writes nothing, and the contact lists of many
// organizations or users cost a constant number of statements.

const CREATE = `mutation ($input: CreateContactInput!) {
  createContact(input: $input) { id givenName relationshipState owner { id } }
}`;

describe('contact module', () => {
  const subject = serviceUnderTest('crm', (env) => startCrmService(crmOptions(env.startOptions())));

  async function create(auth: TestTenant, input: Record<string, unknown>) {
    const { env, service: crm } = subject;
    return env.graphql<{ createContact: { id: string; owner: { id: string } | null } }>(
      crm.graphqlUrl,
      CREATE,
      { input },
      await env.headersFor(auth),
    );
  }

  /** Users crm knows of (its projection of identity's users), as identity's events would leave them. */
  async function knownUsers(
    organizationId: string,
    ids: readonly string[],
    status = 'active',
    deleted = false,
  ) {
    await withTenant(subject.service.database, organizationId, (tx) =>
      tx.userReference.createMany({
        data: ids.map((id) => ({ id, organizationId, status, deleted, changedAt: new Date() })),
      }),
    );
  }

  describe('owners', () => {
    it('accepts a user of the organization as owner, and the caller always', async () => {
      const caller = newTenant();
      const colleague = randomUUID();
      await knownUsers(caller.organizationId, [colleague]);
      expect(
        (await create(caller, { givenName: 'A', ownerId: colleague })).data?.createContact.owner,
      ).toEqual({ id: colleague });
      expect((await create(caller, { givenName: 'B' })).data?.createContact.owner).toEqual({
        id: caller.userId,
      });
    });

    it('refuses unknown users, users of another organization and deactivated users with BAD_USER_INPUT, writing nothing', async () => {
      const { env } = subject;
      const caller = newTenant();
      const stranger = newTenant();
      const [foreign, inactive, deleted] = [randomUUID(), randomUUID(), randomUUID()];
      await knownUsers(stranger.organizationId, [foreign]);
      await knownUsers(caller.organizationId, [inactive], 'inactive');
      await knownUsers(caller.organizationId, [deleted], 'active', true);
      const before = (await env.outboxEvents()).length;
      for (const ownerId of [randomUUID(), foreign, inactive, deleted, stranger.userId]) {
        const { errors } = await create(caller, { givenName: 'Nope', ownerId });
        expect(errors?.[0]?.extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          details: { issues: [{ path: 'ownerId' }] },
        });
      }
      expect(await env.outboxEvents()).toHaveLength(before);
    });
  });

  it('stores a created contact with exactly one crm.contact.created.v1 in the outbox', async () => {
    const { env } = subject;
    const caller = newTenant();
    const { data, errors } = await create(caller, { givenName: 'Ada', email: 'ada@example.com' });
    expect(errors).toBeUndefined();
    const id = data?.createContact.id ?? '';
    expect(data?.createContact.owner).toEqual({ id: caller.userId });
    const events = (await env.outboxEvents()).filter((event) => event.subject === id);
    expect(events).toEqual([{ type: 'crm.contact.created.v1', subject: id }]);
    // Its audit entry went out in the same transaction: the caller, the contact, its data.
    const audit = await env.auditEntries(caller.organizationId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      service: 'crm',
      action: 'crm.contact.created',
      operation: 'createContact',
      entityType: 'contact',
      entityId: id,
      outcome: 'success',
      actor: { type: 'user', userId: caller.userId },
      changes: { contactId: id, ownerId: caller.userId },
    });
  });

  it('writes neither contact nor event when the input is refused', async () => {
    const { env, service: crm } = subject;
    const caller = newTenant();
    const before = (await env.outboxEvents()).length;
    const { errors } = await create(caller, { givenName: ' ', email: 'not-an-email' });
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await env.outboxEvents()).toHaveLength(before);
    // The refusal itself is audited, and nothing else is.
    expect(await env.auditEntries(caller.organizationId)).toEqual([
      expect.objectContaining({
        action: 'crm.createContact',
        entityId: null,
        outcome: 'failure',
        errorCode: 'BAD_USER_INPUT',
      }),
    ]);
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
    await knownUsers(caller.organizationId, owners);
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
