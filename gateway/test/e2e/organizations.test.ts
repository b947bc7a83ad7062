/**
 * Organizations end to end, through the gateway: settings and configuration, the status lifecycle
 * (a suspended organization reads but cannot write, in any service; a cancelled one cannot sign in),
 * and agencies acting inside the client organizations they manage — and nowhere else.
 */
import { eventually } from '@platform/testing';
import { Client } from 'pg';
import { startTestPlatform, type TestPlatform } from './platform';
import { seeds, uniqueSignUp, type Member } from './seed';

const CREATE_CONTACT = `mutation($input: CreateContactInput!) { createContact(input: $input) { id } }`;
const CONTACT = `query($id: ID!) { contact(id: $id) { id givenName } }`;

describe('organizations through the gateway', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  const codeOf = (result: { errors?: Array<{ extensions?: { code?: string } }> }) =>
    result.errors?.[0]?.extensions?.code;

  it('keeps typed, validated settings and configuration, and publishes the changes for other services', async () => {
    const { admin } = await seeds(platform).organization('Settings');
    const updated = await admin.run<{
      updateOrganization: { settings: Record<string, unknown>; domain: string };
    }>(
      `mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) {
        domain settings { timezone businessHours { day opensAt closesAt } pipelineStages healthThresholds { yellowAfterDays redAfterDays } } } }`,
      {
        input: {
          domain: `crm-${admin.organizationId.slice(0, 8)}.example.com`,
          timezone: 'Europe/Berlin',
          businessHours: [{ day: 'monday', opensAt: '09:00', closesAt: '17:00' }],
          pipelineStages: ['Lead', 'Onboarding', 'Live'],
          healthThresholds: { yellowAfterDays: 5, redAfterDays: 10 },
        },
      },
    );
    expect(updated.updateOrganization.settings).toEqual({
      timezone: 'Europe/Berlin',
      businessHours: [{ day: 'monday', opensAt: '09:00', closesAt: '17:00' }],
      pipelineStages: ['Lead', 'Onboarding', 'Live'],
      healthThresholds: { yellowAfterDays: 5, redAfterDays: 10 },
    });
    const invalid = await platform.graphql(
      `mutation { updateOrganization(input: { timezone: "Nowhere/Land", healthThresholds: { yellowAfterDays: 9, redAfterDays: 3 } }) { id } }`,
      {},
      admin.accessToken,
    );
    expect(invalid.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { issues: [{ path: 'timezone' }, { path: 'healthThresholds.redAfterDays' }] },
    });

    await admin.run(
      `mutation { setConfiguration(key: "inbox.auto_assign", value: true, valueType: boolean) { key } }`,
    );
    const mismatch = await platform.graphql(
      `mutation { setConfiguration(key: "inbox.limit", value: "ten", valueType: number) { key } }`,
      {},
      admin.accessToken,
    );
    expect(mismatch.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { issues: [{ path: 'value' }] },
    });
    const read = await admin.run<{ me: { organization: { configuration: unknown[] } } }>(
      `{ me { organization { configuration { key value valueType updatedBy { id } } } } }`,
    );
    const events = new Client({ connectionString: platform.databases.identity.ownerUrl });
    await events.connect();
    try {
      // Not the audit entries, nor identity applying billing's sign-up entitlements (access_changed,
      // published whenever that consumer gets to it): the changes this test made.
      const { rows } = await events.query<{ type: string }>(
        `SELECT event_type AS type FROM outbox_events
          WHERE partition_key = $1 AND event_type NOT LIKE '%.audit.recorded.v1'
            AND event_type <> 'identity.organization.access_changed.v1' ORDER BY seq`,
        [admin.organizationId],
      );
      expect(rows.map((row) => row.type)).toEqual([
        'identity.organization.created.v1',
        'identity.organization.updated.v1',
        'identity.organization.configuration_changed.v1',
      ]);
    } finally {
      await events.end();
    }
    expect(read.me.organization.configuration).toEqual([
      { key: 'inbox.auto_assign', value: true, valueType: 'boolean', updatedBy: { id: admin.userId } },
    ]);
  });

  it('a suspended organization reads but every write is refused, in every service, until it is reactivated', async () => {
    const { admin } = await seeds(platform).organization('Suspended');
    const ada = await admin.contact({ givenName: 'Ada' });
    const suspended = await admin.run<{ suspendOrganization: { status: string; suspendedBy: string } }>(
      `mutation { suspendOrganization(reason: "Unpaid invoices") { status suspendedBy } }`,
    );
    expect(suspended.suspendOrganization).toEqual({ status: 'suspended', suspendedBy: 'owner' });
    await eventually('writes in crm refused with ORGANIZATION_SUSPENDED', async () => {
      const write = await platform.graphql(
        CREATE_CONTACT,
        { input: { givenName: 'Grace' } },
        admin.accessToken,
      );
      return codeOf(write) === 'ORGANIZATION_SUSPENDED';
    });
    const workflow = await platform.graphql(
      `mutation { createWorkflow(input: { name: "W", triggerEventType: "crm.contact.created.v1" }) { id } }`,
      {},
      admin.accessToken,
    );
    expect(codeOf(workflow)).toBe('ORGANIZATION_SUSPENDED');
    const contact = await platform.graphql(CONTACT, { id: ada.id }, admin.accessToken);
    expect(contact.data).toEqual({ contact: { id: ada.id, givenName: 'Ada' } });
    // Its users still sign in (to read).
    const login = await platform.graphql(
      `mutation($input: LoginInput!) { login(input: $input) { ... on AuthPayload { accessToken } } }`,
      { input: { email: admin.email, password: admin.password } },
    );
    expect(login.errors).toBeUndefined();
    await admin.run(`mutation { reactivateOrganization { status } }`);
    await eventually('writes work again', async () => {
      const write = await platform.graphql(
        CREATE_CONTACT,
        { input: { givenName: 'Grace' } },
        admin.accessToken,
      );
      return write.errors === undefined;
    });
  });

  it('a cancelled organization cannot sign in, and its tokens stop working', async () => {
    const { org, admin } = await seeds(platform).organization('Cancelled');
    const wrongSlug = await platform.graphql(
      `mutation { cancelOrganization(reason: "Closing", confirmSlug: "not-it") { status } }`,
      {},
      admin.accessToken,
    );
    expect(codeOf(wrongSlug)).toBe('BAD_USER_INPUT');
    await admin.run(
      `mutation($slug: String!) { cancelOrganization(reason: "Closing", confirmSlug: $slug) { status } }`,
      {
        slug: org.slug,
      },
    );
    const login = await platform.graphql(
      `mutation($input: LoginInput!) { login(input: $input) { ... on AuthPayload { accessToken } } }`,
      { input: { email: admin.email, password: admin.password } },
    );
    expect(codeOf(login)).toBe('UNAUTHENTICATED');
    await eventually('the access token of a cancelled organization is refused', async () => {
      const me = await platform.graphql(`{ me { id } }`, {}, admin.accessToken);
      return me.status === 401 && codeOf(me) === 'UNAUTHENTICATED';
    });
  });

  describe('agencies', () => {
    let agency: Member;
    let clientA: string;
    let clientB: string;

    const switchInto = async (member: Member, organizationId: string) => {
      const result = await platform.graphql<{ switchOrganization: { accessToken: string } }>(
        `mutation($id: ID!) { switchOrganization(organizationId: $id) { accessToken organization { id } } }`,
        { id: organizationId },
        member.accessToken,
      );
      return result;
    };
    const tokenFor = async (organizationId: string) => {
      const result = await switchInto(agency, organizationId);
      const token = result.data?.switchOrganization.accessToken;
      if (!token) throw new Error(`switch failed: ${JSON.stringify(result.errors)}`);
      return token;
    };

    beforeAll(async () => {
      ({ admin: agency } = await seeds(platform).organization('Agency'));
      const create = async (name: string) =>
        (
          await agency.run<{ createClientOrganization: { id: string } }>(
            `mutation($input: CreateClientOrganizationInput!) { createClientOrganization(input: $input) { id } }`,
            { input: { name, pipelineStages: ['Onboarding', 'Live'] } },
          )
        ).createClientOrganization.id;
      clientA = await create(uniqueSignUp('Client A').organizationName);
      clientB = await create(uniqueSignUp('Client B').organizationName);
    });

    it('lists the clients it manages, each with its own settings', async () => {
      const data = await agency.run<{
        me: {
          organization: {
            clientOrganizations: { totalCount: number; edges: Array<{ node: { id: string } }> };
          };
        };
      }>(
        `{ me { organization { clientOrganizations { totalCount edges { node { id settings { pipelineStages } } } } } } }`,
      );
      expect(data.me.organization.clientOrganizations.totalCount).toBe(2);
      expect(data.me.organization.clientOrganizations.edges.map((edge) => edge.node.id).sort()).toEqual(
        [clientA, clientB].sort(),
      );
    });

    it('an agency admin acts inside a managed client, as themself, and sees nothing sideways or upward', async () => {
      const agencyContact = await agency.contact({ givenName: 'Agency own' });
      const inA = await tokenFor(clientA);
      const created = await platform.graphql<{ createContact: { id: string } }>(
        CREATE_CONTACT,
        { input: { givenName: 'Client A lead' } },
        inA,
      );
      expect(created.errors).toBeUndefined();
      const contactInA = created.data?.createContact.id ?? '';
      const me = await platform.graphql<{ me: { id: string } }>(`{ me { id } }`, {}, inA);
      expect(me.data?.me.id).toBe(agency.userId);
      // Upward: the agency's own contact is not visible from inside the client.
      expect(codeOf(await platform.graphql(CONTACT, { id: agencyContact.id }, inA))).toBe('NOT_FOUND');
      // Sideways: client B does not see client A's contact.
      const inB = await tokenFor(clientB);
      expect(codeOf(await platform.graphql(CONTACT, { id: contactInA }, inB))).toBe('NOT_FOUND');
      const listB = await platform.graphql<{ me: { organization: { id: string } } }>(
        `{ me { id } }`,
        {},
        inB,
      );
      expect(listB.errors).toBeUndefined();
      // Back in its own organization the agency does not see the client's contact either.
      expect(codeOf(await platform.graphql(CONTACT, { id: contactInA }, agency.accessToken))).toBe(
        'NOT_FOUND',
      );
      // Inside a client the agency user cannot manage clients or the status.
      const nested = await platform.graphql(
        `mutation { createClientOrganization(input: { name: "Nested client" }) { id } }`,
        {},
        inA,
      );
      expect(codeOf(nested)).toBe('FORBIDDEN');
    });

    it('cannot switch into an organization it does not manage, and no one else can switch into its clients', async () => {
      const { org: stranger, admin: strangerAdmin } = await seeds(platform).organization('Unmanaged');
      expect(codeOf(await switchInto(agency, stranger.id))).toBe('NOT_FOUND');
      // The stranger's admin cannot switch into the agency's clients either.
      expect(codeOf(await switchInto(strangerAdmin, clientA))).toBe('NOT_FOUND');
    });

    it('a client suspended by its agency reads, refuses writes, and only the agency lifts it', async () => {
      await agency.run(
        `mutation($id: ID!) { suspendClientOrganization(id: $id, reason: "Contract paused") { status } }`,
        {
          id: clientB,
        },
      );
      const inB = await tokenFor(clientB);
      await eventually(
        'writes inside the suspended client are refused',
        async () =>
          codeOf(await platform.graphql(CREATE_CONTACT, { input: { givenName: 'X' } }, inB)) ===
          'ORGANIZATION_SUSPENDED',
      );
      await agency.run(`mutation($id: ID!) { reactivateClientOrganization(id: $id) { status } }`, {
        id: clientB,
      });
      await eventually(
        'writes work again',
        async () =>
          (await platform.graphql(CREATE_CONTACT, { input: { givenName: 'Y' } }, inB)).errors === undefined,
      );
    });
  });
});
