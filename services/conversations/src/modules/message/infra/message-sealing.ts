import { CIPHERTEXT_PREFIX, type FieldCipher } from '@platform/service-kit';

/** The table and its sealed columns (each ciphertext is bound to the organization, table, column and row). */
export const MESSAGES_TABLE = 'messages';
export type SealedMessageColumn = 'text' | 'sender_display_name';

/** A message row's place: what its ciphertexts are bound to. */
export interface MessageLocation {
  organizationId: string;
  id: string;
}

/** Seals a message's text and sender name for storage, opens them on reads. */
export interface MessageSealing {
  seal(message: MessageLocation, column: SealedMessageColumn, value: string): string;
  sealNullable(message: MessageLocation, column: SealedMessageColumn, value: string | null): string | null;
  open(message: MessageLocation, column: SealedMessageColumn, stored: string): string;
  openNullable(message: MessageLocation, column: SealedMessageColumn, stored: string | null): string | null;
}

/**
 * Message text and sender names are sealed at rest with CONVERSATIONS_PII_KEYRING (the kit's field
 * cipher, crm's envelope). Without a keyring the message store refuses to work, as channel accounts do:
 * a message is never stored in plain text. A stored value that is not one of our ciphertexts is a row
 * written before sealing began and reads as it is (docs/decisions.md).
 */
export function messageSealing(cipher: FieldCipher | null): MessageSealing {
  const required = (): FieldCipher => {
    if (!cipher) throw new Error('the message store needs a keyring (CONVERSATIONS_PII_KEYRING)');
    return cipher;
  };
  const at = (message: MessageLocation, column: SealedMessageColumn) => ({
    organizationId: message.organizationId,
    table: MESSAGES_TABLE,
    column,
    rowId: message.id,
  });
  const seal = (message: MessageLocation, column: SealedMessageColumn, value: string) =>
    required().encrypt(value, at(message, column));
  const open = (message: MessageLocation, column: SealedMessageColumn, stored: string) =>
    stored.startsWith(`${CIPHERTEXT_PREFIX}.`) ? required().decrypt(stored, at(message, column)) : stored;
  return {
    seal,
    sealNullable: (message, column, value) => (value === null ? null : seal(message, column, value)),
    open,
    openNullable: (message, column, stored) => (stored === null ? null : open(message, column, stored)),
  };
}
