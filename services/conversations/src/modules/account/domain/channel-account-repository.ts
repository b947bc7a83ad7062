import type { CatalogEvent } from '@platform/events/catalog';
import type { ChannelAccount, ChannelAccountSecrets, ChannelTokens } from './channel-account';

/** Where channel accounts live; the implementation seals tokens and secrets (no plaintext at rest). */
export interface ChannelAccountRepository {
  /** Stores a new account with its sealed secrets and events; CONFLICT when its platform account is taken. */
  create(
    account: ChannelAccount,
    secrets: ChannelAccountSecrets,
    events: readonly CatalogEvent[],
  ): Promise<ChannelAccount>;
  /** The organization's account, or null. */
  byId(organizationId: string, id: string): Promise<ChannelAccount | null>;
  /** The organization's accounts, platform then name order. */
  list(organizationId: string): Promise<ChannelAccount[]>;
  /**
   * Loads the account locked for update, lets `change` decide, then writes what it answers: the
   * account, new tokens to seal (null: keep; `forget`: clear them), and its events.
   */
  update(
    organizationId: string,
    id: string,
    change: (account: ChannelAccount) => {
      account: ChannelAccount;
      tokens: ChannelTokens | null | 'forget';
      events: readonly CatalogEvent[];
    },
  ): Promise<ChannelAccount | null>;
}
