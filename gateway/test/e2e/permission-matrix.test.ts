/**
 * Authorization, end to end: every system role × every Query and Mutation field of the composed
 * supergraph, through the gateway, against the permission data (packages/domain/src/permissions.ts).
 * A role without the permission a field declares is refused with FORBIDDEN naming it; a role with it
 * is never refused for want of a permission (it may still get NOT_FOUND or BAD_USER_INPUT for the
 * made-up arguments). The fields are read from gateway/supergraph.graphql, so a field added later is
 * covered without anyone listing it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SYSTEM_ROLE_PERMISSIONS, SYSTEM_ROLES, type SystemRole } from '@platform/domain';
import { eventually } from '@platform/testing';
import { Kind } from 'graphql';
import { baselineCase, IdPool, supergraphRootFields, type RootField } from './hostile-inputs';
import { startTestPlatform, type TestPlatform } from './platform';
import { seeds, type Member } from './seed';

const SUPERGRAPH = readFileSync(path.join(__dirname, '..', '..', 'supergraph.graphql'), 'utf8');
const { schema, fields: ROOT_FIELDS } = supergraphRootFields(SUPERGRAPH);

type Requirement = { kind: 'public' } | { kind: 'signedIn' } | { kind: 'permission'; permission: string };

function requirementOf(root: RootField): Requirement {
  for (const directive of root.field.astNode?.directives ?? []) {
    if (directive.name.value === 'public') return { kind: 'public' };
    if (directive.name.value === 'signedIn') return { kind: 'signedIn' };
    if (directive.name.value === 'permission') {
      const argument = directive.arguments?.find((candidate) => candidate.name.value === 'name');
      if (argument?.value.kind === Kind.STRING)
        return { kind: 'permission', permission: argument.value.value };
    }
  }
  throw new Error(`${root.operation} ${root.field.name} declares no access`);
}

describe('the permission matrix: every system role × every Query and Mutation field', () => {
  let platform: TestPlatform;
  let owner: Member;
  const members = new Map<SystemRole, Member>();
  const own = new IdPool();

  beforeAll(async () => {
    // Each probe selects every field of what it returns: a list of contacts (importContacts) read with
    // all their nested lists is over the public cost limit, which limits.test.ts covers.
    platform = await startTestPlatform({ limits: { maxCost: 1_000_000 } });
    ({ admin: owner } = await seeds(platform).organization('Matrix'));
    const contact = await owner.contact({ email: 'ada@example.com', phone: '+15551234567' });
    own.add('Contact', contact.id);
    own.add('Conversation', (await owner.conversation({ contactId: contact.id })).id);
    own.add('Workflow', (await owner.workflow()).id);
    // The user the matrix's user mutations act on (they may deactivate or delete it): nobody else.
    own.add('User', (await owner.invite(['viewer'], 'target')).userId);
    // Each role's member is invited by the owner and accepts from the email in the local mailbox.
    for (const role of SYSTEM_ROLES) members.set(role, await owner.invite([role]));
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  it('covers every root field', () => {
    expect(ROOT_FIELDS.length).toBeGreaterThan(20);
    for (const root of ROOT_FIELDS) expect(requirementOf(root)).toBeDefined();
  });

  it.each(SYSTEM_ROLES.map((role) => [role]))(
    '%s: refused exactly the fields whose permission the role lacks',
    async (role) => {
      const member = members.get(role);
      if (!member) throw new Error(`no ${role}`);
      const granted = new Set<string>(SYSTEM_ROLE_PERMISSIONS[role]);
      const mismatches: string[] = [];
      let refused = 0;
      // Signing out everywhere ends the member's own session: it goes last.
      const fields = [...ROOT_FIELDS].sort(
        (a, b) => Number(a.name === 'revokeAllSessions') - Number(b.name === 'revokeAllSessions'),
      );
      for (const root of fields) {
        const requirement = requirementOf(root);
        const operation = baselineCase(root, { schema, own, foreign: new IdPool() });
        const result = await platform.graphql(operation.query, operation.variables, member.accessToken);
        const errors = (result.errors ?? []).filter((error) => error.path?.[0] === root.field.name);
        const permissionRefusal = errors.find((error) => /^Requires the permission /.test(error.message));
        const unauthenticated = errors.find((error) => error.extensions?.code === 'UNAUTHENTICATED');
        const label = `${root.operation} ${root.field.name}`;
        if (requirement.kind === 'permission' && !granted.has(requirement.permission)) {
          refused += 1;
          if (
            permissionRefusal?.extensions?.code !== 'FORBIDDEN' ||
            permissionRefusal.message !== `Requires the permission ${requirement.permission}`
          ) {
            mismatches.push(
              `${label}: expected FORBIDDEN for ${requirement.permission}, got ${JSON.stringify(errors)}`,
            );
          }
        } else {
          if (permissionRefusal)
            mismatches.push(`${label}: refused although allowed: ${permissionRefusal.message}`);
          // Signing in with made-up credentials answers UNAUTHENTICATED by design; nothing else may.
          if (unauthenticated && requirement.kind !== 'public') {
            mismatches.push(`${label}: UNAUTHENTICATED for a signed-in ${role}`);
          }
        }
      }
      // revokeAllSessions (one of the fields) signed the member out everywhere: a new session for the rest.
      members.set(role, await seeds(platform).signIn(member.email, member.password));
      // The owner may have suspended the organization (suspendOrganization is one of the fields): lift it.
      await platform.graphql(`mutation { reactivateOrganization { status } }`, {}, owner.accessToken);
      await eventually('the organization is active at the edge', async () => {
        const probe = await platform.graphql(
          `mutation { removeConfiguration(key: "probe") }`,
          {},
          owner.accessToken,
        );
        return probe.errors === undefined;
      });
      expect(mismatches).toEqual([]);
      if (role === 'owner') expect(refused).toBe(0);
      if (role === 'viewer') {
        // A viewer changes nothing: every mutation that is not public is refused.
        const writes = ROOT_FIELDS.filter(
          (root) => root.operation === 'mutation' && requirementOf(root).kind === 'permission',
        );
        expect(refused).toBeGreaterThanOrEqual(writes.length);
      }
    },
    120_000,
  );

  it('an analyst reads contacts with their personal data null, and the response says which fields and why', async () => {
    const analyst = members.get('analyst');
    const agent = members.get('agent');
    if (!analyst || !agent) throw new Error('members missing');
    const query = `query($id: ID!) { contact(id: $id) { id givenName email phone } }`;
    const contactId = own.get('Contact');
    const redacted = await platform.graphql(query, { id: contactId }, analyst.accessToken);
    expect(redacted.errors).toBeUndefined();
    expect(redacted.data).toEqual({
      contact: { id: contactId, givenName: expect.any(String) as unknown, email: null, phone: null },
    });
    const body = redacted as { extensions?: { redactedFields?: unknown } };
    expect(body.extensions?.redactedFields).toEqual(
      expect.arrayContaining([
        { field: 'Contact.email', permission: 'contacts:read_pii' },
        { field: 'Contact.phone', permission: 'contacts:read_pii' },
      ]),
    );
    const full = await platform.graphql(query, { id: contactId }, agent.accessToken);
    expect(full.data).toEqual({
      contact: {
        id: contactId,
        givenName: expect.any(String) as unknown,
        email: 'ada@example.com',
        phone: '+15551234567',
      },
    });
  });

  it('a role change applies to the next requests, not when the access token expires', async () => {
    const viewer = members.get('viewer');
    if (!viewer) throw new Error('no viewer');
    const create = () =>
      platform.graphql<{ createContact: { id: string } }>(
        `mutation { createContact(input: { givenName: "Promoted" }) { id } }`,
        {},
        viewer.accessToken,
      );
    expect((await create()).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await owner.run(`mutation($id: ID!) { assignRole(userId: $id, role: "agent") { id } }`, {
      id: viewer.userId,
    });
    await eventually('the viewer, now also an agent, creates a contact with the same token', async () => {
      const result = await create();
      return result.errors === undefined && typeof result.data?.createContact.id === 'string';
    });
    await owner.run(`mutation($id: ID!) { unassignRole(userId: $id, role: "agent") { id } }`, {
      id: viewer.userId,
    });
    await eventually(
      'the viewer is refused again',
      async () => (await create()).errors?.[0]?.extensions?.code === 'FORBIDDEN',
    );
  });
});
