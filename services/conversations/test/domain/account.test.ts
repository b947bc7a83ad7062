import { randomUUID } from 'node:crypto';
import {
  applyRefreshOutcome,
  connectChannelAccount,
  disconnectChannelAccount,
  reconnectChannelAccount,
} from '../../src/modules/account/domain/channel-account';

const now = new Date('2026-11-30T00:00:00Z');
const ids = () => ({ id: randomUUID(), organizationId: randomUUID(), webhookId: randomUUID(), userId: null });
const connected = () =>
  connectChannelAccount(
    ids(),
    {
      platform: 'slack',
      platformAccountId: ' T123 ',
      displayName: 'Workspace',
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: new Date(now.getTime() + 60_000),
      scopes: ['chat:write', 'chat:write', ' '],
    },
    'secret',
    now,
  );

describe('channel account rules', () => {
  it('connects with trimmed ids, distinct scopes and a PII-free event', () => {
    const { account, events } = connected();
    expect(account).toMatchObject({ platformAccountId: 'T123', status: 'connected', scopes: ['chat:write'] });
    expect(events[0].data).toEqual({
      accountId: account.id,
      organizationId: account.organizationId,
      platform: 'slack',
      reconnected: false,
      connectedBy: null,
      connectedAt: now.toISOString(),
    });
  });

  it('reports every input problem at once', () => {
    expect(() =>
      connectChannelAccount(
        ids(),
        { platform: 'sms', platformAccountId: '', displayName: '', accessToken: ' ', expiresAt: now },
        's',
        now,
      ),
    ).toThrow(/platformAccountId[\s\S]*displayName[\s\S]*accessToken[\s\S]*expiresAt/);
  });

  it('disconnects once; a second disconnect changes nothing', () => {
    const { account } = connected();
    const first = disconnectChannelAccount(account, ' gone ', null, now);
    expect(first.account).toMatchObject({
      status: 'disconnected',
      disconnectReason: 'gone',
      refreshable: false,
    });
    expect(first.events).toHaveLength(1);
    const second = disconnectChannelAccount(first.account, null, null, now);
    expect(second.account).toBe(first.account);
    expect(second.events).toEqual([]);
  });

  it('reconnects with new tokens and clears the refresh history', () => {
    const { account } = connected();
    const failed = applyRefreshOutcome(
      account,
      { ok: false, errorCode: 'invalid_grant', retryable: false },
      now,
    );
    const { account: back, events } = reconnectChannelAccount(
      failed.account,
      { accessToken: 'b' },
      null,
      now,
    );
    expect(back).toMatchObject({
      status: 'connected',
      refreshFailures: 0,
      lastRefreshError: null,
      refreshable: false,
    });
    expect(events[0].data.reconnected).toBe(true);
  });

  it('retries retryable failures with a growing backoff, then gives up with an event', () => {
    const { account } = connected();
    const flaky = { ok: false as const, errorCode: 'http_503', retryable: true };
    const first = applyRefreshOutcome(account, flaky, now);
    expect(first.account.refreshNotBefore).toEqual(new Date(now.getTime() + 60_000));
    expect(first.events).toEqual([]);
    const second = applyRefreshOutcome(first.account, flaky, now);
    expect(second.account.refreshNotBefore).toEqual(new Date(now.getTime() + 240_000));
    const third = applyRefreshOutcome(second.account, flaky, now);
    expect(third.account.status).toBe('refresh_failed');
    expect(third.events[0]?.data).toMatchObject({ attempts: 3, errorCode: 'http_503' });
  });

  it('gives up at once on a refused grant, and a success resets the failures', () => {
    const { account } = connected();
    const refused = applyRefreshOutcome(
      account,
      { ok: false, errorCode: 'invalid_grant', retryable: true },
      now,
      {
        maxAttempts: 1,
        backoffBaseMs: 1,
      },
    );
    expect(refused.account.status).toBe('refresh_failed');
    const tokens = { accessToken: 'n', refreshToken: 'm', expiresAt: null, scopes: [] };
    const ok = applyRefreshOutcome({ ...account, refreshFailures: 2 }, { ok: true, tokens }, now);
    expect(ok).toMatchObject({ tokens, events: [], account: { refreshFailures: 0, lastRefreshAt: now } });
  });
});
