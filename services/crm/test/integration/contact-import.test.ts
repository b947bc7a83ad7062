import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { startCrmService } from '../../src/service';
import { withTenant } from '@platform/service-kit';
import { crmOptions, onPlan } from '../support';

// Importing contacts through crm's subgraph: all or none, every problem of every row reported at once,
// duplicates inside the batch and against stored contacts refused, events in the outbox per contact.

const IMPORT = `mutation ($contacts: [CreateContactInput!]!) {
  importContacts(contacts: $contacts) { id givenName email }
}`;

interface Answer {
  importContacts: Array<{ id: string; givenName: string; email: string | null }>;
}

/** The paths of a BAD_USER_INPUT's issues. */
const pathsOf = (extensions: Record<string, unknown> | undefined) =>
  ((extensions?.['details'] as { issues?: Array<{ path: string }> } | undefined)?.issues ?? []).map(
    (issue) => issue.path,
  );

describe('importing contacts', () => {
  const subject = serviceUnderTest('crm', (env) => startCrmService(crmOptions(env.startOptions())));

  async function importing(auth: TestTenant, contacts: Array<Record<string, unknown>>) {
    const { env, service: crm } = subject;
    return env.graphql<Answer>(crm.graphqlUrl, IMPORT, { contacts }, await env.headersFor(auth));
  }

  async function total(auth: TestTenant) {
    const { env, service: crm } = subject;
    const { data } = await env.graphql<{ contacts: { totalCount: number } }>(
      crm.graphqlUrl,
      '{ contacts { totalCount } }',
      {},
      await env.headersFor(auth),
    );
    return data?.contacts.totalCount;
  }

  const planOf = (auth: TestTenant, plan: 'free' | 'basic' | 'pro') =>
    withTenant(subject.service.database, auth.organizationId, (tx) => onPlan(tx, auth.organizationId, plan));

  it('creates every row in order, searchable and findable by email', async () => {
    const auth = newTenant();
    await planOf(auth, 'basic');
    const rows = Array.from({ length: 250 }, (_, index) => ({
      givenName: `Imported${index}`,
      familyName: 'Person',
      email: `imported${index}@example.com`,
      tags: ['import'],
    }));
    const { data, errors } = await importing(auth, rows);
    expect(errors).toBeUndefined();
    expect(data?.importContacts.map((contact) => contact.givenName)).toEqual(
      rows.map((row) => row.givenName),
    );
    expect(await total(auth)).toBe(250);
    const { env, service: crm } = subject;
    const found = await env.graphql<{ contacts: { totalCount: number } }>(
      crm.graphqlUrl,
      '{ contacts(filter: { name: { startsWith: "imported12" } }) { totalCount } }',
      {},
      await env.headersFor(auth),
    );
    // Imported12 and Imported120–129.
    expect(found.data?.contacts.totalCount).toBe(11);
    const ids = new Set(data?.importContacts.map((contact) => contact.id));
    const events = await env.outboxEvents();
    expect(
      events.filter((event) => event.type === 'crm.contact.created.v1' && ids.has(event.subject)),
    ).toHaveLength(250);
  });

  it('refuses a batch with any bad row, naming every problem of every row, and writes nothing', async () => {
    const auth = newTenant();
    const { data, errors } = await importing(auth, [
      { givenName: 'Fine', email: 'same@example.com' },
      { givenName: ' ', phone: '12' },
      { givenName: 'Twin', email: 'SAME@example.com' },
    ]);
    expect(data).toBeNull();
    expect(errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const paths = pathsOf(errors?.[0]?.extensions);
    expect(paths).toEqual(['contacts.1.givenName', 'contacts.1.phone']);
    // Row problems first; the duplicate is reported once the rows themselves are valid.
    const again = await importing(auth, [
      { givenName: 'Fine', email: 'same@example.com' },
      { givenName: 'Twin', email: 'SAME@example.com' },
    ]);
    expect(pathsOf(again.errors?.[0]?.extensions)).toEqual(['contacts.1.email']);
    expect(await total(auth)).toBe(0);
  });

  it('refuses rows whose email another contact holds with CONFLICT naming them, and writes nothing', async () => {
    const auth = newTenant();
    expect(
      (await importing(auth, [{ givenName: 'First', email: 'taken@example.com' }])).errors,
    ).toBeUndefined();
    const { errors } = await importing(auth, [
      { givenName: 'New', email: 'new@example.com' },
      {
        givenName: 'Copy',
        emails: [{ address: 'other@example.com' }, { address: 'taken@example.com', isPrimary: true }],
      },
    ]);
    expect(errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      details: { rows: [{ index: 1, field: 'email' }] },
    });
    expect(await total(auth)).toBe(1);
  });

  it('keeps to the plan’s contact limit on import, create and restore, all or nothing', async () => {
    const { env, service: crm } = subject;
    const auth = newTenant();
    const rows = (count: number, from = 0) =>
      Array.from({ length: count }, (_, index) => ({ givenName: `P${from + index}` }));
    // Free: 100 contacts. 101 at once are refused whole.
    const over = await importing(auth, rows(101));
    expect(over.errors?.[0]?.extensions).toMatchObject({
      code: 'PLAN_LIMIT_REACHED',
      details: { limit: 'contacts', maximum: 100, current: 0 },
    });
    expect(await total(auth)).toBe(0);
    expect((await importing(auth, rows(100))).errors).toBeUndefined();
    const create = () =>
      env.graphql<{ createContact: { id: string } }>(
        crm.graphqlUrl,
        'mutation { createContact(input: { givenName: "One more" }) { id } }',
        {},
        headers,
      );
    const headers = await env.headersFor(auth);
    expect((await create()).errors?.[0]?.extensions?.['code']).toBe('PLAN_LIMIT_REACHED');
    // A deleted contact frees its place; restoring it needs the place again.
    const [first] =
      (
        await env.graphql<{ contacts: { edges: Array<{ node: { id: string } }> } }>(
          crm.graphqlUrl,
          '{ contacts(first: 1) { edges { node { id } } } }',
          {},
          headers,
        )
      ).data?.contacts.edges ?? [];
    const id = first?.node.id ?? '';
    await env.graphql(
      crm.graphqlUrl,
      'mutation ($id: ID!) { deleteContact(id: $id) { id } }',
      { id },
      headers,
    );
    expect((await create()).errors).toBeUndefined();
    const restore = await env.graphql(
      crm.graphqlUrl,
      'mutation ($id: ID!) { restoreContact(id: $id) { id } }',
      { id },
      headers,
    );
    expect(restore.errors?.[0]?.extensions?.['code']).toBe('PLAN_LIMIT_REACHED');
    // Basic: 1,000.
    await planOf(auth, 'basic');
    expect((await importing(auth, rows(5, 200))).errors).toBeUndefined();
    expect(await total(auth)).toBe(105);
  });

  it('refuses an empty batch and one over 1,000 rows', async () => {
    const auth = newTenant();
    expect((await importing(auth, [])).errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const many = Array.from({ length: 1001 }, (_, index) => ({ givenName: `P${index}` }));
    expect((await importing(auth, many)).errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});

describe('merging contacts', () => {
  const subject = serviceUnderTest('crm', (env) => startCrmService(crmOptions(env.startOptions())));

  async function call<T>(auth: TestTenant, query: string, variables: Record<string, unknown> = {}) {
    const { env, service: crm } = subject;
    return env.graphql<T>(crm.graphqlUrl, query, variables, await env.headersFor(auth));
  }

  async function create(auth: TestTenant, input: Record<string, unknown>) {
    const { data, errors } = await call<{ createContact: { id: string } }>(
      auth,
      'mutation ($input: CreateContactInput!) { createContact(input: $input) { id } }',
      { input },
    );
    expect(errors).toBeUndefined();
    return data?.createContact.id ?? '';
  }

  const MERGE = `mutation ($kept: ID!, $merged: ID!) {
    mergeContacts(keptContactId: $kept, mergedContactId: $merged) {
      id familyName email emails { address } tags version tasks { totalCount } tickets { totalCount }
    }
  }`;

  it('moves the duplicate’s tasks and tickets, joins its emails, deletes it, and frees nothing it held', async () => {
    const auth = newTenant();
    const kept = await create(auth, { givenName: 'Ada', email: 'ada@work.example' });
    const duplicate = await create(auth, {
      givenName: 'Ada',
      familyName: 'Lovelace',
      email: 'ada@home.example',
    });
    for (const title of ['Call', 'Write']) {
      await call(auth, 'mutation ($input: CreateTaskInput!) { createTask(input: $input) { id } }', {
        input: { title, contactId: duplicate },
      });
    }
    const { data, errors } = await call<{
      mergeContacts: {
        familyName: string;
        email: string;
        emails: Array<{ address: string }>;
        version: number;
        tasks: { totalCount: number };
      };
    }>(auth, MERGE, { kept, merged: duplicate });
    expect(errors).toBeUndefined();
    expect(data?.mergeContacts).toMatchObject({
      familyName: 'Lovelace',
      email: 'ada@work.example',
      emails: [{ address: 'ada@work.example' }, { address: 'ada@home.example' }],
      version: 2,
      tasks: { totalCount: 2 },
    });
    // The duplicate is gone from the list; its email finds the kept contact.
    const found = await call<{ contactByEmail: { id: string } | null }>(
      auth,
      'query { contactByEmail(email: "ada@home.example") { id } }',
    );
    expect(found.data?.contactByEmail?.id).toBe(kept);
    const read = await call(auth, 'query ($id: ID!) { contact(id: $id) { id } }', { id: duplicate });
    expect(read.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
    const events = (await subject.env.outboxEvents()).filter(
      (event) => event.subject === kept || event.subject === duplicate,
    );
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['crm.contact.merged.v1', 'crm.contact.deleted.v1']),
    );
    // Merging it again: it is not a live contact any more.
    const again = await call(auth, MERGE, { kept, merged: duplicate });
    expect(again.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('links a contact to a live company of its organization only', async () => {
    const auth = newTenant();
    const { data } = await call<{ createCompany: { id: string } }>(
      auth,
      'mutation { createCompany(input: { name: "Acme" }) { id } }',
    );
    const companyId = data?.createCompany.id ?? '';
    expect(await create(auth, { givenName: 'Ada', companyId })).not.toBe('');
    const elsewhere = await call(
      auth,
      'mutation ($input: CreateContactInput!) { createContact(input: $input) { id } }',
      {
        input: { givenName: 'Eve', companyId: '00000000-0000-4000-8000-000000000000' },
      },
    );
    expect(elsewhere.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { issues: [{ path: 'companyId' }] },
    });
  });

  it('refuses another organization’s contact and a contact merged into itself', async () => {
    const auth = newTenant();
    const kept = await create(auth, { givenName: 'Ada' });
    const stranger = await create(newTenant(), { givenName: 'Eve' });
    expect((await call(auth, MERGE, { kept, merged: stranger })).errors?.[0]?.extensions?.['code']).toBe(
      'NOT_FOUND',
    );
    expect((await call(auth, MERGE, { kept, merged: kept })).errors?.[0]?.extensions?.['code']).toBe(
      'BAD_USER_INPUT',
    );
  });
});
