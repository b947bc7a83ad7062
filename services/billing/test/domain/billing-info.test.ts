import { isDomainError, type DomainError } from '@platform/domain';
import {
  billToOf,
  checkTaxId,
  DEFAULT_CURRENCY,
  MAX_TAX_IDS,
  normalizeEmail,
  normalizePhone,
  SUPPORTED_CURRENCIES,
  TAX_ID_TYPES,
  updateBillingInfo,
  type BillingInfo,
  type BillingInfoUpdate,
  type TaxIdType,
} from '../../src/modules/billing-info/domain/billing-info';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const MANAGER = '5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const BY = { organizationId: ORGANIZATION, userId: MANAGER };
const AT = new Date('2026-05-01T12:00:00.000Z');
const LATER = new Date('2026-05-02T12:00:00.000Z');

function issuesOf(run: () => unknown): Array<{ path: string; code: string }> {
  let error: DomainError | null = null;
  try {
    run();
  } catch (caught) {
    if (!isDomainError(caught)) throw caught;
    error = caught;
  }
  if (!error) throw new Error('expected BAD_USER_INPUT');
  expect(error.code).toBe('BAD_USER_INPUT');
  const issues = error.details?.['issues'];
  if (!Array.isArray(issues)) throw new Error('expected issues');
  return issues.map((issue: { path: string; code: string }) => ({ path: issue.path, code: issue.code }));
}

const complete: BillingInfoUpdate = {
  contact: { name: ' Ada Lovelace ', email: ' Ada@Example.COM ', phone: '+44 20 7946 0958' },
  address: {
    line1: '12 Analytical Row',
    line2: '',
    city: 'London',
    region: null,
    postalCode: 'sw1a 1aa',
    country: 'gb',
  },
  taxIds: [{ type: 'gb_vat', value: 'GB 980 7806 84' }],
  currency: 'gbp',
  invoiceEmail: 'Invoices@Example.com',
};

describe('checkTaxId', () => {
  // Real numbers with valid check digits (python-stdnum's examples), in their usual spelling.
  const valid: Array<[TaxIdType, string, string]> = [
    ['eu_vat', 'DE 136,695 976', 'DE136695976'],
    ['eu_vat', 'FR 40 303 265 045', 'FR40303265045'],
    ['eu_vat', 'EL 094259216', 'EL094259216'],
    ['eu_vat', 'ATU13585627', 'ATU13585627'],
    ['gb_vat', 'GB 980 7806 84', 'GB980780684'],
    ['ch_vat', 'CHE-107.787.577 MWST', 'CHE107787577MWST'],
    ['no_vat', 'NO 995 525 828 MVA', 'NO995525828MVA'],
    ['us_ein', '04-2103594', '042103594'],
    ['ca_bn', '12302 6635', '123026635'],
    ['au_abn', '51 824 753 556', '51824753556'],
    ['nz_gst', '49-091-850', '49091850'],
    ['in_gst', '27aapfu0939f1zv', '27AAPFU0939F1ZV'],
  ];

  it.each(valid)('accepts a %s number (%s) and normalises it', (type, raw, value) => {
    expect(checkTaxId(type, raw)).toEqual({ value });
  });

  it('covers every type', () => {
    expect([...new Set(valid.map(([type]) => type))].sort()).toEqual([...TAX_ID_TYPES].sort());
  });

  it.each([
    ['eu_vat', 'DE136695977', /not a valid DE VAT number/],
    ['eu_vat', '136695976', /EU country prefix/],
    ['eu_vat', 'GB980780684', /EU country prefix/],
    ['gb_vat', 'GB980780685', /not a valid gb_vat/],
    ['us_ein', '07-1234567', /not a valid us_ein/],
    ['au_abn', '51 824 753 557', /not a valid au_abn/],
    ['ca_bn', '12302663', /not a valid ca_bn/],
    ['us_ein', '', /1–40 characters/],
  ] as const)('refuses %s %p (format or check digit)', (type, raw, problem) => {
    const checked = checkTaxId(type, raw);
    expect('problem' in checked ? checked.problem : checked.value).toMatch(problem);
  });
});

describe('emails and phones', () => {
  it('normalise or refuse', () => {
    expect(normalizeEmail(' Ada@Example.COM ')).toBe('ada@example.com');
    expect(normalizeEmail('ada@@example.com')).toBeNull();
    expect(normalizeEmail('ada@example..com')).toBeNull();
    expect(normalizePhone('+1 (555) 123-4567')).toBe('+15551234567');
    expect(normalizePhone('555 123 4567')).toBeNull();
  });
});

describe('updateBillingInfo', () => {
  it('creates billing info from a first update, normalised', () => {
    const info = updateBillingInfo(null, complete, BY, AT);
    expect(info).toEqual({
      organizationId: ORGANIZATION,
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
      invoiceEmail: 'invoices@example.com',
      currencyFixedAt: null,
      updatedBy: MANAGER,
      createdAt: AT,
      updatedAt: AT,
    } satisfies BillingInfo);
  });

  it('keeps what an update omits, clears what it sets to null', () => {
    const first = updateBillingInfo(null, complete, BY, AT);
    const second = updateBillingInfo(first, { address: null, taxIds: null, invoiceEmail: null }, BY, LATER);
    expect(second).toMatchObject({
      contact: first.contact,
      address: null,
      taxIds: [],
      currency: 'GBP',
      invoiceEmail: null,
      createdAt: AT,
      updatedAt: LATER,
    });
    expect(updateBillingInfo(null, {}, BY, AT)).toMatchObject({
      contact: null,
      address: null,
      taxIds: [],
      currency: DEFAULT_CURRENCY,
    });
  });

  it('reports every problem at once, by field', () => {
    const issues = issuesOf(() =>
      updateBillingInfo(
        null,
        {
          contact: { name: '  ', email: 'not-an-email', phone: '12345' },
          address: {
            line1: '',
            city: 'x'.repeat(101),
            postalCode: 'SW1A_1AA',
            country: 'XX',
            region: 'y'.repeat(101),
          },
          taxIds: [
            { type: 'eu_vat', value: 'DE136695976' },
            { type: 'eu_vat', value: 'DE 136 695 976' },
            { type: 'us_ein', value: 'nope' },
          ],
          currency: 'JPY',
          invoiceEmail: 'billing@',
        },
        BY,
        AT,
      ),
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      [
        'contact.phone',
        'contact.name',
        'contact.email',
        'address.country',
        'address.line1',
        'address.city',
        'address.region',
        'address.postalCode',
        'taxIds.1.value',
        'taxIds.2.value',
        'currency',
        'invoiceEmail',
      ].sort(),
    );
  });

  it(`holds at most ${MAX_TAX_IDS} tax ids`, () => {
    const taxIds = Array.from({ length: MAX_TAX_IDS + 1 }, () => ({
      type: 'us_ein' as const,
      value: '04-2103594',
    }));
    expect(issuesOf(() => updateBillingInfo(null, { taxIds }, BY, AT)).map((issue) => issue.path)).toContain(
      'taxIds',
    );
  });

  it(`accepts the supported currencies (${SUPPORTED_CURRENCIES.join(', ')}) in any case, and refuses null`, () => {
    for (const currency of SUPPORTED_CURRENCIES) {
      expect(updateBillingInfo(null, { currency: currency.toLowerCase() }, BY, AT).currency).toBe(currency);
    }
    expect(issuesOf(() => updateBillingInfo(null, { currency: null }, BY, AT))).toEqual([
      { path: 'currency', code: 'invalid' },
    ]);
  });

  it('fixes the currency once an invoice was issued in it (code fixed), the rest still changes', () => {
    const invoiced: BillingInfo = { ...updateBillingInfo(null, complete, BY, AT), currencyFixedAt: LATER };
    expect(
      issuesOf(() => updateBillingInfo(invoiced, { currency: 'EUR', invoiceEmail: 'x' }, BY, LATER)),
    ).toEqual([
      { path: 'currency', code: 'fixed' },
      { path: 'invoiceEmail', code: 'invalid' },
    ]);
    expect(updateBillingInfo(invoiced, { currency: 'gbp', invoiceEmail: null }, BY, LATER)).toMatchObject({
      currency: 'GBP',
      invoiceEmail: null,
      currencyFixedAt: LATER,
    });
  });
});

describe('billToOf', () => {
  it('addresses invoices to the invoice email, else the contact’s; the default currency without info', () => {
    const info = updateBillingInfo(null, complete, BY, AT);
    expect(billToOf(info)).toEqual({
      name: 'Ada Lovelace',
      email: 'invoices@example.com',
      address: info.address,
      taxIds: info.taxIds,
      currency: 'GBP',
    });
    expect(billToOf({ ...info, invoiceEmail: null }).email).toBe('ada@example.com');
    expect(billToOf(null)).toEqual({ name: null, email: null, address: null, taxIds: [], currency: 'USD' });
  });
});
