import { isUuid } from '@platform/domain';
import { withFlag, type FieldCipher, type TenantClient } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { ChannelAccount } from '../domain/channel-account';
import { channelSecrets, toChannelAccount } from './channel-account-repository';

/** An account as webhook ingestion needs it: the account and its opened webhook secret. */
export interface WebhookAccount {
  account: ChannelAccount;
  /** The secret the platform signs this account's webhooks with (plain text; never log it). */
  webhookSecret: string;
}

/**
 * The account a webhook URL names (`/webhooks/channels/<webhookId>`), across organizations (the
 * organization is not known before the account is found), with its webhook secret opened; null for an
 * unknown id. A disconnected account is found too: the caller refuses its deliveries by `status`.
 */
export async function accountByWebhookId(
  database: TenantClient<Prisma.TransactionClient>,
  cipher: FieldCipher,
  webhookId: string,
): Promise<WebhookAccount | null> {
  if (!isUuid(webhookId)) return null;
  const row = await withFlag(database, 'channel_accounts', (tx: Prisma.TransactionClient) =>
    tx.channelAccount.findUnique({ where: { webhookId } }),
  );
  if (!row) return null;
  return { account: toChannelAccount(row), webhookSecret: channelSecrets(cipher).openWebhookSecret(row) };
}
