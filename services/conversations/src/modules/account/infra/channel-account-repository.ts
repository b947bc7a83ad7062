import {
  isUniqueViolation,
  conflict,
  uuidsOnly,
  type FieldCipher,
  type TenantDatabase,
} from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { ChannelAccount, ChannelTokens } from '../domain/channel-account';
import type { ChannelAccountRepository } from '../domain/channel-account-repository';

export type ChannelAccountRow = Prisma.ChannelAccountGetPayload<object>;

/** The table and the sealed columns (bound into each ciphertext with the organization and row). */
export const CHANNEL_ACCOUNTS_TABLE = 'channel_accounts';
export const SEALED_COLUMNS = {
  accessToken: 'access_token',
  refreshToken: 'refresh_token',
  webhookSecret: 'webhook_secret',
} as const;

export const ALREADY_CONNECTED = 'This account is connected already: reconnect it instead';

/** The row without its secrets: what the graph sees. */
export function toChannelAccount(row: ChannelAccountRow): ChannelAccount {
  return {
    id: row.id,
    organizationId: row.organizationId,
    platform: row.platform,
    platformAccountId: row.platformAccountId,
    displayName: row.displayName,
    status: row.status,
    tokenExpiresAt: row.tokenExpiresAt,
    refreshable: row.refreshToken !== null,
    scopes: row.scopes,
    webhookId: row.webhookId,
    connectedAt: row.connectedAt,
    connectedBy: row.connectedBy,
    disconnectedAt: row.disconnectedAt,
    disconnectedBy: row.disconnectedBy,
    disconnectReason: row.disconnectReason,
    lastRefreshAt: row.lastRefreshAt,
    lastRefreshError: row.lastRefreshError,
    refreshFailures: row.refreshFailures,
    refreshNotBefore: row.refreshNotBefore,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Seals and opens an account's secrets, each bound to its organization, table, column and row. */
export function channelSecrets(cipher: FieldCipher) {
  const at = (account: { organizationId: string; id: string }, column: string) => ({
    organizationId: account.organizationId,
    table: CHANNEL_ACCOUNTS_TABLE,
    column,
    rowId: account.id,
  });
  return {
    keyId: cipher.activeKeyId,
    sealTokens(account: { organizationId: string; id: string }, tokens: ChannelTokens) {
      return {
        accessToken: cipher.encrypt(tokens.accessToken, at(account, SEALED_COLUMNS.accessToken)),
        refreshToken:
          tokens.refreshToken === null
            ? null
            : cipher.encrypt(tokens.refreshToken, at(account, SEALED_COLUMNS.refreshToken)),
        tokenKeyId: cipher.activeKeyId,
        tokenExpiresAt: tokens.expiresAt,
        scopes: tokens.scopes,
      };
    },
    sealWebhookSecret: (account: { organizationId: string; id: string }, secret: string) =>
      cipher.encrypt(secret, at(account, SEALED_COLUMNS.webhookSecret)),
    openWebhookSecret: (row: ChannelAccountRow) =>
      cipher.decrypt(row.webhookSecret, at(row, SEALED_COLUMNS.webhookSecret)),
    openRefreshToken: (row: ChannelAccountRow) =>
      row.refreshToken === null
        ? null
        : cipher.decrypt(row.refreshToken, at(row, SEALED_COLUMNS.refreshToken)),
    openAccessToken: (row: ChannelAccountRow) =>
      row.accessToken === null ? null : cipher.decrypt(row.accessToken, at(row, SEALED_COLUMNS.accessToken)),
  };
}

/** What changes when an account changes (its secrets only when asked). */
function changedColumns(account: ChannelAccount) {
  return {
    status: account.status,
    tokenExpiresAt: account.tokenExpiresAt,
    scopes: account.scopes,
    connectedAt: account.connectedAt,
    connectedBy: account.connectedBy,
    disconnectedAt: account.disconnectedAt,
    disconnectedBy: account.disconnectedBy,
    disconnectReason: account.disconnectReason,
    lastRefreshAt: account.lastRefreshAt,
    lastRefreshError: account.lastRefreshError,
    refreshFailures: account.refreshFailures,
    refreshNotBefore: account.refreshNotBefore,
  };
}

/**
 * Channel accounts over Prisma, every call in the organization's tenant transaction. Without a cipher
 * (no CONVERSATIONS_PII_KEYRING) every call fails: tokens are never stored in plain text.
 */
export function channelAccountRepository(
  db: TenantDatabase<Prisma.TransactionClient>,
  cipher: FieldCipher | null,
): ChannelAccountRepository {
  const secrets = () => {
    if (!cipher)
      throw new Error('channel accounts need a keyring for their tokens (CONVERSATIONS_PII_KEYRING)');
    return channelSecrets(cipher);
  };
  return {
    async create(account, plain, events) {
      const sealing = secrets();
      try {
        return await db.write(account.organizationId, events, async (tx) =>
          toChannelAccount(
            await tx.channelAccount.create({
              data: {
                id: account.id,
                organizationId: account.organizationId,
                platform: account.platform,
                platformAccountId: account.platformAccountId,
                displayName: account.displayName,
                webhookId: account.webhookId,
                webhookSecret: sealing.sealWebhookSecret(account, plain.webhookSecret),
                ...changedColumns(account),
                ...sealing.sealTokens(account, plain.tokens),
              },
            }),
          ),
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(ALREADY_CONNECTED, { field: 'platformAccountId' });
        throw error;
      }
    },

    async byId(organizationId, id) {
      if (uuidsOnly([id]).length === 0) return null;
      const row = await db.read(organizationId, (tx) =>
        tx.channelAccount.findFirst({ where: { organizationId, id } }),
      );
      return row ? toChannelAccount(row) : null;
    },

    async list(organizationId) {
      const rows = await db.read(organizationId, (tx) =>
        tx.channelAccount.findMany({
          where: { organizationId },
          orderBy: [{ platform: 'asc' }, { displayName: 'asc' }, { id: 'asc' }],
        }),
      );
      return rows.map(toChannelAccount);
    },

    async update(organizationId, id, change) {
      const sealing = secrets();
      if (uuidsOnly([id]).length === 0) return null;
      return db.writeDecided(organizationId, async (tx) => {
        const locked = await tx.$queryRaw<Array<{ id: string }>>`
          SELECT id FROM channel_accounts WHERE organization_id = ${organizationId}::uuid AND id = ${id}::uuid
          FOR UPDATE`;
        if (locked.length === 0) return { value: null, events: [] };
        const row = await tx.channelAccount.findFirstOrThrow({ where: { organizationId, id } });
        const current = toChannelAccount(row);
        const decided = change(current);
        // Nothing decided (a second disconnect): no write.
        if (decided.account === current && decided.tokens === null) return { value: current, events: [] };
        const tokenColumns =
          decided.tokens === 'forget'
            ? { accessToken: null, refreshToken: null }
            : decided.tokens === null
              ? {}
              : sealing.sealTokens(row, decided.tokens);
        const updated = await tx.channelAccount.update({
          where: { id },
          data: { ...changedColumns(decided.account), ...tokenColumns },
        });
        return { value: toChannelAccount(updated), events: decided.events };
      });
    },
  };
}
