import { z } from 'zod';
import type { FieldCipher, FieldLocation, TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import {
  billToOf,
  DEFAULT_CURRENCY,
  isSupportedCurrency,
  TAX_ID_TYPES,
  type BillingInfo,
  type BillTo,
  type Currency,
} from '../domain/billing-info';
import type { BillingInfoRepository } from '../domain/billing-info-repository';

type Transaction = Prisma.TransactionClient;
type BillingInfoRow = Prisma.BillingInfoGetPayload<object>;

const TABLE = 'billing_info';

/** Where an organization's sealed personal data lives: bound into its ciphertext. */
const personalDataLocation = (organizationId: string): FieldLocation => ({
  organizationId,
  table: TABLE,
  column: 'personal_data',
  rowId: organizationId,
});

/** The personal part, sealed as one JSON document (the country stays in clear, beside it). */
const personalDataSchema = z.object({
  contact: z.object({ name: z.string(), email: z.string(), phone: z.string().nullable() }).nullable(),
  address: z
    .object({
      line1: z.string(),
      line2: z.string().nullable(),
      city: z.string(),
      region: z.string().nullable(),
      postalCode: z.string().nullable(),
    })
    .nullable(),
  invoiceEmail: z.string().nullable(),
});

const taxIdsSchema = z.array(z.object({ type: z.enum(TAX_ID_TYPES), value: z.string() }));

function currencyOf(row: Pick<BillingInfoRow, 'organizationId' | 'currency'>): Currency {
  if (!isSupportedCurrency(row.currency)) {
    throw new Error(`billing_info of ${row.organizationId} has unsupported currency ${row.currency}`);
  }
  return row.currency;
}

/** Without a keyring billing cannot store or show personal data: a configuration error, not the caller's. */
function requireCipher(cipher: FieldCipher | null): FieldCipher {
  if (!cipher) throw new Error('billing info needs a keyring for personal data (BILLING_PII_KEYRING)');
  return cipher;
}

function personalDataOf(
  row: BillingInfoRow,
  cipher: FieldCipher | null,
): z.output<typeof personalDataSchema> {
  if (!row.personalData) return { contact: null, address: null, invoiceEmail: null };
  const opened = requireCipher(cipher).decrypt(row.personalData, personalDataLocation(row.organizationId));
  const document: unknown = JSON.parse(opened);
  return personalDataSchema.parse(document);
}

function toBillingInfo(row: BillingInfoRow, cipher: FieldCipher | null): BillingInfo {
  const personal = personalDataOf(row, cipher);
  const address = personal.address && row.country ? { ...personal.address, country: row.country } : null;
  return {
    organizationId: row.organizationId,
    contact: personal.contact,
    address,
    taxIds: taxIdsSchema.parse(row.taxIds),
    currency: currencyOf(row),
    invoiceEmail: personal.invoiceEmail,
    currencyFixedAt: row.currencyFixedAt,
    updatedBy: row.updatedBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function toRow(info: BillingInfo, cipher: FieldCipher | null) {
  const sealing = requireCipher(cipher);
  const address = info.address;
  const personal: z.input<typeof personalDataSchema> = {
    contact: info.contact,
    address: address
      ? {
          line1: address.line1,
          line2: address.line2,
          city: address.city,
          region: address.region,
          postalCode: address.postalCode,
        }
      : null,
    invoiceEmail: info.invoiceEmail,
  };
  return {
    personalData: sealing.encrypt(JSON.stringify(personal), personalDataLocation(info.organizationId)),
    piiKeyId: sealing.activeKeyId,
    country: address?.country ?? null,
    taxIds: info.taxIds.map((taxId) => ({ type: taxId.type, value: taxId.value })),
    currency: info.currency,
    updatedBy: info.updatedBy,
    updatedAt: info.updatedAt,
  };
}

/**
 * The organization's row, locked until the transaction ends (made empty first when there is none, so
 * two first updates take turns too: the second sees the first's row). A refused update rolls it back.
 */
async function lockedRow(tx: Transaction, organizationId: string): Promise<BillingInfoRow> {
  await tx.$executeRaw`
    INSERT INTO billing_info (organization_id, updated_at) VALUES (${organizationId}::uuid, now())
    ON CONFLICT (organization_id) DO UPDATE SET organization_id = EXCLUDED.organization_id`;
  return tx.billingInfo.findUniqueOrThrow({ where: { organizationId } });
}

/** Billing info over Prisma; personal data sealed with `cipher` (the kit's field encryption). */
export function billingInfoRepository(
  db: TenantDatabase<Transaction>,
  cipher: FieldCipher | null,
): BillingInfoRepository {
  return {
    find: (organizationId) =>
      db.read(organizationId, async (tx) => {
        const row = await tx.billingInfo.findUnique({ where: { organizationId } });
        return row ? toBillingInfo(row, cipher) : null;
      }),

    update: (organizationId, decide) =>
      db.write(organizationId, [], async (tx) => {
        const row = await lockedRow(tx, organizationId);
        const next = decide(toBillingInfo(row, cipher));
        const stored = await tx.billingInfo.update({ where: { organizationId }, data: toRow(next, cipher) });
        return toBillingInfo(stored, cipher);
      }),
  };
}

/**
 * The bill-to block of an invoice, read inside the caller's transaction (the invoice module's): the
 * contact, invoice email, address, tax ids and currency, or the default currency alone when the
 * organization has given none.
 */
export async function billingInfoOf(
  tx: Transaction,
  organizationId: string,
  cipher: FieldCipher | null,
): Promise<BillTo> {
  const row = await tx.billingInfo.findUnique({ where: { organizationId } });
  return billToOf(row ? toBillingInfo(row, cipher) : null);
}

/**
 * The currency of an invoice being issued inside `tx`, fixed from now on: after the first invoice the
 * organization's currency no longer changes (updateBillingInfo refuses it).
 */
export async function invoiceCurrencyOf(
  tx: Transaction,
  organizationId: string,
  at: Date,
): Promise<Currency> {
  const [row] = await tx.$queryRaw<Array<{ currency: string }>>`
    INSERT INTO billing_info (organization_id, currency, currency_fixed_at, updated_at)
    VALUES (${organizationId}::uuid, ${DEFAULT_CURRENCY}, ${at}, ${at})
    ON CONFLICT (organization_id)
      DO UPDATE SET currency_fixed_at = coalesce(billing_info.currency_fixed_at, EXCLUDED.currency_fixed_at)
    RETURNING currency`;
  if (!row) throw new Error(`billing_info of ${organizationId} could not be read`);
  return currencyOf({ organizationId, currency: row.currency });
}
