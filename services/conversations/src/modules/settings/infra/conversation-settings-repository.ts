import type { TenantDatabase } from '@platform/service-kit';
import { Prisma } from '../../../generated/prisma/client';
import { defaultConversationSettings, type ConversationSettings } from '../domain/conversation-settings';

type SettingsRow = Prisma.ConversationSettingsGetPayload<object>;

const toSettings = (row: SettingsRow): ConversationSettings => ({
  organizationId: row.organizationId,
  messageRetentionDays: row.messageRetentionDays,
  autoSendThreshold: row.autoSendThreshold === null ? null : row.autoSendThreshold.toNumber(),
  updatedAt: row.updatedAt,
  updatedBy: row.updatedBy,
});

/**
 * The organization's conversation settings, or the defaults when it never changed them (90 days'
 * retention, no auto-send). For other modules (the AI pipeline reads `autoSendThreshold`), in the
 * caller's tenant transaction.
 */
export async function conversationSettingsOf(
  tx: Prisma.TransactionClient,
  organizationId: string,
): Promise<ConversationSettings> {
  const row = await tx.conversationSettings.findUnique({ where: { organizationId } });
  return row ? toSettings(row) : defaultConversationSettings(organizationId);
}

/** Settings over Prisma, each call in the organization's tenant transaction. */
export function conversationSettingsRepository(db: TenantDatabase<Prisma.TransactionClient>) {
  return {
    get: (organizationId: string) =>
      db.read(organizationId, (tx) => conversationSettingsOf(tx, organizationId)),

    /** Reads the current settings, applies `change` to them and stores the result, in one transaction. */
    update: (organizationId: string, change: (current: ConversationSettings) => ConversationSettings) =>
      db.write(organizationId, [], async (tx) => {
        // The row lock keeps two concurrent updates from losing one another's fields.
        await tx.$executeRaw`SELECT 1 FROM conversation_settings WHERE organization_id = ${organizationId}::uuid FOR UPDATE`;
        const next = change(await conversationSettingsOf(tx, organizationId));
        const data = {
          messageRetentionDays: next.messageRetentionDays,
          autoSendThreshold:
            next.autoSendThreshold === null ? null : new Prisma.Decimal(next.autoSendThreshold),
          updatedAt: next.updatedAt ?? new Date(),
          updatedBy: next.updatedBy,
        };
        const row = await tx.conversationSettings.upsert({
          where: { organizationId },
          create: { organizationId, ...data },
          update: data,
        });
        return toSettings(row);
      }),
  };
}

export type ConversationSettingsRepository = ReturnType<typeof conversationSettingsRepository>;
