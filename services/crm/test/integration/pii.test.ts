import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { eventually } from '@platform/testing';
import { FieldDecryptionError, fieldCipher, withNewActiveKey } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { startCrmService } from '../../src/service';
import { cipher, crmOptions, piiKeyring } from '../support';

// Contacts' personal data at rest: names, email and phone are sealed with AES-256-GCM bound to their
// row, looked up and kept unique through blind indexes, and re-encrypted in the background after a
// key rotation while the old key still opens them.

const CREATE = `mutation ($input: CreateContactInput!) { createContact(input: $input) { id } }`;
const READ = `query ($id: ID!) { contact(id: $id) { id givenName familyName displayName email phone updatedAt } }`;

interface ContactRow {
  id: string;
  given_name: string;
  family_name: string | null;
  email: string | null;
  phone: string | null;
  pii_key_id: string;
  updated_at: Date;
}

describe('contacts’ personal data at rest', () => {
  const subject = serviceUnderTest('crm', (env) => startCrmService(crmOptions(env.startOptions())));
  let superuser: Client;

  beforeAll(async () => {
    superuser = new Client({ connectionString: subject.env.database.superuserUrl });
    // serviceUnderTest's afterAll drops the database (terminating this connection) before ours runs.
    superuser.on('error', () => undefined);
    await superuser.connect();
  });

  afterAll(async () => {
    await superuser?.end();
  });

  async function create(
    caller: TestTenant,
    input: Record<string, unknown>,
    url = subject.service.graphqlUrl,
  ) {
    const { env } = subject;
    return env.graphql<{ createContact: { id: string } }>(
      url,
      CREATE,
      { input },
      await env.headersFor(caller),
    );
  }

  async function read(caller: TestTenant, id: string, url = subject.service.graphqlUrl) {
    const { env } = subject;
    return env.graphql<{
      contact: {
        givenName: string;
        familyName: string | null;
        displayName: string;
        email: string | null;
        phone: string | null;
        updatedAt: string;
      };
    }>(url, READ, { id }, await env.headersFor(caller));
  }

  const rowOf = async (id: string): Promise<ContactRow> => {
    const { rows } = await superuser.query<ContactRow>('select * from contacts where id = $1', [id]);
    const [row] = rows;
    if (!row) throw new Error(`no contact ${id}`);
    return row;
  };

  it('holds no plaintext in the table: every personal column is a ciphertext naming its key', async () => {
    const caller = newTenant();
    const person = {
      givenName: 'Philomena',
      familyName: 'Quackenbush',
      email: 'philomena.quackenbush@example.com',
      phone: '+15550199001',
    };
    const { data, errors } = await create(caller, person);
    expect(errors).toBeUndefined();
    const id = data?.createContact.id ?? '';
    const row = await rowOf(id);
    const raw = JSON.stringify(row).toLowerCase();
    for (const plaintext of ['philomena', 'quackenbush', 'example.com', '5550199001']) {
      expect(raw).not.toContain(plaintext);
    }
    for (const column of [row.given_name, row.family_name, row.email, row.phone]) {
      expect(column).toMatch(new RegExp(`^pii1\\.${piiKeyring.activeKeyId}\\.`));
    }
    expect(row.pii_key_id).toBe(piiKeyring.activeKeyId);
    // The identifiers are blind indexes, not the values.
    const identifiers = await superuser.query<{ kind: string; blind_index: string }>(
      'select kind, blind_index from contact_identifiers where contact_id = $1 order by kind',
      [id],
    );
    expect(identifiers.rows.map((identifier) => identifier.kind)).toEqual(['email', 'phone']);
    expect(JSON.stringify(identifiers.rows)).not.toMatch(/example|5550199001/);
    // The outbox carries no personal data either.
    const outbox = await superuser.query<{ payload: unknown }>('select payload from outbox_events');
    expect(JSON.stringify(outbox.rows).toLowerCase()).not.toMatch(/philomena|quackenbush|5550199001/);

    const back = await read(caller, id);
    expect(back.data?.contact).toMatchObject({ ...person, displayName: 'Philomena Quackenbush' });
  });

  it('seals the middle name, the email, phone and address lists and the date of birth too, and keeps every email unique', async () => {
    const { env } = subject;
    const caller = newTenant();
    const { data, errors } = await create(caller, {
      givenName: 'Zebulon',
      middleName: 'Xavier',
      emails: [
        { address: 'zebulon@work.example', type: 'work', isPrimary: true },
        { address: 'zeb.private@home.example', type: 'personal' },
      ],
      phones: [
        { number: '+15550187002', type: 'mobile' },
        { number: '+15550187003', isPrimary: true },
      ],
      addresses: [{ type: 'home', street: '17 Wisteria Lane', city: 'Fairview', country: 'US' }],
      dateOfBirth: '1971-04-03',
    });
    expect(errors).toBeUndefined();
    const id = data?.createContact.id ?? '';
    const raw = JSON.stringify(await rowOf(id)).toLowerCase();
    for (const plaintext of [
      'xavier',
      'zeb.private',
      'home.example',
      '5550187002',
      'wisteria',
      'fairview',
      '1971',
    ]) {
      expect(raw).not.toContain(plaintext);
    }
    const back = await env.graphql<{
      contact: {
        email: string;
        phone: string;
        emails: Array<{ address: string }>;
        addresses: Array<{ city: string }>;
        dateOfBirth: string;
        displayName: string;
      };
    }>(
      subject.service.graphqlUrl,
      `query ($id: ID!) { contact(id: $id) { email phone displayName dateOfBirth emails { address } addresses { city } } }`,
      { id },
      await env.headersFor(caller),
    );
    expect(back.data?.contact).toEqual({
      email: 'zebulon@work.example',
      phone: '+15550187003',
      displayName: 'Zebulon Xavier',
      dateOfBirth: '1971-04-03',
      emails: [{ address: 'zebulon@work.example' }, { address: 'zeb.private@home.example' }],
      addresses: [{ city: 'Fairview' }],
    });
    // The second address is claimed too: another contact cannot take it, and it finds the contact.
    const taken = await create(caller, {
      givenName: 'Copy',
      emails: [{ address: 'ZEB.private@home.example' }],
    });
    expect(taken.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');
    const found = await env.graphql<{ contactByEmail: { id: string } | null }>(
      subject.service.graphqlUrl,
      'query { contactByEmail(email: "zeb.private@home.example") { id } }',
      {},
      await env.headersFor(caller),
    );
    expect(found.data?.contactByEmail?.id).toBe(id);
  });

  it('refuses to open a ciphertext moved to another row', async () => {
    const caller = newTenant();
    const first =
      (await create(caller, { givenName: 'Ada', email: 'ada@example.com' })).data?.createContact.id ?? '';
    const second =
      (await create(caller, { givenName: 'Bob', email: 'bob@example.com' })).data?.createContact.id ?? '';
    const stolen = (await rowOf(first)).email ?? '';
    // Someone with access to the database copies Ada's sealed email onto Bob's row.
    await superuser.query('update contacts set email = $1 where id = $2', [stolen, second]);
    expect(() =>
      cipher.decrypt(stolen, {
        organizationId: caller.organizationId,
        table: 'contacts',
        column: 'email',
        rowId: second,
      }),
    ).toThrow(FieldDecryptionError);
    const moved = await read(caller, second);
    expect(moved.data ?? null).toBeNull();
    expect(moved.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    // Ada's own row still opens.
    expect((await read(caller, first)).data?.contact.email).toBe('ada@example.com');
  });

  it('looks contacts up by email and phone through the blind index, and keeps both unique per organization', async () => {
    const { env, service: crm } = subject;
    const caller = newTenant();
    const id =
      (await create(caller, { givenName: 'Grace', email: 'grace@example.com', phone: '+442071234567' })).data
        ?.createContact.id ?? '';
    const lookup = async (who: TestTenant, query: string, variables: Record<string, unknown>) =>
      env.graphql<Record<string, { id: string } | null>>(
        crm.graphqlUrl,
        query,
        variables,
        await env.headersFor(who),
      );
    const BY_EMAIL = 'query ($email: String!) { contactByEmail(email: $email) { id } }';
    const BY_PHONE = 'query ($phone: String!) { contactByPhone(phone: $phone) { id } }';
    expect((await lookup(caller, BY_EMAIL, { email: '  GRACE@Example.com ' })).data).toEqual({
      contactByEmail: { id },
    });
    expect((await lookup(caller, BY_PHONE, { phone: '+44 (20) 7123-4567' })).data).toEqual({
      contactByPhone: { id },
    });
    expect((await lookup(caller, BY_EMAIL, { email: 'nobody@example.com' })).data).toEqual({
      contactByEmail: null,
    });
    // Another organization's equal value is another index: nothing there.
    expect((await lookup(newTenant(), BY_EMAIL, { email: 'grace@example.com' })).data).toEqual({
      contactByEmail: null,
    });
    expect((await lookup(caller, BY_EMAIL, { email: 'not an email' })).errors?.[0]?.extensions?.code).toBe(
      'BAD_USER_INPUT',
    );

    const duplicate = await create(caller, { givenName: 'Grace again', email: 'Grace@example.com' });
    expect(duplicate.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      details: { field: 'email' },
    });
    const samePhone = await create(caller, { givenName: 'Grace phone', phone: '+442071234567' });
    expect(samePhone.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      details: { field: 'phone' },
    });
    // The same email in another organization is fine.
    expect(
      (await create(newTenant(), { givenName: 'Grace', email: 'grace@example.com' })).errors,
    ).toBeUndefined();
  });

  it('after a key rotation, opens old and new rows alike and re-encrypts the old ones in the background', async () => {
    const { env } = subject;
    const caller = newTenant();
    const old =
      (await create(caller, { givenName: 'Old', familyName: 'Row', email: 'old@example.com' })).data
        ?.createContact.id ?? '';
    const before = await rowOf(old);
    // A row from before encryption: plaintext, marked so.
    const legacy = randomUUID();
    await superuser.query(
      `insert into contacts (id, organization_id, given_name, email, pii_key_id, updated_at)
       values ($1, $2, 'Legacy', 'legacy@example.com', 'plaintext', now())`,
      [legacy, caller.organizationId],
    );

    const rotated = withNewActiveKey(piiKeyring, 'k2');
    const successor = await startCrmService({ ...crmOptions(env.startOptions()), piiKeyring: rotated });
    try {
      const fresh =
        (await create(caller, { givenName: 'New', email: 'new@example.com' }, successor.graphqlUrl)).data
          ?.createContact.id ?? '';
      expect((await rowOf(fresh)).pii_key_id).toBe('k2');
      // The job runs at start: every row of the organization ends up on k2.
      await eventually('the old rows re-encrypted with k2', async () => {
        const { rows } = await superuser.query<{ pii_key_id: string }>(
          'select pii_key_id from contacts where organization_id = $1',
          [caller.organizationId],
        );
        return rows.length === 3 && rows.every((row) => row.pii_key_id === 'k2');
      });
      const after = await rowOf(old);
      expect(after.email).not.toBe(before.email);
      expect(after.email).toMatch(/^pii1\.k2\./);
      // Not a change of the contact.
      expect(after.updated_at.getTime()).toBe(before.updated_at.getTime());
      for (const [id, email] of [
        [old, 'old@example.com'],
        [fresh, 'new@example.com'],
        [legacy, 'legacy@example.com'],
      ] as const) {
        expect((await read(caller, id, successor.graphqlUrl)).data?.contact.email).toBe(email);
      }
      expect((await rowOf(legacy)).email).toMatch(/^pii1\.k2\./);
      // The legacy row got its blind index: it is found by email and holds its address.
      const found = await env.graphql<{ contactByEmail: { id: string } | null }>(
        successor.graphqlUrl,
        'query { contactByEmail(email: "legacy@example.com") { id } }',
        {},
        await env.headersFor(caller),
      );
      expect(found.data?.contactByEmail?.id).toBe(legacy);
      // … and its name is searchable: the job indexed it.
      const searched = await env.graphql<{ contacts: { edges: Array<{ node: { id: string } }> } }>(
        successor.graphqlUrl,
        'query { contacts(filter: { name: { startsWith: "leg" } }) { edges { node { id } } } }',
        {},
        await env.headersFor(caller),
      );
      expect(searched.data?.contacts.edges.map((edge) => edge.node.id)).toEqual([legacy]);
      // A process still on the old keyring cannot open what k2 sealed: the rotation is real.
      expect(() =>
        fieldCipher(piiKeyring).decrypt(after.email ?? '', {
          organizationId: caller.organizationId,
          table: 'contacts',
          column: 'email',
          rowId: old,
        }),
      ).toThrow(FieldDecryptionError);
    } finally {
      await successor.close();
    }
  });
});
