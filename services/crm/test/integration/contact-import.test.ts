import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { startCrmService } from '../../src/service';
import { crmOptions } from '../support';

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

  it('creates every row in order, searchable and findable by email', async () => {
    const auth = newTenant();
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

  it('refuses an empty batch and one over 1,000 rows', async () => {
    const auth = newTenant();
    expect((await importing(auth, [])).errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const many = Array.from({ length: 1001 }, (_, index) => ({ givenName: `P${index}` }));
    expect((await importing(auth, many)).errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});
