import { FieldDecryptionError, type FieldCipher } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import { PLAINTEXT_KEY_ID } from '../../contact/infra/contact-pii';
import type { Interaction } from '../domain/interaction';

/**
 * How an interaction's personal data is kept: the subject and content (spec 000 marks both encrypted)
 * sealed with the keyring's active key, bound to the organization, table, column and row, as contacts'
 * names are (contact-pii.ts). Everything else of an interaction is stored as it is.
 */

export const INTERACTIONS_TABLE = 'interactions';

/** The encrypted columns, by the domain field they hold. */
export const SEALED_INTERACTION_COLUMNS = { subject: 'subject', content: 'content' } as const;

type SealedField = keyof typeof SEALED_INTERACTION_COLUMNS;

export interface SealedInteractionColumns {
  subject: string | null;
  content: string | null;
  piiKeyId: string;
}

/** The stored form of an interaction's subject and content. */
export function sealInteraction(
  cipher: FieldCipher,
  interaction: Pick<Interaction, 'id' | 'organizationId' | SealedField>,
): SealedInteractionColumns {
  const seal = (field: SealedField, value: string | null) =>
    value === null
      ? null
      : cipher.encrypt(value, {
          organizationId: interaction.organizationId,
          table: INTERACTIONS_TABLE,
          column: SEALED_INTERACTION_COLUMNS[field],
          rowId: interaction.id,
        });
  return {
    subject: seal('subject', interaction.subject),
    content: seal('content', interaction.content),
    piiKeyId: cipher.activeKeyId,
  };
}

/** The subject and content of a stored row, opened (rows written before encryption are plaintext). */
export function openInteraction(
  cipher: FieldCipher,
  row: { id: string; organizationId: string; piiKeyId: string } & Record<SealedField, string | null>,
): Record<SealedField, string | null> {
  const open = (field: SealedField): string | null => {
    const stored = row[field];
    if (stored === null || row.piiKeyId === PLAINTEXT_KEY_ID) return stored;
    return cipher.decrypt(stored, {
      organizationId: row.organizationId,
      table: INTERACTIONS_TABLE,
      column: SEALED_INTERACTION_COLUMNS[field],
      rowId: row.id,
    });
  };
  return { subject: open('subject'), content: open('content') };
}

/**
 * Re-seals the organization's interactions `ids` that are not on the active key yet (the key-rotation
 * job, contact/infra/pii-rotation.ts, runs it in the organization's tenant transaction). Answers the ids
 * of rows that do not open (tampered with, or sealed with a key no longer in the ring): left as they are.
 * An interaction's updatedAt and version stay: re-encryption is not a change of it.
 */
export async function resealInteractions(
  tx: Prisma.TransactionClient,
  cipher: FieldCipher,
  organizationId: string,
  ids: readonly string[],
): Promise<string[]> {
  const rows = await tx.interaction.findMany({
    where: { organizationId, id: { in: [...ids] }, NOT: { piiKeyId: cipher.activeKeyId } },
    select: { id: true, organizationId: true, subject: true, content: true, piiKeyId: true, updatedAt: true },
  });
  const unreadable: string[] = [];
  for (const row of rows) {
    let opened: ReturnType<typeof openInteraction>;
    try {
      opened = openInteraction(cipher, row);
    } catch (error) {
      if (!(error instanceof FieldDecryptionError)) throw error;
      unreadable.push(row.id);
      continue;
    }
    await tx.interaction.update({
      where: { id: row.id },
      data: {
        ...sealInteraction(cipher, { id: row.id, organizationId, ...opened }),
        updatedAt: row.updatedAt,
      },
    });
  }
  return unreadable;
}
