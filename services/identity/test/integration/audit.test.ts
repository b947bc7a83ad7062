import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { eventually } from '@platform/testing';
import { SYSTEM_ROLE_PERMISSIONS } from '@platform/service-kit';
import { identityUnderTest, signUpDirectly } from '../support';

/**
 * The audit trail, stored by identity: entries recorded through the outbox arrive over Kafka, join
 * their organization's hash chain, and can be read, filtered, verified and exported; the application
 * role cannot change them, and a change made behind its back is found by the verification.
 */
describe('audit trail (real PostgreSQL and Kafka)', () => {
  const subject = identityUnderTest();

  const ENTRIES = `query($filter: AuditEventFilter, $first: Int, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node {
        id sequence service action operation entityType entityId changes details outcome errorCode
        requestId previousHash hash occurredAt recordedAt
        actor { type userId apiKeyId actingFromOrganizationId user { id } }
      } }
    }
  }`;
  const VERIFY = `{ verifyAuditChain { valid checkedCount headSequence headHash firstInvalidSequence problem } }`;

  interface Entry {
    id: string;
    sequence: number;
    action: string;
    operation: string | null;
    entityType: string | null;
    entityId: string | null;
    changes: { before: Record<string, unknown> | null; after: Record<string, unknown> } | null;
    details: Record<string, unknown> | null;
    outcome: string;
    errorCode: string | null;
    previousHash: string;
    hash: string;
    actor: { type: string; userId: string | null; user: { id: string } | null };
  }
  type Entries = {
    auditEvents: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: Array<{ node: Entry }>;
    };
  };
  type Verification = {
    verifyAuditChain: {
      valid: boolean;
      checkedCount: number;
      headSequence: number | null;
      headHash: string | null;
      firstInvalidSequence: number | null;
      problem: string | null;
    };
  };

  const entries = async (caller: { organizationId: string; userId: string }, filter = {}, first = 100) => {
    const result = await subject.call<Entries>(caller, ENTRIES, { filter, first });
    if (!result.data) throw new Error(JSON.stringify(result.errors));
    return result.data.auditEvents;
  };

  /** Waits until the trail holds at least `count` entries matching `filter`. */
  const stored = (caller: { organizationId: string; userId: string }, count: number, filter = {}) =>
    eventually(`${count} audit entries matching ${JSON.stringify(filter)}`, async () => {
      const page = await entries(caller, filter);
      // The count and the page are read apart: wait until both hold the entries.
      return page.totalCount >= count && page.edges.length >= count && page;
    });

  const owner = async (label: string) => {
    const founder = await signUpDirectly(subject.env, subject.service, label);
    return { organizationId: founder.organizationId, userId: founder.userId };
  };

  it('stores every entry in its organization’s chain, newest first, and the chain verifies', async () => {
    const caller = await owner('chain');
    const page = await stored(caller, 2, { actionPrefix: 'identity.' });
    const [user, organization] = page.edges.map((edge) => edge.node);
    expect(organization).toMatchObject({
      sequence: 1,
      action: 'identity.organization.created',
      operation: 'signUp',
      entityType: 'organization',
      entityId: caller.organizationId,
      previousHash: '0'.repeat(64),
      outcome: 'success',
      actor: { type: 'anonymous', userId: null },
    });
    expect(user).toMatchObject({
      sequence: 2,
      action: 'identity.user.created',
      entityId: caller.userId,
      previousHash: organization?.hash,
      changes: { before: null, after: { email: '[redacted]', userId: caller.userId } },
    });
    const { data } = await subject.call<Verification>(caller, VERIFY);
    expect(data?.verifyAuditChain).toMatchObject({
      valid: true,
      checkedCount: page.totalCount,
      firstInvalidSequence: null,
      problem: null,
    });
  });

  it('shows the fields a change reports as they were before, from the entity’s previous entry', async () => {
    const caller = await owner('before');
    const rename = (name: string) =>
      subject.call(caller, `mutation($name: String!) { updateOrganization(input: { name: $name }) { id } }`, {
        name,
      });
    expect((await rename('First Name')).errors).toBeUndefined();
    expect((await rename('Second Name')).errors).toBeUndefined();
    const filter = { action: 'identity.organization.updated' };
    const [second, first] = (await stored(caller, 2, filter)).edges.map((edge) => edge.node);
    expect(first?.changes?.after).toMatchObject({ name: 'First Name' });
    expect(second?.changes).toMatchObject({
      before: { name: 'First Name' },
      after: { name: 'Second Name' },
    });
    expect(second).toMatchObject({
      operation: 'updateOrganization',
      actor: { type: 'user', userId: caller.userId, user: { id: caller.userId } },
    });
  });

  it('filters by actor, entity, action, outcome and time, and pages', async () => {
    const caller = await owner('filters');
    const viewer = {
      ...caller,
      userId: randomUUID(),
      roles: ['viewer'],
      permissions: [...SYSTEM_ROLE_PERMISSIONS.viewer],
    };
    const refused = await subject.call(
      caller,
      `mutation { updateOrganization(input: { name: "x" }) { id } }`,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const forbidden = await subject.call(
      viewer,
      `mutation { updateOrganization(input: { name: "Viewer's" }) { id } }`,
    );
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await stored(caller, 4);

    const failures = await entries(caller, { outcome: 'failure' });
    expect(failures.edges).toHaveLength(1);
    expect(failures.edges[0]?.node).toMatchObject({
      action: 'identity.updateOrganization',
      errorCode: 'BAD_USER_INPUT',
      actor: { userId: caller.userId },
    });
    const denied = await entries(caller, { actorUserId: viewer.userId });
    expect(denied.edges.map((edge) => edge.node)).toEqual([
      expect.objectContaining({ outcome: 'denied', errorCode: 'FORBIDDEN', operation: 'updateOrganization' }),
    ]);
    const aboutUser = await entries(caller, { entityType: 'user', entityId: caller.userId });
    expect(aboutUser.edges.map((edge) => edge.node.action)).toEqual(['identity.user.created']);

    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await entries(caller, { occurredFrom: future })).totalCount).toBe(0);
    expect((await entries(caller, { occurredBefore: future })).totalCount).toBeGreaterThanOrEqual(4);

    const firstPage = await entries(caller, {}, 2);
    expect(firstPage.pageInfo.hasNextPage).toBe(true);
    const next = await subject.call<Entries>(caller, ENTRIES, {
      first: 2,
      after: firstPage.pageInfo.endCursor,
    });
    const seen = [...firstPage.edges, ...(next.data?.auditEvents.edges ?? [])].map(
      (edge) => edge.node.sequence,
    );
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    expect(new Set(seen).size).toBe(4);

    const bad = await subject.call(caller, ENTRIES, {
      filter: { actorUserId: 'nope', occurredFrom: future, occurredBefore: future },
    });
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { issues: [{ path: 'filter.actorUserId' }, { path: 'filter.occurredBefore' }] },
    });
  });

  it('needs audit:read to read and audit:export to export; a refusal is itself recorded', async () => {
    const caller = await owner('permissions');
    const agent = {
      ...caller,
      userId: randomUUID(),
      roles: ['agent'],
      permissions: [...SYSTEM_ROLE_PERMISSIONS.agent],
    };
    for (const query of [ENTRIES, VERIFY, `{ exportAuditEvents { rowCount } }`]) {
      const result = await subject.call(agent, query);
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const refusals = await stored(caller, 3, { actorUserId: agent.userId, outcome: 'denied' });
    expect(refusals.edges.map((edge) => edge.node.operation).sort()).toEqual([
      'auditEvents',
      'exportAuditEvents',
      'verifyAuditChain',
    ]);
  });

  it('exports as CSV or JSON lines, and records the export as a sensitive read', async () => {
    const caller = await owner('export');
    await stored(caller, 2);
    type Exported = {
      exportAuditEvents: {
        format: string;
        contentType: string;
        filename: string;
        rowCount: number;
        truncated: boolean;
        content: string;
      };
    };
    const csv = await subject.call<Exported>(
      caller,
      `{ exportAuditEvents(limit: 1) { format contentType filename rowCount truncated content } }`,
    );
    expect(csv.data?.exportAuditEvents).toMatchObject({
      format: 'CSV',
      contentType: 'text/csv; charset=utf-8',
      rowCount: 1,
      truncated: true,
    });
    const [header, row, rest] = csv.data?.exportAuditEvents.content.split('\n') ?? [];
    expect(header?.split(',').slice(0, 3)).toEqual(['sequence', 'id', 'occurredAt']);
    expect(row).toMatch(/^2,/);
    expect(rest).toBe('');
    const lines = await subject.call<Exported>(
      caller,
      `{ exportAuditEvents(format: JSON_LINES, filter: { action: "identity.organization.created" }) { rowCount truncated content } }`,
    );
    expect(lines.data?.exportAuditEvents).toMatchObject({ rowCount: 1, truncated: false });
    const record = JSON.parse(lines.data?.exportAuditEvents.content.trim() ?? '{}') as Record<
      string,
      unknown
    >;
    expect(record).toMatchObject({ sequence: 1, entityId: caller.organizationId, actorType: 'anonymous' });
    const reads = await stored(caller, 2, { action: 'identity.sensitive_read' });
    expect(reads.edges[0]?.node).toMatchObject({
      actor: { type: 'user', userId: caller.userId },
      details: { fields: ['Query.exportAuditEvents'] },
    });
    const limit = await subject.call(caller, `{ exportAuditEvents(limit: 0) { rowCount } }`);
    expect(limit.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { issues: [{ path: 'limit' }] },
    });
  });

  describe('append-only, tamper-evident', () => {
    /** Runs SQL on identity's database as `url`'s role, inside the organization's tenant setting. */
    const asRole = async (url: string, organizationId: string, sql: string, values: unknown[] = []) => {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query(`select set_config('app.organization_id', $1, true)`, [organizationId]);
        const result = await client.query(sql, values);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        await client.end();
      }
    };

    it('refuses the application role UPDATE, DELETE and TRUNCATE on audit rows, and lets it read and insert', async () => {
      const caller = await owner('grants');
      await stored(caller, 2);
      const { appUrl } = subject.env.database;
      const { rows } = await asRole(
        appUrl,
        caller.organizationId,
        'select count(*)::int as count from audit_events',
      );
      expect(typeof (rows[0] as { count: unknown }).count).toBe('number');
      for (const sql of [
        `update audit_events set action = 'forged' where organization_id = $1`,
        `delete from audit_events where organization_id = $1`,
      ]) {
        await expect(asRole(appUrl, caller.organizationId, sql, [caller.organizationId])).rejects.toThrow(
          /permission denied for table audit_events/,
        );
      }
      await expect(asRole(appUrl, caller.organizationId, 'truncate audit_events')).rejects.toThrow(
        /permission denied for table audit_events/,
      );
      const admin = new Client({
        connectionString: subject.env.database.superuserUrl,
      });
      await admin.connect();
      const privileges = await admin
        .query<{ privilege: string }>(
          `select p as privilege from unnest(array['SELECT','INSERT','UPDATE','DELETE','TRUNCATE']) as p
            where has_table_privilege('identity_app', 'audit_events', p)`,
        )
        .finally(() => admin.end());
      expect(privileges.rows.map((row) => row.privilege).sort()).toEqual(['INSERT', 'SELECT']);
    });

    it('detects a row changed behind the application’s back (as the owner role), naming the entry', async () => {
      const caller = await owner('tamper');
      const page = await stored(caller, 2);
      const victim = page.edges.find((edge) => edge.node.sequence === 1)?.node;
      await asRole(
        subject.env.database.ownerUrl,
        caller.organizationId,
        `update audit_events set entity_id = 'someone-else' where id = $1`,
        [victim?.id],
      );
      const { data } = await subject.call<Verification>(caller, VERIFY);
      expect(data?.verifyAuditChain).toMatchObject({
        valid: false,
        checkedCount: 0,
        firstInvalidSequence: 1,
      });
      expect(data?.verifyAuditChain.problem).toContain('changed');
    });

    it('detects a removed entry in the middle of the chain', async () => {
      const caller = await owner('removed');
      await subject.call(caller, `mutation { updateOrganization(input: { name: "Renamed Once" }) { id } }`);
      const page = await stored(caller, 3);
      const middle = page.edges.find((edge) => edge.node.sequence === 2)?.node;
      await asRole(
        subject.env.database.ownerUrl,
        caller.organizationId,
        `delete from audit_events where id = $1`,
        [middle?.id],
      );
      const { data } = await subject.call<Verification>(caller, VERIFY);
      expect(data?.verifyAuditChain).toMatchObject({
        valid: false,
        checkedCount: 1,
        headSequence: 1,
        firstInvalidSequence: 3,
      });
      expect(data?.verifyAuditChain.problem).toContain('missing');
    });
  });
});
