/**
 * The audit trail end to end: what people do in crm, automation and identity — through the gateway —
 * lands in identity's trail within seconds, says who did it (an agency user acting in a client
 * organization included), redacts personal data, records refusals and reads of personal data, and
 * its chain verifies.
 */
import { eventually } from '@platform/testing';
import { startTestPlatform, type TestPlatform } from './platform';
import { seeds, uniqueSignUp, type Member } from './seed';

interface TrailEntry {
  sequence: number;
  service: string;
  action: string;
  operation: string | null;
  entityType: string | null;
  entityId: string | null;
  outcome: string;
  errorCode: string | null;
  requestId: string | null;
  clientAddress: string | null;
  details: Record<string, unknown> | null;
  changes: { before: unknown; after: Record<string, unknown> } | null;
  actor: { type: string; userId: string | null; actingFromOrganizationId: string | null };
}

const TRAIL = `query($filter: AuditEventFilter) { auditEvents(filter: $filter, first: 100) { totalCount edges { node {
  sequence service action operation entityType entityId outcome errorCode requestId clientAddress details changes
  actor { type userId actingFromOrganizationId }
} } } }`;

/** The audit trail's deadline from the acceptance criteria: a write is in identity's trail within 5 s. */
const TRAIL_DEADLINE_MS = 5_000;

describe('the audit trail through the gateway', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  const trail = async (reader: { run: Member['run'] }, filter: Record<string, unknown>) =>
    (
      await reader.run<{ auditEvents: { edges: Array<{ node: TrailEntry }> } }>(TRAIL, { filter })
    ).auditEvents.edges.map((edge) => edge.node);

  /** Waits (at most 5 s) until the trail holds an entry matching `filter`, and answers the entries. */
  const recorded = (reader: { run: Member['run'] }, filter: Record<string, unknown>) =>
    eventually(
      `an audit entry matching ${JSON.stringify(filter)}`,
      async () => {
        const entries = await trail(reader, filter);
        return entries.length > 0 && entries;
      },
      { timeoutMs: TRAIL_DEADLINE_MS },
    );

  it('records writes in crm and automation in identity’s trail within 5 s, attributed to the caller, and the chain verifies', async () => {
    const { admin } = await seeds(platform).organization('Audited');
    const contact = await admin.contact({ givenName: 'Grace', email: 'grace@example.com' });
    const workflow = await admin.workflow({}, 'active');

    const [created] = await recorded(admin, { action: 'crm.contact.created', entityId: contact.id });
    expect(created).toMatchObject({
      service: 'crm',
      operation: 'createContact',
      entityType: 'contact',
      outcome: 'success',
      actor: { type: 'user', userId: admin.userId, actingFromOrganizationId: null },
      changes: { before: null, after: { contactId: contact.id, ownerId: admin.userId } },
    });
    expect(created?.requestId).toEqual(expect.any(String));
    expect(created?.clientAddress).toEqual(expect.any(String));
    expect(JSON.stringify(created)).not.toContain('grace@example.com');

    // Each entry arrives on its own; wait for both before reading the workflow's entries.
    await recorded(admin, { action: 'automation.workflow.created', entityId: workflow.id });
    await recorded(admin, { action: 'automation.workflow.status_changed', entityId: workflow.id });
    const workflowEntries = await trail(admin, { service: 'automation', entityId: workflow.id });
    expect(workflowEntries.map((entry) => entry.action).sort()).toEqual([
      'automation.workflow.created',
      'automation.workflow.status_changed',
    ]);
    const statusChange = (await trail(admin, { action: 'automation.workflow.status_changed' }))[0];
    // A transition carries its own from and to; there was no earlier one to compare with.
    expect(statusChange?.changes).toMatchObject({ before: null, after: { from: 'draft', to: 'active' } });

    // The new contact started the active workflow's run: the workflow acted, because of crm's event.
    const verification = await admin.run<{ verifyAuditChain: { valid: boolean; checkedCount: number } }>(
      `{ verifyAuditChain { valid checkedCount } }`,
    );
    expect(verification.verifyAuditChain.valid).toBe(true);
    expect(verification.verifyAuditChain.checkedCount).toBeGreaterThanOrEqual(5);
  });

  it('records who read personal data, and that a role without it read none', async () => {
    const { admin } = await seeds(platform).organization('Readers');
    const analyst = await admin.invite(['analyst']);
    const first = await admin.contact({ email: 'one@example.com' });
    const second = await admin.contact({ email: 'two@example.com' });
    const LIST = `{ me { organization { contacts(first: 10) { edges { node { id email } } } } } }`;

    const redacted = await analyst.run<{
      me: { organization: { contacts: { edges: Array<{ node: { email: string | null } }> } } };
    }>(LIST);
    expect(redacted.me.organization.contacts.edges.map((edge) => edge.node.email)).toEqual([null, null]);
    await admin.run(LIST);

    const [read] = await recorded(admin, { action: 'crm.sensitive_read' });
    expect(read).toMatchObject({
      service: 'crm',
      entityType: 'Contact',
      actor: { type: 'user', userId: admin.userId },
      details: { fields: ['Contact.email'], count: 2 },
    });
    expect((read?.details?.['entityIds'] as string[]).sort()).toEqual([first.id, second.id].sort());
    expect(await trail(admin, { action: 'crm.sensitive_read', actorUserId: analyst.userId })).toEqual([]);
  });

  it('records refusals: a viewer’s write is denied, and so recorded', async () => {
    const { admin } = await seeds(platform).organization('Refusals');
    const viewer = await admin.invite(['viewer']);
    const refused = await platform.graphql(
      `mutation { createContact(input: { givenName: "Not Allowed" }) { id } }`,
      {},
      viewer.accessToken,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const [denied] = await recorded(admin, { actorUserId: viewer.userId, outcome: 'denied' });
    expect(denied).toMatchObject({
      service: 'crm',
      action: 'crm.createContact',
      operation: 'createContact',
      errorCode: 'FORBIDDEN',
      entityId: null,
    });
  });

  it('shows an agency user acting in a client organization as the actor, in the client’s trail only', async () => {
    const { admin: agency } = await seeds(platform).organization('AuditAgency');
    const client = await agency.run<{ createClientOrganization: { id: string } }>(
      `mutation($input: CreateClientOrganizationInput!) { createClientOrganization(input: $input) { id } }`,
      { input: { name: uniqueSignUp('Audited Client').organizationName } },
    );
    const clientId = client.createClientOrganization.id;
    const switched = await platform.graphql<{ switchOrganization: { accessToken: string } }>(
      `mutation($id: ID!) { switchOrganization(organizationId: $id) { accessToken } }`,
      { id: clientId },
      agency.accessToken,
    );
    const token = switched.data?.switchOrganization.accessToken;
    if (!token) throw new Error(`switch failed: ${JSON.stringify(switched.errors)}`);
    const inClient = {
      run: async <T>(query: string, variables: Record<string, unknown> = {}) => {
        const result = await platform.graphql<T>(query, variables, token);
        if (!result.data || result.errors) throw new Error(JSON.stringify(result.errors));
        return result.data;
      },
    };
    const made = await inClient.run<{ createContact: { id: string } }>(
      `mutation { createContact(input: { givenName: "Client Contact" }) { id } }`,
    );

    const [entry] = await recorded(inClient, {
      action: 'crm.contact.created',
      entityId: made.createContact.id,
    });
    expect(entry?.actor).toEqual({
      type: 'user',
      userId: agency.userId,
      actingFromOrganizationId: agency.organizationId,
    });
    // The agency's own trail knows nothing of it.
    expect(await trail(agency, { entityId: made.createContact.id })).toEqual([]);
  });
});
