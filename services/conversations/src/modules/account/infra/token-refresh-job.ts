/**
 * The token refresh job: every `intervalMs` it finds the connected accounts whose access token expires
 * within the window (a read-only cross-tenant look through the `channel_accounts` flag policy), claims
 * each (so another replica skips it), asks the platform for new tokens outside any transaction, and
 * records the outcome in the account's tenant transaction (`applyRefreshOutcome`).
 */
import {
  withFlag,
  type FieldCipher,
  type Logger,
  type TenantClient,
  type TenantDatabase,
} from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import { applyRefreshOutcome, REFRESH_POLICY, type RefreshOutcome } from '../domain/channel-account';
import type { OAuthTokenClient } from '../domain/oauth-token-client';
import { channelSecrets, toChannelAccount } from './channel-account-repository';

const BATCH = 50;

export interface TokenRefreshDependencies {
  database: TenantClient<Prisma.TransactionClient>;
  tenants: TenantDatabase<Prisma.TransactionClient>;
  cipher: FieldCipher;
  tokenClient: OAuthTokenClient;
  logger: Logger;
  now?: () => Date;
}

export interface TokenRefreshOptions {
  /** Refresh when the access token expires within this window (default 10 min). */
  windowMs?: number;
  maxAttempts?: number;
  backoffBaseMs?: number;
}

/** One pass: answers how many accounts were refreshed, retried later, and failed for good. */
export async function refreshDueTokens(
  dependencies: TokenRefreshDependencies,
  options: TokenRefreshOptions = {},
): Promise<{ refreshed: number; retrying: number; failed: number }> {
  const { database, tenants, cipher, tokenClient, logger } = dependencies;
  const now = (dependencies.now ?? (() => new Date()))();
  const policy = {
    maxAttempts: options.maxAttempts ?? REFRESH_POLICY.maxAttempts,
    backoffBaseMs: options.backoffBaseMs ?? REFRESH_POLICY.backoffBaseMs,
  };
  const horizon = new Date(now.getTime() + (options.windowMs ?? REFRESH_POLICY.windowMs));
  const secrets = channelSecrets(cipher);
  const counts = { refreshed: 0, retrying: 0, failed: 0 };
  const due = await withFlag(
    database,
    'channel_accounts',
    (tx: Prisma.TransactionClient) =>
      tx.$queryRaw<Array<{ id: string; organization_id: string }>>`
        SELECT id, organization_id FROM channel_accounts
        WHERE status = 'connected' AND refresh_token IS NOT NULL AND token_expires_at <= ${horizon}
          AND (refresh_not_before IS NULL OR refresh_not_before <= ${now})
        ORDER BY token_expires_at LIMIT ${BATCH}`,
  );
  for (const { id, organization_id: organizationId } of due) {
    try {
      // The claim: only one replica moves refresh_not_before forward while the account is due.
      const claimed = await tenants.read(organizationId, async (tx) => {
        const taken = await tx.channelAccount.updateMany({
          where: {
            id,
            status: 'connected',
            OR: [{ refreshNotBefore: null }, { refreshNotBefore: { lte: now } }],
          },
          data: { refreshNotBefore: new Date(now.getTime() + REFRESH_POLICY.claimMs) },
        });
        return taken.count === 1 ? tx.channelAccount.findFirst({ where: { id } }) : null;
      });
      const refreshToken = claimed ? secrets.openRefreshToken(claimed) : null;
      if (!claimed || refreshToken === null) continue;
      const outcome: RefreshOutcome = await tokenClient.refresh(claimed.platform, refreshToken, now);
      const result = await tenants.writeDecided(organizationId, async (tx) => {
        const row = await tx.channelAccount.findFirst({ where: { id } });
        // Reconnected or disconnected meanwhile: what a person did wins.
        if (!row || row.status !== 'connected' || row.refreshToken !== claimed.refreshToken) {
          return { value: null, events: [] };
        }
        const decided = applyRefreshOutcome(toChannelAccount(row), outcome, now, policy);
        const account = decided.account;
        await tx.channelAccount.update({
          where: { id },
          data: {
            status: account.status,
            lastRefreshAt: account.lastRefreshAt,
            lastRefreshError: account.lastRefreshError,
            refreshFailures: account.refreshFailures,
            refreshNotBefore: account.refreshNotBefore,
            ...(decided.tokens ? secrets.sealTokens(row, decided.tokens) : {}),
          },
        });
        return { value: account.status, events: decided.events };
      });
      if (result === null) continue;
      if (outcome.ok) counts.refreshed += 1;
      else if (result === 'refresh_failed') counts.failed += 1;
      else counts.retrying += 1;
    } catch (error) {
      // One broken account must not stop the others; it is due again on a later pass.
      logger.error({ err: error, accountId: id }, 'token refresh: an account failed');
    }
  }
  return counts;
}

/** The refresh job as a kit job (stopped first when conversations closes). */
export function startTokenRefreshJob(
  dependencies: TokenRefreshDependencies,
  options: TokenRefreshOptions & { intervalMs: number },
): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped || running) return;
    running = refreshDueTokens(dependencies, options)
      .then(() => undefined)
      .catch((error: unknown) => dependencies.logger.error({ err: error }, 'token refresh: a pass failed'))
      .finally(() => {
        running = null;
      });
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      if (running) await running;
    },
  };
}
