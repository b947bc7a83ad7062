import type { FieldCipher } from '@platform/service-kit';
import type { Contact } from '../domain/contact';

/**
 * How a contact's personal data is kept: the names, email and phone sealed with the keyring's active key
 * (bound to the organization, table, column and row), and the email and phone blind-indexed for
 * equality lookups and uniqueness. Everything else of a contact is stored as it is.
 */

export const CONTACTS_TABLE = 'contacts';

/** The encrypted columns, by the domain field they hold. */
export const SEALED_COLUMNS = {
  givenName: 'given_name',
  familyName: 'family_name',
  email: 'email',
  phone: 'phone',
} as const;

type SealedField = keyof typeof SEALED_COLUMNS;

export type IdentifierKind = 'email' | 'phone';

export interface SealedContactColumns {
  givenName: string;
  familyName: string | null;
  email: string | null;
  phone: string | null;
  piiKeyId: string;
}

/** The stored form of a contact's personal fields. */
export function sealContact(
  cipher: FieldCipher,
  contact: Pick<Contact, 'id' | 'organizationId' | SealedField>,
): SealedContactColumns {
  const seal = (field: SealedField, value: string) =>
    cipher.encrypt(value, {
      organizationId: contact.organizationId,
      table: CONTACTS_TABLE,
      column: SEALED_COLUMNS[field],
      rowId: contact.id,
    });
  return {
    givenName: seal('givenName', contact.givenName),
    familyName: contact.familyName === null ? null : seal('familyName', contact.familyName),
    email: contact.email === null ? null : seal('email', contact.email),
    phone: contact.phone === null ? null : seal('phone', contact.phone),
    piiKeyId: cipher.activeKeyId,
  };
}

/** Rows written before encryption carry this key id and plaintext (the rotation job seals them). */
export const PLAINTEXT_KEY_ID = 'plaintext';

/** The personal fields of a stored row, opened. */
export function openContact(
  cipher: FieldCipher,
  row: { id: string; organizationId: string; piiKeyId: string } & Record<SealedField, string | null>,
): Record<SealedField, string | null> & { givenName: string } {
  const open = (field: SealedField): string | null => {
    const stored = row[field];
    if (stored === null || row.piiKeyId === PLAINTEXT_KEY_ID) return stored;
    return cipher.decrypt(stored, {
      organizationId: row.organizationId,
      table: CONTACTS_TABLE,
      column: SEALED_COLUMNS[field],
      rowId: row.id,
    });
  };
  return {
    givenName: open('givenName') ?? '',
    familyName: open('familyName'),
    email: open('email'),
    phone: open('phone'),
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

/** The identifiers a live contact claims in its organization. */
export function identifiersOf(
  cipher: FieldCipher,
  contact: Pick<Contact, 'id' | 'organizationId' | 'email' | 'phone'>,
): Array<{ organizationId: string; contactId: string; kind: IdentifierKind; blindIndex: string }> {
  const found: Array<[IdentifierKind, string | null]> = [
    ['email', contact.email],
    ['phone', contact.phone],
  ];
  return found.flatMap(([kind, value]) =>
    value === null
      ? []
      : [
          {
            organizationId: contact.organizationId,
            contactId: contact.id,
            kind,
            blindIndex: blindIndexOf(cipher, contact.organizationId, kind, value),
          },
        ],
  );
}
