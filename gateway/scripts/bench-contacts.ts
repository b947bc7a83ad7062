/**
 * Contacts with encrypted personal data, at scale: an organization of 10,000 contacts (sealed as crm
 * seals them), read through the gateway 50 a page, with and without the personal fields (each page
 * with them opens 200 ciphertexts); and what sealing and opening cost per contact. The five services and
 * the gateway in this process, real PostgreSQL and Kafka. Prints numbers, asserts none.
 *
 *   pnpm --filter @platform/gateway bench:contacts [-- --contacts 10000 --pages 200]
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { identifiersOf, nameSortKey, openContact, sealContact } from '@platform/crm';
import { fieldCipher } from '@platform/service-kit';
import { withTestInfrastructure } from '@platform/testing';
import { startTestPlatform } from '../test/e2e/platform';
import { seeds } from '../test/e2e/seed';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const CONTACTS = option('contacts', 10_000);
const PAGES = option('pages', 200);
const PAGE_SIZE = 50;
const BATCH = 1_000;

const percentile = (sorted: readonly number[], fraction: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;

const LIST = (fields: string) => `query ($after: String) { me { organization {
  contacts(first: ${PAGE_SIZE}, after: $after) { edges { node { ${fields} } } pageInfo { endCursor hasNextPage } }
} } }`;

const SORTED = (fields: string) => `query ($after: String) {
  contacts(first: ${PAGE_SIZE}, after: $after, orderBy: [{ field: NAME }]) { edges { node { ${fields} } } pageInfo { endCursor hasNextPage } }
}`;

interface PageInfo {
  endCursor: string | null;
  hasNextPage: boolean;
}

interface ContactsPage {
  me: { organization: { contacts: { pageInfo: { endCursor: string | null; hasNextPage: boolean } } } };
}

async function main(): Promise<void> {
  const platform = await startTestPlatform({ principalTtlMs: 3_600_000 });
  const superuser = new Client({ connectionString: platform.databases.crm.superuserUrl });
  await superuser.connect();
  try {
    const { admin } = await seeds(platform).organization('ContactsBench');
    const cipher = fieldCipher(platform.crmPiiKeyring);
    const organizationId = admin.organizationId;
    const people = Array.from({ length: CONTACTS }, (_, index) => ({
      id: randomUUID(),
      organizationId,
      givenName: `Given${index}`,
      familyName: `Family${index}`,
      middleName: null,
      email: `person${index}@example.com`,
      phone: `+1555${String(index).padStart(7, '0')}`,
      dateOfBirth: '1980-01-01',
      emails: [
        { address: `person${index}@example.com`, type: 'work' as const, isPrimary: true, verified: true },
      ],
      phones: [
        {
          number: `+1555${String(index).padStart(7, '0')}`,
          type: 'mobile' as const,
          isPrimary: true,
          verified: false,
        },
      ],
      addresses: [],
    }));

    // What crm does per contact on a write, and on a read.
    let started = performance.now();
    const sealed = people.map((person) => sealContact(cipher, person));
    const sealMs = performance.now() - started;
    started = performance.now();
    people.forEach((person, index) => {
      const row = sealed[index];
      if (row) openContact(cipher, { id: person.id, organizationId, ...row });
    });
    const openMs = performance.now() - started;

    const base = Date.now() - CONTACTS * 1000;
    for (let from = 0; from < CONTACTS; from += BATCH) {
      const slice = people.slice(from, from + BATCH);
      const values: unknown[] = [];
      const rows = slice.map((person, offset) => {
        const row = sealed[from + offset];
        const at = new Date(base + (from + offset) * 1000);
        values.push(
          person.id,
          organizationId,
          admin.userId,
          row?.givenName,
          row?.familyName,
          row?.email,
          row?.phone,
          row?.emails,
          row?.phones,
          row?.dateOfBirth,
          row?.piiKeyId,
          nameSortKey(person),
          at,
        );
        const n = values.length;
        return `($${n - 12}, $${n - 11}, $${n - 10}, $${n - 9}, $${n - 8}, $${n - 7}, $${n - 6}, $${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n}, $${n})`;
      });
      await superuser.query(
        `insert into contacts (id, organization_id, owner_id, given_name, family_name, email, phone, emails, phones, date_of_birth, pii_key_id, name_sort_key, created_at, updated_at) values ${rows.join(', ')}`,
        values,
      );
      const identifiers = slice.flatMap((person) => identifiersOf(cipher, person));
      const identifierValues = identifiers.flatMap((identifier) => [
        identifier.organizationId,
        identifier.contactId,
        identifier.kind,
        identifier.blindIndex,
      ]);
      await superuser.query(
        `insert into contact_identifiers (organization_id, contact_id, kind, blind_index) values ${identifiers
          .map((_, index) => `($${index * 4 + 1}, $${index * 4 + 2}, $${index * 4 + 3}, $${index * 4 + 4})`)
          .join(', ')}`,
        identifierValues,
      );
    }

    const walk = async (fields: string): Promise<number[]> => {
      const latencies: number[] = [];
      let after: string | null = null;
      for (let page = 0; page < PAGES; page += 1) {
        const begun = performance.now();
        const result = await admin.run<{
          me: {
            organization: { contacts: { pageInfo: { endCursor: string | null; hasNextPage: boolean } } };
          };
        }>(LIST(fields), { after });
        latencies.push(performance.now() - begun);
        const info: ContactsPage['me']['organization']['contacts']['pageInfo'] =
          result.me.organization.contacts.pageInfo;
        after = info.hasNextPage ? info.endCursor : null;
      }
      return latencies.sort((a, b) => a - b);
    };
    /** The contact list of the list framework, sorted by name (keyset cursors over the sort key). */
    const walkSorted = async (fields: string): Promise<number[]> => {
      const latencies: number[] = [];
      let after: string | null = null;
      for (let page = 0; page < PAGES; page += 1) {
        const begun = performance.now();
        const result: { contacts: { pageInfo: PageInfo } } = await admin.run<{
          contacts: { pageInfo: PageInfo };
        }>(SORTED(fields), { after });
        latencies.push(performance.now() - begun);
        const info: PageInfo = result.contacts.pageInfo;
        after = info.hasNextPage ? info.endCursor : null;
      }
      return latencies.sort((a, b) => a - b);
    };
    // Warm: query plans, prepared statements, JIT.
    await walk('id');
    const withoutPii = await walk('id relationshipState tags createdAt');
    const withPii = await walk('id givenName familyName email phone relationshipState tags createdAt');
    const withLists = await walk(
      'id givenName familyName email phone emails { address } phones { number } dateOfBirth tags createdAt',
    );
    const sorted = await walkSorted('id givenName familyName email phone relationshipState tags createdAt');
    const line = (label: string, sorted: number[]) =>
      `  ${label.padEnd(52)} p50 ${percentile(sorted, 0.5).toFixed(1)} ms   p95 ${percentile(sorted, 0.95).toFixed(1)} ms   max ${(sorted.at(-1) ?? 0).toFixed(1)} ms\n`;
    process.stdout.write(
      `contacts: an organization of ${CONTACTS} contacts, ${PAGES} pages of ${PAGE_SIZE} read one after another through the gateway\n`,
    );
    process.stdout.write(line('contacts(first: 50) without personal fields', withoutPii));
    process.stdout.write(line('contacts(first: 50) with names, email, phone (200 opened)', withPii));
    process.stdout.write(line('… with the email and phone lists and birth date', withLists));
    process.stdout.write(line('Query.contacts(first: 50, orderBy: NAME) with PII', sorted));
    process.stdout.write(
      `  sealing a contact (names, email, phone, email and phone lists, birth date; AES-256-GCM): ${((sealMs * 1000) / CONTACTS).toFixed(1)} µs; opening one: ${((openMs * 1000) / CONTACTS).toFixed(1)} µs\n`,
    );
  } finally {
    await superuser.end();
    await platform.close();
  }
}

withTestInfrastructure(main).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
