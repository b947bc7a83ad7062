import { Client } from 'pg';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { startCrmService } from '../../src/service';
import { crmOptions } from '../support';

// A contact's life after creation: changes under optimistic concurrency (the version it was read at),
// validated fields, soft delete that frees its email and phone, and restore.

const FIELDS = `id version givenName email phone relationshipState lifecycleStage leadStatus status
  organizationRole locale timezone nextFollowUpAt tags`;
const CREATE = `mutation ($input: CreateContactInput!) { createContact(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation ($id: ID!, $version: Int!, $input: UpdateContactInput!) {
  updateContact(id: $id, expectedVersion: $version, input: $input) { ${FIELDS} }
}`;
const DELETE = `mutation ($id: ID!) { deleteContact(id: $id) { id version } }`;
const RESTORE = `mutation ($id: ID!) { restoreContact(id: $id) { id version email } }`;
const READ = `query ($id: ID!) { contact(id: $id) { ${FIELDS} } }`;

interface ContactData {
  id: string;
  version: number;
  email: string | null;
  [field: string]: unknown;
}

describe('a contact’s changes, deletion and restore', () => {
  const subject = serviceUnderTest('crm', (env) => startCrmService(crmOptions(env.startOptions())));

  async function call<T>(caller: TestTenant, query: string, variables: Record<string, unknown>) {
    const { env, service } = subject;
    return env.graphql<T>(service.graphqlUrl, query, variables, await env.headersFor(caller));
  }
  const create = async (caller: TestTenant, input: Record<string, unknown>): Promise<ContactData> => {
    const result = await call<{ createContact: ContactData }>(caller, CREATE, { input });
    if (!result.data) throw new Error(JSON.stringify(result.errors));
    return result.data.createContact;
  };
  const update = (caller: TestTenant, id: string, version: number, input: Record<string, unknown>) =>
    call<{ updateContact: ContactData }>(caller, UPDATE, { id, version, input });

  /** The domain events about one contact in the outbox, with their data. */
  async function eventsOf(
    contactId: string,
  ): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
    const client = new Client({ connectionString: subject.env.database.ownerUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ payload: { type: string; data: Record<string, unknown> } }>(
        `select payload from outbox_events where partition_key = $1 and topic = 'crm.contact' order by seq`,
        [contactId],
      );
      return rows.map(({ payload }) => ({ type: payload.type, data: payload.data }));
    } finally {
      await client.end();
    }
  }

  it('changes the fields given at the version read, and publishes which changed, never their values', async () => {
    const caller = newTenant();
    const contact = await create(caller, {
      givenName: 'Ada',
      email: 'ada@example.com',
      lifecycleStage: 'lead',
    });
    expect(contact).toMatchObject({ version: 1, status: 'active', leadStatus: null, lifecycleStage: 'lead' });
    const changed = await update(caller, contact.id, 1, {
      email: 'Ada.Lovelace@Example.com',
      lifecycleStage: 'mql',
      leadStatus: 'contacted',
      organizationRole: 'Buyer',
      locale: 'en-ca',
      timezone: 'America/Toronto',
      nextFollowUpAt: '2026-12-01T10:00:00.000Z',
      givenName: 'Ada',
    });
    expect(changed.errors).toBeUndefined();
    expect(changed.data?.updateContact).toMatchObject({
      version: 2,
      givenName: 'Ada',
      email: 'ada.lovelace@example.com',
      lifecycleStage: 'mql',
      leadStatus: 'contacted',
      organizationRole: 'Buyer',
      locale: 'en-CA',
      timezone: 'America/Toronto',
      nextFollowUpAt: '2026-12-01T10:00:00.000Z',
    });
    const events = await eventsOf(contact.id);
    expect(events.map((event) => event.type)).toEqual(['crm.contact.created.v1', 'crm.contact.updated.v1']);
    expect(events[1]?.data).toMatchObject({
      version: 2,
      lifecycleStage: 'mql',
      leadStatus: 'contacted',
      updatedById: caller.userId,
    });
    // givenName was sent unchanged: not a change. The primary email is also the email list's entry.
    expect((events[1]?.data['changedFields'] as string[]).sort()).toEqual(
      [
        'email',
        'emails',
        'lifecycleStage',
        'leadStatus',
        'locale',
        'nextFollowUpAt',
        'organizationRole',
        'timezone',
      ].sort(),
    );
    expect(JSON.stringify(events)).not.toContain('lovelace');

    // null clears an optional field.
    const cleared = await update(caller, contact.id, 2, { leadStatus: null, locale: null });
    expect(cleared.data?.updateContact).toMatchObject({ version: 3, leadStatus: null, locale: null });
    // Nothing to change: the same version, no event.
    const unchanged = await update(caller, contact.id, 3, { lifecycleStage: 'mql' });
    expect(unchanged.data?.updateContact.version).toBe(3);
    expect(await eventsOf(contact.id)).toHaveLength(3);
  });

  it('refuses a change made at a stale version with CONFLICT, and stores nothing of it', async () => {
    const caller = newTenant();
    const contact = await create(caller, { givenName: 'Grace' });
    expect((await update(caller, contact.id, 1, { tags: ['first'] })).data?.updateContact.version).toBe(2);
    // A second editor still holding version 1.
    const stale = await update(caller, contact.id, 1, { tags: ['second'] });
    expect(stale.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      details: { expectedVersion: 1, currentVersion: 2 },
    });
    const now = await call<{ contact: ContactData }>(caller, READ, { id: contact.id });
    expect(now.data?.contact).toMatchObject({ version: 2, tags: ['first'] });
    expect((await eventsOf(contact.id)).map((event) => event.type)).toEqual([
      'crm.contact.created.v1',
      'crm.contact.updated.v1',
    ]);
    // Two editors racing at the same version: exactly one wins.
    const race = await Promise.all(
      ['a', 'b', 'c'].map((tag) => update(caller, contact.id, 2, { tags: [tag] })),
    );
    expect(race.filter((result) => result.data?.updateContact).length).toBe(1);
    expect(race.filter((result) => result.errors?.[0]?.extensions?.code === 'CONFLICT').length).toBe(2);
  });

  it('reports every invalid field at once', async () => {
    const caller = newTenant();
    const contact = await create(caller, { givenName: 'Linus' });
    const refused = await update(caller, contact.id, 1, {
      givenName: ' ',
      email: 'nope',
      phone: '12',
      locale: 'not a locale!',
      timezone: 'Mars/Olympus',
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const details = refused.errors?.[0]?.extensions?.['details'] as { issues: Array<{ path: string }> };
    expect(details.issues.map((issue) => issue.path).sort()).toEqual(
      ['email', 'givenName', 'locale', 'phone', 'timezone'].sort(),
    );
  });

  it('keeps emails unique on change, frees them on delete, and restores only while nobody took them', async () => {
    const caller = newTenant();
    const first = await create(caller, { givenName: 'First', email: 'shared@example.com' });
    const second = await create(caller, { givenName: 'Second', email: 'other@example.com' });
    const taken = await update(caller, second.id, 1, { email: 'SHARED@example.com' });
    expect(taken.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', details: { field: 'email' } });
    // Changing an email frees the old one.
    expect((await update(caller, second.id, 1, { email: 'second@example.com' })).errors).toBeUndefined();
    expect((await create(caller, { givenName: 'Third', email: 'other@example.com' })).id).toBeTruthy();

    const deleted = await call<{ deleteContact: { version: number } }>(caller, DELETE, { id: first.id });
    expect(deleted.data?.deleteContact.version).toBe(2);
    expect((await call(caller, READ, { id: first.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await call(caller, DELETE, { id: first.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Its email is free while it is deleted…
    const successor = await create(caller, { givenName: 'Successor', email: 'shared@example.com' });
    // …so it cannot come back holding it.
    const blocked = await call(caller, RESTORE, { id: first.id });
    expect(blocked.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', details: { field: 'email' } });
    await call(caller, DELETE, { id: successor.id });
    const restored = await call<{ restoreContact: { version: number; email: string } }>(caller, RESTORE, {
      id: first.id,
    });
    expect(restored.data?.restoreContact).toMatchObject({ version: 3, email: 'shared@example.com' });
    expect((await call(caller, RESTORE, { id: first.id })).errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await eventsOf(first.id)).map((event) => event.type)).toEqual([
      'crm.contact.created.v1',
      'crm.contact.deleted.v1',
      'crm.contact.restored.v1',
    ]);
    // Another organization's contact is not found, for every operation.
    const stranger = newTenant();
    for (const [query, variables] of [
      [UPDATE, { id: first.id, version: 3, input: { tags: ['x'] } }],
      [DELETE, { id: first.id }],
      [RESTORE, { id: first.id }],
    ] as const) {
      expect((await call(stranger, query, variables)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
  });
});
