import { withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { conversationSettingsOf, startConversationsService } from '../../src/service';

// Conversation settings through the subgraph against real PostgreSQL: the defaults, partial updates,
// validation, who may change them, and what other modules read with conversationSettingsOf.

const SETTINGS = `mutation ($input: UpdateConversationSettingsInput!) {
  updateConversationSettings(input: $input) { messageRetentionDays autoSendThreshold updatedBy updatedAt }
}`;
const READ_SETTINGS = `{ conversationSettings { messageRetentionDays autoSendThreshold updatedAt updatedBy } }`;

describe('conversation settings', () => {
  const subject = serviceUnderTest('conversations', (env) =>
    startConversationsService({ ...env.startOptions(), retentionIntervalMs: 0 }),
  );

  async function graphql<T>(
    tenant: TestTenant | (TestTenant & { permissions: string[] }),
    query: string,
    variables = {},
  ) {
    const { env, service } = subject;
    return env.graphql<T>(service.graphqlUrl, query, variables, await env.headersFor(tenant));
  }

  it('keeps settings per organization: defaults, updates, validation, permissions', async () => {
    const tenant = newTenant();
    const before = await graphql<{ conversationSettings: unknown }>(tenant, READ_SETTINGS);
    expect(before.data?.conversationSettings).toEqual({
      messageRetentionDays: 90,
      autoSendThreshold: null,
      updatedAt: null,
      updatedBy: null,
    });
    const updated = await graphql<{ updateConversationSettings: Record<string, unknown> }>(tenant, SETTINGS, {
      input: { messageRetentionDays: 30, autoSendThreshold: 0.85 },
    });
    expect(updated.errors).toBeUndefined();
    expect(updated.data?.updateConversationSettings).toMatchObject({
      messageRetentionDays: 30,
      autoSendThreshold: 0.85,
      updatedBy: tenant.userId,
    });
    // The change is audited (no event: the mutation itself is the audit entry).
    expect(await subject.env.auditEntries(tenant.organizationId)).toEqual([
      expect.objectContaining({
        service: 'conversations',
        action: 'conversations.updateConversationSettings',
        outcome: 'success',
      }),
    ]);
    const cleared = await graphql<{ updateConversationSettings: Record<string, unknown> }>(tenant, SETTINGS, {
      input: { autoSendThreshold: null },
    });
    expect(cleared.data?.updateConversationSettings).toMatchObject({
      messageRetentionDays: 30,
      autoSendThreshold: null,
    });

    const bad = await graphql(tenant, SETTINGS, {
      input: { messageRetentionDays: 0, autoSendThreshold: 2 },
    });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(bad.errors?.[0]?.extensions)).toContain('autoSendThreshold');
    const tooLong = await graphql(tenant, SETTINGS, { input: { messageRetentionDays: 3651 } });
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const reader = { ...newTenant(), permissions: ['conversations:read'] };
    const refused = await graphql(reader, SETTINGS, { input: { messageRetentionDays: 10 } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Another organization still has the defaults.
    const other = await graphql<{ conversationSettings: { messageRetentionDays: number } }>(
      reader,
      READ_SETTINGS,
    );
    expect(other.data?.conversationSettings.messageRetentionDays).toBe(90);
  });

  it('gives other modules the settings in their tenant transaction, defaults without a row', async () => {
    const changed = newTenant();
    const untouched = newTenant();
    await graphql(changed, SETTINGS, { input: { messageRetentionDays: 45, autoSendThreshold: 0.9 } });
    const read = (tenant: TestTenant) =>
      withTenant(subject.service.database, tenant.organizationId, (tx) =>
        conversationSettingsOf(tx, tenant.organizationId),
      );
    expect(await read(changed)).toMatchObject({
      organizationId: changed.organizationId,
      messageRetentionDays: 45,
      autoSendThreshold: 0.9,
      updatedBy: changed.userId,
    });
    expect(await read(untouched)).toEqual({
      organizationId: untouched.organizationId,
      messageRetentionDays: 90,
      autoSendThreshold: null,
      updatedAt: null,
      updatedBy: null,
    });
  });

  it('needs conversations:read to read settings and archives', async () => {
    const outsider = { ...newTenant(), permissions: [] };
    for (const query of [READ_SETTINGS, '{ messageArchives { id } }']) {
      const refused = await graphql(outsider, query);
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});
