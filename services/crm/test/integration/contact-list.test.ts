import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { startCrmService } from '../../src/service';
import { crmOptions } from '../support';

// The contact list against real PostgreSQL through crm's subgraph: filter trees with and / or / not,
// field operators, custom field conditions, sorts with stable cursors page after page, name prefix
// search and email lookup without plaintext, typed refusals of bad cursors and orders, and statements
// that stay flat as the organization grows.

interface Edge {
  cursor: string;
  node: { id: string; givenName: string; familyName: string | null; tags: string[] };
}
interface ListAnswer {
  contacts: {
    edges: Edge[];
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}

const LIST = `query ($first: Int, $after: String, $filter: ContactFilter, $orderBy: [ContactOrder!]) {
  contacts(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    edges { cursor node { id givenName familyName tags } }
    totalCount
    pageInfo { hasNextPage endCursor }
  }
}`;

describe('the contact list', () => {
  const subject = serviceUnderTest('crm', (env) => startCrmService(crmOptions(env.startOptions())));

  async function call<T>(auth: TestTenant, query: string, variables: Record<string, unknown> = {}) {
    const { env, service: crm } = subject;
    return env.graphql<T>(crm.graphqlUrl, query, variables, await env.headersFor(auth));
  }

  async function create(auth: TestTenant, input: Record<string, unknown>): Promise<string> {
    const { data, errors } = await call<{ createContact: { id: string } }>(
      auth,
      `mutation ($input: CreateContactInput!) { createContact(input: $input) { id } }`,
      { input },
    );
    expect(errors).toBeUndefined();
    return data?.createContact.id ?? '';
  }

  async function list(auth: TestTenant, variables: Record<string, unknown>) {
    const { data, errors } = await call<ListAnswer>(auth, LIST, variables);
    expect(errors).toBeUndefined();
    if (!data) throw new Error('no list');
    return data.contacts;
  }

  /** Every page of a list, following endCursor. */
  async function everyPage(auth: TestTenant, variables: Record<string, unknown>, first: number) {
    const names: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const answer = await list(auth, { ...variables, first, after });
      names.push(...answer.edges.map((edge) => edge.node.givenName));
      if (!answer.pageInfo.hasNextPage) break;
      after = answer.pageInfo.endCursor;
    }
    return names;
  }

  const people = [
    {
      givenName: 'Ada',
      familyName: 'Lovelace',
      tags: ['vip'],
      relationshipState: 'Client',
      customFields: { budget: 500 },
    },
    {
      givenName: 'Grace',
      familyName: 'Hopper',
      tags: ['vip', 'navy'],
      relationshipState: 'Prospect',
      customFields: { budget: 90 },
    },
    {
      givenName: 'Alan',
      familyName: 'Turing',
      tags: [],
      relationshipState: 'Lead',
      customFields: { budget: 120, region: 'north' },
    },
    { givenName: 'Émile', familyName: 'Borel', tags: ['math'], relationshipState: 'Lead', customFields: {} },
    {
      givenName: 'Katherine',
      familyName: 'Johnson',
      tags: ['navy'],
      relationshipState: 'Client',
      customFields: { region: 'south' },
    },
  ];

  /** The custom fields the people below hold values of (values are checked against them). */
  async function defineCustomFields(auth: TestTenant) {
    for (const field of [
      { key: 'budget', label: 'Budget', dataType: 'number' },
      { key: 'region', label: 'Region', dataType: 'text' },
    ]) {
      const { errors } = await call(
        auth,
        `mutation ($input: CreateCustomFieldDefinitionInput!) { createCustomFieldDefinition(input: $input) { id } }`,
        { input: { entityType: 'contact', ...field } },
      );
      expect(errors).toBeUndefined();
    }
  }

  async function book() {
    const auth = newTenant();
    await defineCustomFields(auth);
    for (const [index, person] of people.entries()) {
      await create(auth, { ...person, email: `person${index}@example.com`, leadScoreValue: index * 10 });
    }
    return auth;
  }

  it('filters with field operators, and, or and not, and counts what matches', async () => {
    const auth = await book();
    const names = async (filter: Record<string, unknown>) =>
      (await list(auth, { filter, first: 100 })).edges.map((edge) => edge.node.givenName).sort();

    expect(await names({ relationshipState: { eq: 'Client' } })).toEqual(['Ada', 'Katherine']);
    expect(await names({ tags: { hasSome: ['navy', 'math'] } })).toEqual(['Grace', 'Katherine', 'Émile']);
    expect(await names({ tags: { hasAll: ['vip', 'navy'] } })).toEqual(['Grace']);
    expect(await names({ tags: { isEmpty: true } })).toEqual(['Alan']);
    expect(
      await names({ or: [{ relationshipState: { eq: 'Prospect' } }, { tags: { hasSome: ['math'] } }] }),
    ).toEqual(['Grace', 'Émile']);
    expect(await names({ not: { relationshipState: { in: ['Lead', 'Client'] } } })).toEqual(['Grace']);
    expect(
      await names({
        and: [{ leadScoreValue: { gte: 10 } }, { not: { leadScoreValue: { gt: 30 } } }],
      }),
    ).toEqual(['Alan', 'Grace', 'Émile']);
    expect(await names({ lifecycleStage: { isNull: true }, leadScoreValue: { lt: 10 } })).toEqual(['Ada']);
    const counted = await list(auth, { filter: { tags: { hasSome: ['vip'] } }, first: 1 });
    expect(counted.totalCount).toBe(2);
    expect(counted.edges).toHaveLength(1);
  });

  it('filters on custom field values as JSON', async () => {
    const auth = await book();
    const names = async (customFields: Array<Record<string, unknown>>) =>
      (await list(auth, { filter: { customFields }, first: 100 })).edges
        .map((edge) => edge.node.givenName)
        .sort();
    expect(await names([{ key: 'budget', gte: 100 }])).toEqual(['Ada', 'Alan']);
    expect(await names([{ key: 'budget', exists: false }])).toEqual(['Katherine', 'Émile']);
    expect(await names([{ key: 'region', in: ['north', 'east'] }])).toEqual(['Alan']);
    expect(await names([{ key: 'region', startsWith: 'SO' }])).toEqual(['Katherine']);
    // A number is not compared with text.
    expect(await names([{ key: 'budget', gt: 'a' }])).toEqual([]);
  });

  it('finds contacts by name prefix and by email without their plaintext, ignoring case and accents', async () => {
    const auth = await book();
    const names = async (filter: Record<string, unknown>) =>
      (await list(auth, { filter, first: 100 })).edges.map((edge) => edge.node.givenName).sort();
    expect(await names({ name: { startsWith: 'a' } })).toEqual(['Ada', 'Alan']);
    expect(await names({ name: { startsWith: 'emi bor' } })).toEqual(['Émile']);
    expect(await names({ name: { startsWith: 'HOP' } })).toEqual(['Grace']);
    expect(await names({ name: { startsWith: 'hopx' } })).toEqual([]);
    expect(await names({ email: { eq: ' Person2@Example.com ' } })).toEqual(['Alan']);
    expect(await names({ email: { eq: 'not an email' } })).toEqual([]);
  });

  it('sorts by name, lead score and custom fields, with nulls last, page after page without repeats', async () => {
    const auth = await book();
    expect(await everyPage(auth, { orderBy: [{ field: 'NAME', direction: 'ASC' }] }, 2)).toEqual([
      'Ada',
      'Alan',
      'Émile',
      'Grace',
      'Katherine',
    ]);
    expect(await everyPage(auth, { orderBy: [{ field: 'LEAD_SCORE_VALUE', direction: 'DESC' }] }, 2)).toEqual(
      ['Katherine', 'Émile', 'Alan', 'Grace', 'Ada'],
    );
    const byBudget = await everyPage(
      auth,
      { orderBy: [{ field: 'CUSTOM_FIELD', customFieldKey: 'budget', direction: 'DESC' }] },
      1,
    );
    // The two without a budget come last (in id order, which is random here).
    expect(byBudget.slice(0, 3)).toEqual(['Ada', 'Alan', 'Grace']);
    expect(byBudget.slice(3).sort()).toEqual(['Katherine', 'Émile']);
  });

  it('keeps its place when contacts are added between pages', async () => {
    const auth = await book();
    const first = await list(auth, { first: 2, orderBy: [{ field: 'NAME', direction: 'ASC' }] });
    await create(auth, { givenName: 'Aaron' });
    const next = await list(auth, {
      first: 10,
      after: first.pageInfo.endCursor,
      orderBy: [{ field: 'NAME', direction: 'ASC' }],
    });
    expect(first.edges.map((edge) => edge.node.givenName)).toEqual(['Ada', 'Alan']);
    expect(next.edges.map((edge) => edge.node.givenName)).toEqual(['Émile', 'Grace', 'Katherine']);
    expect(next.totalCount).toBe(6);
  });

  it('refuses forged cursors, cursors of another order and bad orders with BAD_USER_INPUT', async () => {
    const auth = await book();
    const page = await list(auth, { first: 1, orderBy: [{ field: 'NAME' }] });
    const codes = async (variables: Record<string, unknown>) =>
      (await call<ListAnswer>(auth, LIST, variables)).errors?.map((error) => error.extensions?.['code']);
    expect(await codes({ after: page.pageInfo.endCursor, orderBy: [{ field: 'CREATED_AT' }] })).toEqual([
      'BAD_USER_INPUT',
    ]);
    const forged = Buffer.from(JSON.stringify({ o: 'NAME:ASC', v: [1], id: 'x' })).toString('base64url');
    expect(await codes({ after: forged, orderBy: [{ field: 'NAME' }] })).toEqual(['BAD_USER_INPUT']);
    const badDate = Buffer.from(
      JSON.stringify({ o: 'CREATED_AT:ASC', v: ['2026-02-31T00:00:00.000000Z'], id: page.edges[0]?.node.id }),
    ).toString('base64url');
    expect(await codes({ after: badDate, orderBy: [{ field: 'CREATED_AT' }] })).toEqual(['BAD_USER_INPUT']);
    expect(await codes({ after: 'garbage' })).toEqual(['BAD_USER_INPUT']);
    expect(await codes({ orderBy: [{ field: 'CUSTOM_FIELD' }] })).toEqual(['BAD_USER_INPUT']);
    expect(await codes({ orderBy: [{ field: 'NAME' }, { field: 'NAME', direction: 'DESC' }] })).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(await codes({ filter: { id: { eq: 'not-a-uuid' } } })).toEqual(['BAD_USER_INPUT']);
    expect(await codes({ filter: { customFields: [{ key: 'Bad Key', eq: 1 }] } })).toEqual([
      'BAD_USER_INPUT',
    ]);
    let deep: Record<string, unknown> = { tags: { isEmpty: true } };
    for (let level = 0; level < 6; level += 1) deep = { not: deep };
    expect(await codes({ filter: deep })).toEqual(['BAD_USER_INPUT']);
  });

  it('shows no other organization’s contacts', async () => {
    await book();
    const stranger = newTenant();
    expect((await list(stranger, { first: 100 })).totalCount).toBe(0);
  });

  it('runs the same number of statements for 10 and 100 contacts, however filtered and sorted', async () => {
    const { env } = subject;
    const statements = async (count: number) => {
      const auth = newTenant();
      for (let index = 0; index < count; index += 1) {
        await create(auth, { givenName: `Person${index}`, tags: index % 2 === 0 ? ['even'] : [] });
      }
      const variables = {
        first: 50,
        filter: { or: [{ tags: { hasSome: ['even'] } }, { name: { startsWith: 'person1' } }] },
        orderBy: [{ field: 'NAME', direction: 'DESC' }],
      };
      const headers = await env.headersFor(auth);
      return (
        await env.countStatements(() => env.graphql(subject.service.graphqlUrl, LIST, variables, headers))
      ).statements;
    };
    expect(await statements(10)).toBe(await statements(100));
  });
});
