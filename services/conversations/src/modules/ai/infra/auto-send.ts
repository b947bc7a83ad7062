import type { Prisma } from '../../../generated/prisma/client';
import { conversationSettingsOf } from '../../settings/infra/conversation-settings-repository';

/**
 * The organization's auto-send threshold (its conversation settings): drafts whose confidence meets it
 * are approved without a person. Null (the default) keeps every draft for a person.
 */
export async function autoSendThresholdOf(
  tx: Prisma.TransactionClient,
  organizationId: string,
): Promise<number | null> {
  return (await conversationSettingsOf(tx, organizationId)).autoSendThreshold;
}
