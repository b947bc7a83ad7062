import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  fieldCipher,
  generateFieldKeyring,
  parseFieldKeyring,
  tenantDatabase,
  withFlag,
} from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { accountByWebhookId, refreshDueTokens, startConversationsService } from '../../src/service';
import { httpOAuthTokenClient } from '../../src/modules/account/infra/http-oauth-token-client';
import { startTokenServer } from './account-token-server';

// Connected channel accounts through conversations' subgraph against real PostgreSQL, and the token
// refresh job against a real HTTP token endpoint of this file's own.

const piiKeyring = parseFieldKeyring(generateFieldKeyring());
const FIELDS = `id platform platformAccountId displayName status tokenExpiresAt refreshable scopes webhookId
  connectedBy disconnectedAt disconnectReason lastRefreshError refreshFailures`;
const CONNECT = `mutation ($input: ConnectChannelAccountInput!) { connectChannelAccount(input: $input) { ${FIELDS} } }`;
const DISCONNECT = `mutation ($id: ID!, $reason: String) { disconnectChannelAccount(id: $id, reason: $reason) { ${FIELDS} } }`;
const RECONNECT = `mutation ($id: ID!, $tokens: ChannelTokensInput!) { reconnectChannelAccount(id: $id, tokens: $tokens) { ${FIELDS} } }`;
const LIST = `{ channelAccounts { ${FIELDS} } }`;

interface Account {
  id: string;
  status: string;
  webhookId: string;
  refreshable: boolean;
  tokenExpiresAt: string | null;
  lastRefreshError: string | null;
  refreshFailures: number;
  disconnectReason: string | null;
}

describe('channel accounts', () => {
  let tokenServer: Awaited<ReturnType<typeof startTokenServer>>;
  const subject = serviceUnderTest('conversations', async (env) => {
    tokenServer = await startTokenServer((refreshToken) =>
      refreshToken.startsWith('good')
        ? { status: 200, body: { access_token: `fresh-${refreshToken}`, expires_in: 3600, scope: 'a b' } }
        : refreshToken.startsWith('flaky')
          ? { status: 503, body: {} }
          : { status: 400, body: { error: 'invalid_grant' } },
    );
    return startConversationsService({
      ...env.startOptions(),
      piiKeyring,
      oauthClients: { gmail: { tokenUrl: tokenServer.url, clientId: 'app', clientSecret: 'app-secret' } },
      tokenRefreshIntervalMs: 3_600_000,
    });
  });
  afterAll(() => tokenServer.close());

  async function call<T>(auth: TestTenant & { permissions?: string[] }, query: string, variables = {}) {
    const { env, service } = subject;
    return env.graphql<T>(service.graphqlUrl, query, variables, await env.headersFor(auth));
  }
  const soon = () => new Date(Date.now() + 60_000).toISOString();
  const later = () => new Date(Date.now() + 3_600_000).toISOString();
  async function connect(auth: TestTenant, input: Record<string, unknown> = {}) {
    return call<{ connectChannelAccount: Account }>(auth, CONNECT, {
      input: {
        platform: 'gmail',
        platformAccountId: `box-${randomUUID()}@example.com`,
        displayName: 'Support mailbox',
        accessToken: 'access-secret-1',
        refreshToken: 'good-refresh-1',
        expiresAt: later(),
        scopes: ['mail.read', 'mail.send'],
        ...input,
      },
    });
  }
  async function storedRow(id: string) {
    const client = new Client({ connectionString: subject.env.database.superuserUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{
        access_token: string | null;
        refresh_token: string | null;
        webhook_secret: string;
        organization_id: string;
      }>(
        'SELECT access_token, refresh_token, webhook_secret, organization_id FROM channel_accounts WHERE id = $1',
        [id],
      );
      return rows[0];
    } finally {
      await client.end();
    }
  }
  const refresh = () =>
    refreshDueTokens(
      {
        database: subject.service.database,
        tenants: tenantDatabase(subject.service.database, { notify: () => undefined }),
        cipher: fieldCipher(piiKeyring),
        tokenClient: httpOAuthTokenClient({
          gmail: { tokenUrl: tokenServer.url, clientId: 'app', clientSecret: 'app-secret' },
        }),
        logger: subject.env.startOptions().logger,
      },
      { backoffBaseMs: 0 },
    );

  it('connects an account with one connected event and lists it without tokens', async () => {
    const caller = newTenant();
    const { data, errors } = await connect(caller);
    expect(errors).toBeUndefined();
    const account = data?.connectChannelAccount;
    expect(account).toMatchObject({ status: 'connected', refreshable: true, refreshFailures: 0 });
    const events = (await subject.env.outboxEvents()).filter((event) => event.subject === account?.id);
    expect(events).toEqual([{ type: 'conversations.account.connected.v1', subject: account?.id }]);
    const listed = await call<{ channelAccounts: Account[] }>(caller, LIST);
    expect(listed.data?.channelAccounts.map((a) => a.id)).toEqual([account?.id]);
    expect((await call<{ channelAccounts: Account[] }>(newTenant(), LIST)).data?.channelAccounts).toEqual([]);
  });

  it('keeps tokens and the webhook secret sealed at rest; the webhook id finds the account and its secret', async () => {
    const caller = newTenant();
    const account = (await connect(caller)).data?.connectChannelAccount;
    const row = await storedRow(account?.id ?? '');
    for (const column of [row?.access_token, row?.refresh_token, row?.webhook_secret]) {
      expect(column).toMatch(new RegExp(`^pii1\\.${piiKeyring.activeKeyId}\\.`));
    }
    expect(JSON.stringify(row)).not.toContain('access-secret-1');
    expect(JSON.stringify(row)).not.toContain('good-refresh-1');
    const opened = fieldCipher(piiKeyring).decrypt(row?.access_token ?? '', {
      organizationId: caller.organizationId,
      table: 'channel_accounts',
      column: 'access_token',
      rowId: account?.id ?? '',
    });
    expect(opened).toBe('access-secret-1');
    const found = await accountByWebhookId(
      subject.service.database,
      fieldCipher(piiKeyring),
      account?.webhookId ?? '',
    );
    expect(found?.account.id).toBe(account?.id);
    expect(found?.webhookSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(row?.webhook_secret).not.toContain(found?.webhookSecret ?? '');
    expect(
      await accountByWebhookId(subject.service.database, fieldCipher(piiKeyring), randomUUID()),
    ).toBeNull();
  });

  it("keeps the platform's own signing secret when one is given, and refuses a malformed one", async () => {
    const caller = newTenant();
    const appSecret = `meta-app-secret-${randomUUID()}`;
    const account = (await connect(caller, { webhookSecret: ` ${appSecret} ` })).data?.connectChannelAccount;
    const found = await accountByWebhookId(
      subject.service.database,
      fieldCipher(piiKeyring),
      account?.webhookId ?? '',
    );
    expect(found?.webhookSecret).toBe(appSecret);
    expect((await storedRow(account?.id ?? ''))?.webhook_secret).not.toContain(appSecret);
    for (const webhookSecret of ['short', 'has a space in the middle!!', 'x'.repeat(513)]) {
      const { data, errors } = await connect(caller, { webhookSecret });
      expect(data).toBeNull();
      expect(errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    }
    const listed = await call<{ channelAccounts: Account[] }>(caller, LIST);
    expect(listed.data?.channelAccounts.map((a) => a.id)).toEqual([account?.id]);
  });

  it('opens only a read-only cross-tenant door: under the flag rows are read, never changed', async () => {
    const account = (await connect(newTenant())).data?.connectChannelAccount;
    const id = account?.id ?? '';
    const { database } = subject.service;
    const seen = await withFlag(database, 'channel_accounts', (tx) =>
      tx.channelAccount.count({ where: { id } }),
    );
    expect(seen).toBe(1);
    const changed = await withFlag(database, 'channel_accounts', (tx) =>
      tx.channelAccount.updateMany({ where: { id }, data: { displayName: 'taken over' } }),
    );
    expect(changed.count).toBe(0);
    // Without the flag and outside a tenant transaction nothing is visible.
    expect(await database.channelAccount.count({ where: { id } })).toBe(0);
  });

  it('refuses the same platform account twice (CONFLICT) and bad input at once, writing nothing', async () => {
    const caller = newTenant();
    const platformAccountId = `page-${randomUUID()}`;
    expect((await connect(caller, { platform: 'facebook', platformAccountId })).errors).toBeUndefined();
    const before = (await subject.env.outboxEvents()).length;
    const again = await connect(caller, { platform: 'facebook', platformAccountId });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    // Another organization may connect the same platform account.
    expect((await connect(newTenant(), { platform: 'facebook', platformAccountId })).errors).toBeUndefined();
    const bad = await connect(caller, {
      displayName: ' ',
      accessToken: '',
      expiresAt: '2020-01-01T00:00:00Z',
    });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.message).toMatch(/displayName.*accessToken.*expiresAt|accessToken/s);
    expect((await subject.env.outboxEvents()).length).toBe(before + 1);
  });

  it('disconnects (tokens forgotten, one event), then reconnects with new tokens', async () => {
    const caller = newTenant();
    const account = (await connect(caller)).data?.connectChannelAccount;
    const id = account?.id ?? '';
    const off = await call<{ disconnectChannelAccount: Account }>(caller, DISCONNECT, {
      id,
      reason: 'Moved',
    });
    expect(off.data?.disconnectChannelAccount).toMatchObject({
      status: 'disconnected',
      disconnectReason: 'Moved',
      refreshable: false,
    });
    expect(await storedRow(id)).toMatchObject({ access_token: null, refresh_token: null });
    const twice = await call<{ disconnectChannelAccount: Account }>(caller, DISCONNECT, { id });
    expect(twice.data?.disconnectChannelAccount.status).toBe('disconnected');
    const on = await call<{ reconnectChannelAccount: Account }>(caller, RECONNECT, {
      id,
      tokens: { accessToken: 'access-secret-2', refreshToken: 'good-2', expiresAt: later() },
    });
    expect(on.data?.reconnectChannelAccount).toMatchObject({ status: 'connected', disconnectReason: null });
    const events = (await subject.env.outboxEvents()).filter((event) => event.subject === id);
    expect(events.map((event) => event.type)).toEqual([
      'conversations.account.connected.v1',
      'conversations.account.disconnected.v1',
      'conversations.account.connected.v1',
    ]);
    const missing = await call(caller, DISCONNECT, { id: randomUUID() });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const other = await call(newTenant(), DISCONNECT, { id });
    expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('is refused without channels:manage', async () => {
    const reader = { ...newTenant(), permissions: ['conversations:read', 'conversations:write'] };
    const { errors } = await connect(reader);
    expect(errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await call<{ channelAccounts: Account[] }>(reader, LIST)).errors).toBeUndefined();
  });

  it('refreshes tokens about to expire through the token endpoint, sealing the new ones', async () => {
    const caller = newTenant();
    const account = (await connect(caller, { refreshToken: `good-${randomUUID()}`, expiresAt: soon() })).data
      ?.connectChannelAccount;
    const id = account?.id ?? '';
    await refresh();
    const grant = tokenServer.grants.find((form) => form.refresh_token?.startsWith('good-'));
    expect(grant).toMatchObject({
      grant_type: 'refresh_token',
      client_id: 'app',
      client_secret: 'app-secret',
    });
    const [listed] = (await call<{ channelAccounts: Account[] }>(caller, LIST)).data?.channelAccounts ?? [];
    expect(listed?.status).toBe('connected');
    expect(new Date(listed?.tokenExpiresAt ?? 0).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    const row = await storedRow(id);
    const opened = fieldCipher(piiKeyring).decrypt(row?.access_token ?? '', {
      organizationId: caller.organizationId,
      table: 'channel_accounts',
      column: 'access_token',
      rowId: id,
    });
    expect(opened).toMatch(/^fresh-good-/);
  });

  it('marks an account refresh_failed with its event when the grant is refused, retrying server errors first', async () => {
    const caller = newTenant();
    const refused = (await connect(caller, { refreshToken: `revoked-${randomUUID()}`, expiresAt: soon() }))
      .data?.connectChannelAccount;
    const flaky = (await connect(caller, { refreshToken: `flaky-${randomUUID()}`, expiresAt: soon() })).data
      ?.connectChannelAccount;
    await refresh();
    let listed = (await call<{ channelAccounts: Account[] }>(caller, LIST)).data?.channelAccounts ?? [];
    const byId = (id: string | undefined) => listed.find((a) => a.id === id);
    expect(byId(refused?.id)).toMatchObject({ status: 'refresh_failed', lastRefreshError: 'invalid_grant' });
    expect(byId(flaky?.id)).toMatchObject({
      status: 'connected',
      lastRefreshError: 'http_503',
      refreshFailures: 1,
    });
    await refresh();
    await refresh();
    listed = (await call<{ channelAccounts: Account[] }>(caller, LIST)).data?.channelAccounts ?? [];
    expect(byId(flaky?.id)).toMatchObject({ status: 'refresh_failed', refreshFailures: 3 });
    const failures = (await subject.env.outboxEvents()).filter(
      (event) => event.type === 'conversations.account.refresh_failed.v1',
    );
    expect(failures.map((event) => event.subject).sort()).toEqual([refused?.id, flaky?.id].sort());
  });
});
