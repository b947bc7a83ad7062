/** Connected channel accounts: the rules and the events they imply. No Prisma or GraphQL here. */
import { enumObject, InputIssues } from '@platform/domain';
import {
  CHANNEL_ACCOUNT_STATUSES,
  CHANNEL_PLATFORMS,
  createEvent,
  type CloudEvent,
  type EventData,
} from '@platform/events/catalog';

export const ChannelAccountPlatform = enumObject(CHANNEL_PLATFORMS);
export type ChannelAccountPlatform = (typeof CHANNEL_PLATFORMS)[number];
export const ChannelAccountStatus = enumObject(CHANNEL_ACCOUNT_STATUSES);
export type ChannelAccountStatus = (typeof CHANNEL_ACCOUNT_STATUSES)[number];

export const EVENT_SOURCE = '/services/conversations';
export const MAX_ACCOUNT_ID_LENGTH = 200;
export const MAX_DISPLAY_NAME_LENGTH = 200;
export const MAX_REASON_LENGTH = 500;
export const MAX_TOKEN_LENGTH = 8_000;
export const MAX_SCOPES = 100;

/** A channel account as the graph shows it: never its tokens or its webhook secret. */
export interface ChannelAccount {
  id: string;
  organizationId: string;
  platform: ChannelAccountPlatform;
  platformAccountId: string;
  displayName: string;
  status: ChannelAccountStatus;
  tokenExpiresAt: Date | null;
  /** Whether a refresh token is held (the access token can be renewed without the user). */
  refreshable: boolean;
  scopes: string[];
  webhookId: string;
  connectedAt: Date;
  connectedBy: string | null;
  disconnectedAt: Date | null;
  disconnectedBy: string | null;
  disconnectReason: string | null;
  lastRefreshAt: Date | null;
  lastRefreshError: string | null;
  refreshFailures: number;
  refreshNotBefore: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The OAuth tokens of an account, in plain text (only between the cipher and the platform). */
export interface ChannelTokens {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date | null;
  scopes: string[];
}

/** What an OAuth callback produced (the code exchange itself happens before the graph). */
export interface ConnectChannelAccountInput {
  platform: ChannelAccountPlatform;
  platformAccountId: string;
  displayName: string;
  accessToken: string;
  refreshToken?: string | null;
  expiresAt?: Date | null;
  scopes?: readonly string[] | null;
  /**
   * The secret the platform signs its webhook deliveries with (Meta's app secret, Slack's signing
   * secret, Twilio's auth token…); absent: conversations generates one (for platforms whose webhook
   * subscription takes a secret from us).
   */
  webhookSecret?: string | null;
}

/** A platform's signing secret: 16–512 printable characters without spaces. */
export const WEBHOOK_SECRET_PATTERN = /^[\x21-\x7e]{16,512}$/;

export interface ReconnectChannelAccountInput {
  accessToken: string;
  refreshToken?: string | null;
  expiresAt?: Date | null;
  scopes?: readonly string[] | null;
}

/** A new account's plain secrets (sealed by the repository). */
export interface ChannelAccountSecrets {
  tokens: ChannelTokens;
  webhookSecret: string;
}

type EventOf<T extends string> = T extends
  | 'conversations.account.connected.v1'
  | 'conversations.account.disconnected.v1'
  | 'conversations.account.refresh_failed.v1'
  ? CloudEvent<T, EventData<T>>
  : never;
export type ChannelAccountConnected = EventOf<'conversations.account.connected.v1'>;
export type ChannelAccountDisconnected = EventOf<'conversations.account.disconnected.v1'>;
export type ChannelAccountRefreshFailed = EventOf<'conversations.account.refresh_failed.v1'>;

function checkTokens(issues: InputIssues, input: ReconnectChannelAccountInput, now: Date): ChannelTokens {
  const accessToken = input.accessToken.trim();
  const refreshToken = input.refreshToken?.trim() || null;
  if (!accessToken) issues.add('accessToken', 'is required');
  if (accessToken.length > MAX_TOKEN_LENGTH)
    issues.add('accessToken', `must be at most ${MAX_TOKEN_LENGTH} characters`);
  if (refreshToken && refreshToken.length > MAX_TOKEN_LENGTH)
    issues.add('refreshToken', `must be at most ${MAX_TOKEN_LENGTH} characters`);
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt && expiresAt.getTime() <= now.getTime()) issues.add('expiresAt', 'must be in the future');
  const scopes = [...new Set((input.scopes ?? []).map((scope) => scope.trim()).filter(Boolean))];
  if (scopes.length > MAX_SCOPES) issues.add('scopes', `must be at most ${MAX_SCOPES}`);
  if (scopes.some((scope) => scope.length > 200)) issues.add('scopes', 'each must be at most 200 characters');
  return { accessToken, refreshToken, expiresAt, scopes };
}

/** A connected account from an OAuth callback's result, its secrets, and the event. */
export function connectChannelAccount(
  ids: { id: string; organizationId: string; webhookId: string; userId: string | null },
  input: ConnectChannelAccountInput,
  /** Used when the input gives no secret of the platform's. */
  webhookSecret: string,
  now: Date,
): { account: ChannelAccount; secrets: ChannelAccountSecrets; events: [ChannelAccountConnected] } {
  const issues = new InputIssues();
  const platformAccountId = input.platformAccountId.trim();
  const displayName = input.displayName.trim();
  if (!platformAccountId) issues.add('platformAccountId', 'is required');
  if (platformAccountId.length > MAX_ACCOUNT_ID_LENGTH)
    issues.add('platformAccountId', `must be at most ${MAX_ACCOUNT_ID_LENGTH} characters`);
  if (!displayName) issues.add('displayName', 'is required');
  if (displayName.length > MAX_DISPLAY_NAME_LENGTH)
    issues.add('displayName', `must be at most ${MAX_DISPLAY_NAME_LENGTH} characters`);
  const tokens = checkTokens(issues, input, now);
  const givenSecret = input.webhookSecret?.trim();
  if (givenSecret !== undefined && givenSecret !== '' && !WEBHOOK_SECRET_PATTERN.test(givenSecret))
    issues.add('webhookSecret', 'must be 16–512 printable characters without spaces');
  issues.throwIfAny();
  const account: ChannelAccount = {
    id: ids.id,
    organizationId: ids.organizationId,
    platform: input.platform,
    platformAccountId,
    displayName,
    status: ChannelAccountStatus.connected,
    tokenExpiresAt: tokens.expiresAt,
    refreshable: tokens.refreshToken !== null,
    scopes: tokens.scopes,
    webhookId: ids.webhookId,
    connectedAt: now,
    connectedBy: ids.userId,
    disconnectedAt: null,
    disconnectedBy: null,
    disconnectReason: null,
    lastRefreshAt: null,
    lastRefreshError: null,
    refreshFailures: 0,
    refreshNotBefore: null,
    createdAt: now,
    updatedAt: now,
  };
  return {
    account,
    secrets: { tokens, webhookSecret: givenSecret || webhookSecret },
    events: [accountConnected(account, false)],
  };
}

/** New tokens for an account (any status): it is connected again, its refresh history cleared. */
export function reconnectChannelAccount(
  account: ChannelAccount,
  input: ReconnectChannelAccountInput,
  userId: string | null,
  now: Date,
): { account: ChannelAccount; tokens: ChannelTokens; events: [ChannelAccountConnected] } {
  const issues = new InputIssues();
  const tokens = checkTokens(issues, input, now);
  issues.throwIfAny();
  const reconnected: ChannelAccount = {
    ...account,
    status: ChannelAccountStatus.connected,
    tokenExpiresAt: tokens.expiresAt,
    refreshable: tokens.refreshToken !== null,
    scopes: tokens.scopes,
    connectedAt: now,
    connectedBy: userId,
    disconnectedAt: null,
    disconnectedBy: null,
    disconnectReason: null,
    lastRefreshError: null,
    refreshFailures: 0,
    refreshNotBefore: null,
    updatedAt: now,
  };
  return { account: reconnected, tokens, events: [accountConnected(reconnected, true)] };
}

/**
 * A person disconnects an account: its tokens are forgotten (the repository clears them), its webhooks
 * are no longer accepted. Disconnecting a disconnected account changes nothing and publishes nothing.
 */
export function disconnectChannelAccount(
  account: ChannelAccount,
  reason: string | null | undefined,
  userId: string | null,
  now: Date,
): { account: ChannelAccount; events: ChannelAccountDisconnected[] } {
  const issues = new InputIssues();
  const text = reason?.trim() || null;
  if (text && text.length > MAX_REASON_LENGTH)
    issues.add('reason', `must be at most ${MAX_REASON_LENGTH} characters`);
  issues.throwIfAny();
  if (account.status === ChannelAccountStatus.disconnected) return { account, events: [] };
  const disconnected: ChannelAccount = {
    ...account,
    status: ChannelAccountStatus.disconnected,
    tokenExpiresAt: null,
    refreshable: false,
    disconnectedAt: now,
    disconnectedBy: userId,
    disconnectReason: text,
    refreshNotBefore: null,
    updatedAt: now,
  };
  return {
    account: disconnected,
    events: [
      createEvent('conversations.account.disconnected.v1', {
        source: EVENT_SOURCE,
        subject: account.id,
        tenantId: account.organizationId,
        time: now,
        data: {
          accountId: account.id,
          organizationId: account.organizationId,
          platform: account.platform,
          disconnectedBy: userId,
          disconnectedAt: now.toISOString(),
        },
      }),
    ],
  };
}

/** How the refresh job retries: attempts before giving up, and the wait after each failure. */
export const REFRESH_POLICY = {
  /** Attempts in a row (the first and two retries) before a retryable failure is final. */
  maxAttempts: 3,
  /** Wait after the n-th failure: base × 4^(n-1) — 1 min, then 4 min. */
  backoffBaseMs: 60_000,
  /** Refresh when the access token expires within this window. */
  windowMs: 10 * 60_000,
  /** How long a replica holds an account it is refreshing (another replica skips it meanwhile). */
  claimMs: 2 * 60_000,
} as const;

/** What the platform answered to a refresh. */
export type RefreshOutcome =
  | { ok: true; tokens: ChannelTokens }
  | {
      ok: false;
      /** The OAuth error code (`invalid_grant`…), `http_<status>`, `network` or `no_token_endpoint`. */
      errorCode: string;
      /** Whether trying again later may help (server errors, the network); a refused grant never will. */
      retryable: boolean;
    };

/**
 * What a refresh attempt changes: a success stores the new tokens and clears the failures; a retryable
 * failure below the limit waits (backoff); any other failure makes the account refresh_failed with its
 * event (the organization's admins are alerted).
 */
export function applyRefreshOutcome(
  account: ChannelAccount,
  outcome: RefreshOutcome,
  now: Date,
  policy: { maxAttempts: number; backoffBaseMs: number } = REFRESH_POLICY,
): { account: ChannelAccount; tokens: ChannelTokens | null; events: ChannelAccountRefreshFailed[] } {
  if (outcome.ok) {
    return {
      account: {
        ...account,
        tokenExpiresAt: outcome.tokens.expiresAt,
        refreshable: outcome.tokens.refreshToken !== null,
        scopes: outcome.tokens.scopes,
        lastRefreshAt: now,
        lastRefreshError: null,
        refreshFailures: 0,
        refreshNotBefore: null,
        updatedAt: now,
      },
      tokens: outcome.tokens,
      events: [],
    };
  }
  const failures = account.refreshFailures + 1;
  const errorCode = outcome.errorCode.slice(0, 100);
  if (outcome.retryable && failures < policy.maxAttempts) {
    return {
      account: {
        ...account,
        lastRefreshAt: now,
        lastRefreshError: errorCode,
        refreshFailures: failures,
        refreshNotBefore: new Date(now.getTime() + policy.backoffBaseMs * 4 ** (failures - 1)),
        updatedAt: now,
      },
      tokens: null,
      events: [],
    };
  }
  const failed: ChannelAccount = {
    ...account,
    status: ChannelAccountStatus.refresh_failed,
    lastRefreshAt: now,
    lastRefreshError: errorCode,
    refreshFailures: failures,
    refreshNotBefore: null,
    updatedAt: now,
  };
  return {
    account: failed,
    tokens: null,
    events: [
      createEvent('conversations.account.refresh_failed.v1', {
        source: EVENT_SOURCE,
        subject: account.id,
        tenantId: account.organizationId,
        time: now,
        data: {
          accountId: account.id,
          organizationId: account.organizationId,
          platform: account.platform,
          attempts: failures,
          errorCode,
          failedAt: now.toISOString(),
        },
      }),
    ],
  };
}

function accountConnected(account: ChannelAccount, reconnected: boolean): ChannelAccountConnected {
  return createEvent('conversations.account.connected.v1', {
    source: EVENT_SOURCE,
    subject: account.id,
    tenantId: account.organizationId,
    time: account.connectedAt,
    data: {
      accountId: account.id,
      organizationId: account.organizationId,
      platform: account.platform,
      reconnected,
      connectedBy: account.connectedBy,
      connectedAt: account.connectedAt.toISOString(),
    },
  });
}
