import { randomUUID } from 'node:crypto';
import {
  fieldCipher,
  generateFieldKeyring,
  parseFieldKeyring,
  withTenant,
  type InternalContext,
} from '@platform/service-kit';
import { serviceUnderTest } from '@platform/service-kit/testing';
import { Client } from 'pg';
import { z } from 'zod';
import {
  billingInfoOf,
  invoiceCurrencyOf,
} from '../../src/modules/billing-info/infra/billing-info-repository';
import { startBillingService } from '../../src/service';

// Billing info through billing's subgraph against real PostgreSQL: only billing:manage reads or changes
// it, every problem of an update is reported at once and nothing is written then, the personal part is
// sealed at rest, and the first invoice fixes the currency.

/** A keyring of this test file's own (what BILLING_PII_KEYRING holds in a deployment). */
const piiKeyring = parseFieldKeyring(generateFieldKeyring());

type Caller = Partial<InternalContext> & { organizationId: string; userId: string };

const BILLING_INFO = `contact { name email phone } address { line1 line2 city region postalCode country }
  taxIds { type value } currency currencyFixed invoiceEmail updatedAt`;

const INPUT = {
  contact: { name: 'Ada Lovelace', email: 'Ada@Example.com', phone: '+44 20 7946 0958' },
  address: { line1: '12 Analytical Row', city: 'London', postalCode: 'sw1a 1aa', country: 'gb' },
  taxIds: [{ type: 'gb_vat', value: 'GB 980 7806 84' }],
  currency: 'gbp',
};

describe('billing info module', () => {
  const subject = serviceUnderTest('billing', (env) =>
    startBillingService({ ...env.startOptions(), piiKeyring, consumers: false }),
  );

  const manager = (): Caller => ({ organizationId: randomUUID(), userId: randomUUID() });

  async function update(caller: Caller, input: Record<string, unknown>) {
    const { env, service: billing } = subject;
    return env.graphql<{ updateBillingInfo: Record<string, unknown> }>(
      billing.graphqlUrl,
      `mutation($input: UpdateBillingInfoInput!) { updateBillingInfo(input: $input) { ${BILLING_INFO} } }`,
      { input },
      await env.headersFor(caller),
    );
  }

  async function read(caller: Caller, organizationId = caller.organizationId) {
    const { env, service: billing } = subject;
    return env.graphql<{ _entities: Array<{ billingInfo: Record<string, unknown> | null }> }>(
      billing.graphqlUrl,
      `query($representations: [_Any!]!) { _entities(representations: $representations) {
         ... on Organization { billingInfo { ${BILLING_INFO} } } } }`,
      { representations: [{ __typename: 'Organization', id: organizationId }] },
      await env.headersFor(caller),
    );
  }

  /** The stored row, as a superuser sees it (row-level security is forced on the owner too). */
  async function storedRow(organizationId: string) {
    const client = new Client({ connectionString: subject.env.database.superuserUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{
        personal_data: string | null;
        pii_key_id: string | null;
        country: string | null;
      }>('SELECT personal_data, pii_key_id, country FROM billing_info WHERE organization_id = $1', [
        organizationId,
      ]);
      return rows[0] ?? null;
    } finally {
      await client.end();
    }
  }

  it('is null until set; billing:manage sets and reads it, normalised', async () => {
    const caller = manager();
    expect((await read(caller)).data?._entities).toEqual([{ billingInfo: null }]);

    const changed = await update(caller, INPUT);
    expect(changed.errors).toBeUndefined();
    const expected = {
      contact: { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+442079460958' },
      address: {
        line1: '12 Analytical Row',
        line2: null,
        city: 'London',
        region: null,
        postalCode: 'SW1A 1AA',
        country: 'GB',
      },
      taxIds: [{ type: 'gb_vat', value: 'GB980780684' }],
      currency: 'GBP',
      currencyFixed: false,
      invoiceEmail: null,
    };
    expect(changed.data?.updateBillingInfo).toMatchObject(expected);
    expect((await read(caller)).data?._entities[0]?.billingInfo).toMatchObject(expected);

    // Omitted parts stay, null clears.
    const second = await update(caller, { address: null, invoiceEmail: 'invoices@example.com' });
    expect(second.data?.updateBillingInfo).toMatchObject({
      contact: expected.contact,
      address: null,
      taxIds: expected.taxIds,
      invoiceEmail: 'invoices@example.com',
    });
    // The change is audited as the operation (it publishes no event).
    const audit = await subject.env.auditEntries(caller.organizationId);
    expect(audit.map((entry) => [entry.action, entry.outcome])).toEqual([
      ['billing.updateBillingInfo', 'success'],
      ['billing.updateBillingInfo', 'success'],
    ]);
  });

  it('takes concurrent first updates in turn', async () => {
    const caller = manager();
    const results = await Promise.all(
      ['USD', 'EUR', 'GBP', 'CAD', 'AUD'].map((currency) => update(caller, { currency })),
    );
    expect(results.map((result) => result.errors)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect((await read(caller)).data?._entities[0]?.billingInfo).toMatchObject({ contact: null, taxIds: [] });
  });

  it('keeps the personal part sealed at rest, bound to its organization', async () => {
    const caller = manager();
    expect((await update(caller, INPUT)).errors).toBeUndefined();
    const row = await storedRow(caller.organizationId);
    expect(row?.pii_key_id).toBe(piiKeyring.activeKeyId);
    expect(row?.country).toBe('GB');
    expect(row?.personal_data).toMatch(new RegExp(`^pii1\\.${piiKeyring.activeKeyId}\\.`));
    for (const plain of ['Ada', 'ada@example.com', '442079460958', 'Analytical', 'London', 'SW1A']) {
      expect(row?.personal_data).not.toContain(plain);
    }
    const opened = fieldCipher(piiKeyring).decrypt(row?.personal_data ?? '', {
      organizationId: caller.organizationId,
      table: 'billing_info',
      column: 'personal_data',
      rowId: caller.organizationId,
    });
    expect(JSON.parse(opened)).toMatchObject({
      contact: { name: 'Ada Lovelace' },
      address: { city: 'London' },
    });
  });

  it('is refused with only billing:read, and hidden from other organizations', async () => {
    const caller = manager();
    expect((await update(caller, INPUT)).errors).toBeUndefined();
    const reader: Caller = { ...caller, permissions: ['billing:read'] };
    const refused = await update(reader, { invoiceEmail: 'other@example.com' });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    const hidden = await read(reader);
    expect(hidden.data?._entities).toEqual([{ billingInfo: null }]);
    expect(JSON.stringify(hidden)).toContain('billing:manage');
    const stranger = manager();
    expect((await read(stranger, caller.organizationId)).data?._entities).toEqual([{ billingInfo: null }]);
    expect((await read(caller)).data?._entities[0]?.billingInfo).toMatchObject({ invoiceEmail: null });
  });

  it('reports every problem of an update at once, and writes nothing', async () => {
    const caller = manager();
    // A refused first update leaves nothing behind.
    expect((await update(caller, { currency: 'XXX' })).errors?.[0]?.extensions?.['code']).toBe(
      'BAD_USER_INPUT',
    );
    expect((await read(caller)).data?._entities).toEqual([{ billingInfo: null }]);
    expect((await update(caller, INPUT)).errors).toBeUndefined();
    const refused = await update(caller, {
      contact: { name: '', email: 'nope', phone: '12' },
      address: { line1: '1 Main St', city: 'Springfield', country: 'XX' },
      taxIds: [
        { type: 'eu_vat', value: 'DE136695977' },
        { type: 'us_ein', value: '04-2103594' },
      ],
      currency: 'JPY',
      invoiceEmail: 'billing@',
    });
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const { issues } = z
      .object({ issues: z.array(z.object({ path: z.string(), code: z.string() })) })
      .parse(refused.errors?.[0]?.extensions?.['details']);
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      [
        'contact.name',
        'contact.email',
        'contact.phone',
        'address.country',
        'taxIds.0.value',
        'currency',
        'invoiceEmail',
      ].sort(),
    );
    expect((await read(caller)).data?._entities[0]?.billingInfo).toMatchObject({
      contact: { name: 'Ada Lovelace' },
      currency: 'GBP',
    });
  });

  it('gives invoices their bill-to, and the first invoice fixes the currency', async () => {
    const { database } = subject.service;
    const cipher = fieldCipher(piiKeyring);
    const caller = manager();
    const unset = await withTenant(database, caller.organizationId, (tx) =>
      billingInfoOf(tx, caller.organizationId, cipher),
    );
    expect(unset).toEqual({ name: null, email: null, address: null, taxIds: [], currency: 'USD' });

    expect((await update(caller, INPUT)).errors).toBeUndefined();
    const billTo = await withTenant(database, caller.organizationId, (tx) =>
      billingInfoOf(tx, caller.organizationId, cipher),
    );
    expect(billTo).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      address: { city: 'London', country: 'GB' },
      taxIds: [{ type: 'gb_vat', value: 'GB980780684' }],
      currency: 'GBP',
    });
    // Until an invoice is issued the currency may change.
    expect((await update(caller, { currency: 'EUR' })).errors).toBeUndefined();
    const currency = await withTenant(database, caller.organizationId, (tx) =>
      invoiceCurrencyOf(tx, caller.organizationId, new Date()),
    );
    expect(currency).toBe('EUR');
    const fixed = await update(caller, { currency: 'USD', invoiceEmail: 'ap@example.com' });
    expect(fixed.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { issues: [{ path: 'currency', code: 'fixed' }] },
    });
    const after = await update(caller, { currency: 'eur', invoiceEmail: 'ap@example.com' });
    expect(after.data?.updateBillingInfo).toMatchObject({ currency: 'EUR', currencyFixed: true });

    // An organization invoiced before it gave any billing info: USD, fixed.
    const bare = manager();
    expect(
      await withTenant(database, bare.organizationId, (tx) =>
        invoiceCurrencyOf(tx, bare.organizationId, new Date()),
      ),
    ).toBe('USD');
    expect((await read(bare)).data?._entities[0]?.billingInfo).toMatchObject({
      contact: null,
      currency: 'USD',
      currencyFixed: true,
    });
  });
});
