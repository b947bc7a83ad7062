import type { Prisma } from '../../../generated/prisma/client';

/**
 * The organization's auto-send threshold (its conversation settings): drafts whose confidence meets it
 * are approved without a person. Null (the default) keeps every draft for a person.
 */
export async function autoSendThresholdOf(
  tx: Prisma.TransactionClient,
  organizationId: string,
): Promise<number | null> {
  void tx;
  void organizationId;
  return Promise.resolve(null);
}
