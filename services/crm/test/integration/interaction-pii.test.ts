import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { eventually } from '@platform/testing';
import { FieldDecryptionError, fieldCipher, withNewActiveKey, withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { startCrmService } from '../../src/service';
import { cipher, crmOptions, piiKeyring, sealed } from '../support';

// Interactions' subject and content at rest: sealed with AES-256-GCM bound to their organization,
// table, column and row (the raw table holds no plaintext; a ciphertext moved to another row does not
// open), and re-encrypted in the background after a key rotation while the old key still opens them.

const CREATE = `mutation ($input: CreateInteractionInput!) { createInteraction(input: $input) { id } }`;
const READ = `query ($id: ID!) { interaction(id: $id) { id subject content updatedAt version } }`;

interface InteractionRow {
  id: string;
  subject: string | null;
  content: string | null;
  pii_key_id: string;
  updated_at: Date;
  version: number;
}

describe('interactions’ subject and content at rest', () => {
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

  async function contactOf(organizationId: string): Promise<string> {
    const id = randomUUID();
    await withTenant(subject.service.database, organizationId, (tx) =>
      tx.contact.create({
        data: { id, organizationId, ...sealed({ id, organizationId, givenName: 'Ada' }) },
      }),
    );
    return id;
  }

  async function create(
    caller: TestTenant,
    input: Record<string, unknown>,
    url = subject.service.graphqlUrl,
  ) {
    const { env } = subject;
    const { data, errors } = await env.graphql<{ createInteraction: { id: string } }>(
      url,
      CREATE,
      { input: { type: 'Email', direction: 'Inbound', channel: 'Email', ...input } },
      await env.headersFor(caller),
    );
    expect(errors).toBeUndefined();
    return data?.createInteraction.id ?? '';
  }

  async function read(caller: TestTenant, id: string, url = subject.service.graphqlUrl) {
    const { env } = subject;
    return env.graphql<{
      interaction: { subject: string | null; content: string | null; updatedAt: string; version: number };
    }>(url, READ, { id }, await env.headersFor(caller));
  }

  const rowOf = async (id: string): Promise<InteractionRow> => {
    const { rows } = await superuser.query<InteractionRow>('select * from interactions where id = $1', [id]);
    const [row] = rows;
    if (!row) throw new Error(`no interaction ${id}`);
    return row;
  };

  it('holds no plaintext in the table: subject and content are ciphertexts naming their key', async () => {
    const caller = newTenant();
    const contactId = await contactOf(caller.organizationId);
    const id = await create(caller, {
      contactId,
      subject: 'Quarterly Wombat review',
      content: 'The Wombat account renews at 48,000 a year.',
    });
    const row = await rowOf(id);
    // Search the whole raw row for the plaintext.
    const raw = JSON.stringify(row).toLowerCase();
    for (const plaintext of ['wombat', 'quarterly', 'renews', '48,000']) expect(raw).not.toContain(plaintext);
    const searched = await superuser.query(
      `select id from interactions where subject ilike '%wombat%' or content ilike '%wombat%' or row_to_json(interactions)::text ilike '%wombat%'`,
    );
    expect(searched.rows).toEqual([]);
    for (const column of [row.subject, row.content]) {
      expect(column).toMatch(new RegExp(`^pii1\\.${piiKeyring.activeKeyId}\\.`));
    }
    expect(row.pii_key_id).toBe(piiKeyring.activeKeyId);
    const outbox = await superuser.query<{ payload: unknown }>('select payload from outbox_events');
    expect(JSON.stringify(outbox.rows).toLowerCase()).not.toContain('wombat');

    const back = await read(caller, id);
    expect(back.data?.interaction).toMatchObject({
      subject: 'Quarterly Wombat review',
      content: 'The Wombat account renews at 48,000 a year.',
    });
  });

  it('refuses to open a ciphertext moved to another row', async () => {
    const caller = newTenant();
    const contactId = await contactOf(caller.organizationId);
    const first = await create(caller, { contactId, content: 'Ada’s private note' });
    const second = await create(caller, { contactId, content: 'Bob’s note' });
    const stolen = (await rowOf(first)).content ?? '';
    // Someone with access to the database copies the first interaction's sealed content onto the second.
    await superuser.query('update interactions set content = $1 where id = $2', [stolen, second]);
    expect(() =>
      cipher.decrypt(stolen, {
        organizationId: caller.organizationId,
        table: 'interactions',
        column: 'content',
        rowId: second,
      }),
    ).toThrow(FieldDecryptionError);
    // Nor in another column of its own row.
    expect(() =>
      cipher.decrypt(stolen, {
        organizationId: caller.organizationId,
        table: 'interactions',
        column: 'subject',
        rowId: first,
      }),
    ).toThrow(FieldDecryptionError);
    const moved = await read(caller, second);
    expect(moved.data ?? null).toBeNull();
    expect(moved.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect((await read(caller, first)).data?.interaction.content).toBe('Ada’s private note');
  });

  it('after a key rotation, opens old and new rows alike and re-encrypts the old ones in the background', async () => {
    const { env } = subject;
    const caller = newTenant();
    const contactId = await contactOf(caller.organizationId);
    const old = await create(caller, { contactId, subject: 'Old subject', content: 'Old content' });
    const before = await rowOf(old);
    // A row from before encryption: plaintext, marked so.
    const legacy = randomUUID();
    await superuser.query(
      `insert into interactions (id, organization_id, contact_id, thread_id, type, direction, status, channel,
         subject, content, pii_key_id, occurred_at, created_by_id, updated_at)
       values ($1, $2, $3, $1, 'Note', 'Outbound', 'Completed', 'Other', 'Legacy subject', 'Legacy content',
         'plaintext', now(), $4, now())`,
      [legacy, caller.organizationId, contactId, caller.userId],
    );

    const rotated = withNewActiveKey(piiKeyring, 'k2');
    const successor = await startCrmService({ ...crmOptions(env.startOptions()), piiKeyring: rotated });
    try {
      const fresh = await create(caller, { contactId, content: 'New content' }, successor.graphqlUrl);
      expect((await rowOf(fresh)).pii_key_id).toBe('k2');
      // The job runs at start: every interaction of the organization ends up on k2.
      await eventually('the old interactions re-encrypted with k2', async () => {
        const { rows } = await superuser.query<{ pii_key_id: string }>(
          'select pii_key_id from interactions where organization_id = $1',
          [caller.organizationId],
        );
        return rows.length === 3 && rows.every((row) => row.pii_key_id === 'k2');
      });
      const after = await rowOf(old);
      expect(after.content).not.toBe(before.content);
      expect(after.content).toMatch(/^pii1\.k2\./);
      expect((await rowOf(legacy)).content).toMatch(/^pii1\.k2\./);
      // Not a change of the interaction.
      expect(after.updated_at.getTime()).toBe(before.updated_at.getTime());
      expect(after.version).toBe(before.version);
      for (const [id, content] of [
        [old, 'Old content'],
        [fresh, 'New content'],
        [legacy, 'Legacy content'],
      ] as const) {
        expect((await read(caller, id, successor.graphqlUrl)).data?.interaction.content).toBe(content);
      }
      expect((await read(caller, legacy, successor.graphqlUrl)).data?.interaction.subject).toBe(
        'Legacy subject',
      );
      // A process still on the old keyring cannot open what k2 sealed: the rotation is real.
      expect(() =>
        fieldCipher(piiKeyring).decrypt(after.content ?? '', {
          organizationId: caller.organizationId,
          table: 'interactions',
          column: 'content',
          rowId: old,
        }),
      ).toThrow(FieldDecryptionError);
    } finally {
      await successor.close();
    }
  });
});
