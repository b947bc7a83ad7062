import { z } from 'zod';
import type { FieldCipher } from '@platform/service-kit';
import type { Contact } from '../domain/contact';
import {
  ADDRESS_TYPES,
  EMAIL_TYPES,
  PHONE_TYPES,
  type ContactAddress,
  type ContactEmail,
  type ContactPhone,
} from '../domain/contact-details';

/**
 * How a contact's personal data is kept: the names, primary email and phone, the lists of emails,
 * phones and postal addresses (as JSON) and the date of birth sealed with the keyring's active key
 * (bound to the organization, table, column and row); every email and phone blind-indexed for
 * equality lookups and uniqueness, and each word of the names blind-indexed by prefix for search.
 * Everything else of a contact is stored as it is.
 */

export const CONTACTS_TABLE = 'contacts';

/** The encrypted text columns, by the domain field they hold. */
export const SEALED_COLUMNS = {
  givenName: 'given_name',
  familyName: 'family_name',
  middleName: 'middle_name',
  email: 'email',
  phone: 'phone',
  dateOfBirth: 'date_of_birth',
} as const;

/** The encrypted JSON columns (lists), by the domain field they hold. */
export const SEALED_LISTS = { emails: 'emails', phones: 'phones', addresses: 'addresses' } as const;

type SealedField = keyof typeof SEALED_COLUMNS;
type SealedList = keyof typeof SEALED_LISTS;

export type IdentifierKind = 'email' | 'phone';

/** The personal fields of a contact, opened. */
export type ContactPersonalData = Pick<Contact, SealedField | SealedList>;

export interface SealedContactColumns {
  givenName: string;
  familyName: string | null;
  middleName: string | null;
  email: string | null;
  phone: string | null;
  dateOfBirth: string | null;
  emails: string | null;
  phones: string | null;
  addresses: string | null;
  piiKeyId: string;
}

/** The stored form of a contact's personal fields (an empty list is stored as null). */
export function sealContact(
  cipher: FieldCipher,
  contact: Pick<Contact, 'id' | 'organizationId'> & ContactPersonalData,
): SealedContactColumns {
  const seal = (column: string, value: string | null) =>
    value === null
      ? null
      : cipher.encrypt(value, {
          organizationId: contact.organizationId,
          table: CONTACTS_TABLE,
          column,
          rowId: contact.id,
        });
  const list = (field: SealedList) =>
    contact[field].length === 0 ? null : seal(SEALED_LISTS[field], JSON.stringify(contact[field]));
  return {
    givenName: seal(SEALED_COLUMNS.givenName, contact.givenName) ?? '',
    familyName: seal(SEALED_COLUMNS.familyName, contact.familyName),
    middleName: seal(SEALED_COLUMNS.middleName, contact.middleName),
    email: seal(SEALED_COLUMNS.email, contact.email),
    phone: seal(SEALED_COLUMNS.phone, contact.phone),
    dateOfBirth: seal(SEALED_COLUMNS.dateOfBirth, contact.dateOfBirth),
    emails: list('emails'),
    phones: list('phones'),
    addresses: list('addresses'),
    piiKeyId: cipher.activeKeyId,
  };
}

/** Rows written before encryption carry this key id and plaintext (the rotation job seals them). */
export const PLAINTEXT_KEY_ID = 'plaintext';

const storedEmails = z.array(
  z.object({
    address: z.string(),
    type: z.enum(EMAIL_TYPES),
    isPrimary: z.boolean(),
    verified: z.boolean(),
  }),
);
const storedPhones = z.array(
  z.object({ number: z.string(), type: z.enum(PHONE_TYPES), isPrimary: z.boolean(), verified: z.boolean() }),
);
const storedAddresses = z.array(
  z.object({
    type: z.enum(ADDRESS_TYPES),
    street: z.string().nullable(),
    city: z.string().nullable(),
    region: z.string().nullable(),
    postalCode: z.string().nullable(),
    country: z.string().nullable(),
    isPrimary: z.boolean(),
  }),
);

/** What `openContact` reads of a stored row. */
export type StoredPersonalData = { id: string; organizationId: string; piiKeyId: string } & Record<
  SealedField | SealedList,
  string | null
>;

/**
 * The personal fields of a stored row, opened. A row stored before the lists existed (emails and
 * phones null) reads its primary email and phone as one-entry lists.
 */
export function openContact(cipher: FieldCipher, row: StoredPersonalData): ContactPersonalData {
  const open = (field: SealedField | SealedList, column: string): string | null => {
    const stored = row[field];
    if (stored === null || row.piiKeyId === PLAINTEXT_KEY_ID) return stored;
    return cipher.decrypt(stored, {
      organizationId: row.organizationId,
      table: CONTACTS_TABLE,
      column,
      rowId: row.id,
    });
  };
  const value = (field: SealedField) => open(field, SEALED_COLUMNS[field]);
  const json = (field: SealedList): unknown => {
    const text = open(field, SEALED_LISTS[field]);
    return text === null ? [] : JSON.parse(text);
  };
  const email = value('email');
  const phone = value('phone');
  let emails: ContactEmail[] = storedEmails.parse(json('emails'));
  let phones: ContactPhone[] = storedPhones.parse(json('phones'));
  const addresses: ContactAddress[] = storedAddresses.parse(json('addresses'));
  if (emails.length === 0 && email !== null) {
    emails = [{ address: email, type: 'other', isPrimary: true, verified: false }];
  }
  if (phones.length === 0 && phone !== null) {
    phones = [{ number: phone, type: 'other', isPrimary: true, verified: false }];
  }
  return {
    givenName: value('givenName') ?? '',
    familyName: value('familyName'),
    middleName: value('middleName'),
    email,
    phone,
    dateOfBirth: value('dateOfBirth'),
    emails,
    phones,
    addresses,
  };
}

/** A blind index of an already normalised email (lower-case) or phone (E.164). */
export function blindIndexOf(
  cipher: FieldCipher,
  organizationId: string,
  kind: IdentifierKind,
  value: string,
) {
  return cipher.blindIndex(organizationId, `contact.${kind}`, value);
}

/** The identifiers a live contact claims in its organization: every email and phone it has. */
export function identifiersOf(
  cipher: FieldCipher,
  contact: Pick<Contact, 'id' | 'organizationId' | 'emails' | 'phones'>,
): Array<{ organizationId: string; contactId: string; kind: IdentifierKind; blindIndex: string }> {
  const found: Array<[IdentifierKind, string]> = [
    ...contact.emails.map((entry): [IdentifierKind, string] => ['email', entry.address]),
    ...contact.phones.map((entry): [IdentifierKind, string] => ['phone', entry.number]),
  ];
  return found.map(([kind, value]) => ({
    organizationId: contact.organizationId,
    contactId: contact.id,
    kind,
    blindIndex: blindIndexOf(cipher, contact.organizationId, kind, value),
  }));
}

/** Names are searched by the first MAX_PREFIX letters of each word. */
export const MAX_PREFIX = 10;

/** A name as search and sorting see it: letters without accents, lower-cased, words split. */
export function nameWords(value: string): string[] {
  return value
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}

/** The blind index of a name prefix (already normalised, at most MAX_PREFIX letters). */
export const namePrefixIndex = (cipher: FieldCipher, organizationId: string, prefix: string) =>
  cipher.blindIndex(organizationId, 'contact.name-prefix', prefix);

/**
 * The search tokens of a contact: the blind index of every prefix (1 to MAX_PREFIX letters) of every
 * word of its given, middle and family names, each once.
 */
export function searchTokensOf(
  cipher: FieldCipher,
  contact: Pick<Contact, 'organizationId' | 'givenName' | 'middleName' | 'familyName'>,
): string[] {
  const prefixes = new Set<string>();
  for (const name of [contact.givenName, contact.middleName, contact.familyName]) {
    for (const word of nameWords(name ?? '')) {
      const letters = [...word];
      for (let length = 1; length <= Math.min(letters.length, MAX_PREFIX); length += 1) {
        prefixes.add(letters.slice(0, length).join(''));
      }
    }
  }
  return [...prefixes].map((prefix) => namePrefixIndex(cipher, contact.organizationId, prefix));
}

/** Letters of the display name kept in clear for sorting by name (what sorting by name gives up). */
export const SORT_KEY_LETTERS = 3;

/**
 * The non-PII sort key of a contact: the first SORT_KEY_LETTERS letters of its display name (given
 * name first), normalised. Sorting by name orders by it, then by id: exact on the first three letters,
 * stable but not alphabetical beyond them.
 */
export function nameSortKey(contact: Pick<Contact, 'givenName' | 'middleName' | 'familyName'>): string {
  const words = [contact.givenName, contact.middleName, contact.familyName].flatMap((name) =>
    nameWords(name ?? ''),
  );
  return [...words.join(' ')].slice(0, SORT_KEY_LETTERS).join('');
}
