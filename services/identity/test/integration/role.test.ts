import { randomUUID } from 'node:crypto';
import { SYSTEM_ROLE_PERMISSIONS, SYSTEM_ROLES } from '@platform/domain';
import {
  anonymousContext,
  generateInternalContextKeys,
  importInternalContextPrivateKey,
  INTERNAL_CONTEXT_HEADER,
  signInternalContext,
} from '@platform/service-kit';
import { PRINCIPAL_PATH } from '../../src/service';
import { signUpDirectly, storeUsers, identityUnderTest } from '../support';

// Roles and permissions against real PostgreSQL: the system roles as stored data, custom roles, the
// UserRole junction and direct grants, the rules that keep anyone from granting what they do not hold,
// and the principal the gateway asks for.

const ROLES = `{ roles { id name permissions isSystem } }`;
const ROLE_FIELDS = 'id name description permissions isSystem';
const USER_ACCESS = `query($id: ID!) { _entities(representations: [{ __typename: "User", id: $id }]) {
  ... on User { id roles directPermissions permissions roleAssignments { role { name } assignedBy { id } assignedAt } } } }`;

interface RoleRow {
  id: string;
  name: string;
  permissions: string[];
  isSystem: boolean;
}

describe('identity roles and permissions (real PostgreSQL)', () => {
  const subject = identityUnderTest();

  /** A new organization's founder (an owner, with every permission) and a colleague holding `role`. */
  async function organization(label: string, colleagueRole = 'viewer') {
    const { env, service: identity } = subject;
    const founder = await signUpDirectly(env, identity, label);
    const colleague = randomUUID();
    await storeUsers(identity, founder.organizationId, [
      { id: colleague, email: `colleague@${founder.slug}.example.com`, roles: [colleagueRole] },
    ]);
    const owner = { organizationId: founder.organizationId, userId: founder.userId };
    return { founder, owner, colleague };
  }

  const { call } = subject;

  it('lists the system roles first, each with exactly the platform’s permission set', async () => {
    const { owner } = await organization('system');
    const result = await call<{ roles: RoleRow[] }>(owner, ROLES);
    const system = result.data?.roles.filter((role) => role.isSystem) ?? [];
    expect(system.map((role) => role.name).sort()).toEqual([...SYSTEM_ROLES].sort());
    for (const role of system) {
      expect(role.permissions).toEqual(
        [...SYSTEM_ROLE_PERMISSIONS[role.name as keyof typeof SYSTEM_ROLE_PERMISSIONS]].sort(),
      );
    }
  });

  it('creates a custom role, seen by its organization only, with its event', async () => {
    const { env } = subject;
    const { owner } = await organization('custom');
    const { owner: stranger } = await organization('stranger');
    const created = await call<{ createRole: RoleRow }>(
      owner,
      `mutation($input: CreateRoleInput!) { createRole(input: $input) { ${ROLE_FIELDS} } }`,
      {
        input: {
          name: 'closer',
          description: 'Closes deals',
          permissions: ['contacts:write', 'contacts:read'],
        },
      },
    );
    expect(created.data?.createRole).toMatchObject({
      name: 'closer',
      permissions: ['contacts:read', 'contacts:write'],
      isSystem: false,
    });
    const id = created.data?.createRole.id ?? '';
    const theirs = await call<{ role: RoleRow }>(stranger, `query($id: ID!) { role(id: $id) { id } }`, {
      id,
    });
    expect(theirs.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const strangerRoles = await call<{ roles: RoleRow[] }>(stranger, ROLES);
    expect(strangerRoles.data?.roles.map((role) => role.name)).not.toContain('closer');
    const events = await env.outboxEvents();
    expect(events).toContainEqual({ type: 'identity.role.created.v1', subject: id });
  });

  it('refuses a taken name (CONFLICT), a system role’s name, unknown permissions (BAD_USER_INPUT by field)', async () => {
    const { owner } = await organization('refusals');
    const create = (input: Record<string, unknown>) =>
      call(owner, `mutation($input: CreateRoleInput!) { createRole(input: $input) { id } }`, { input });
    await create({ name: 'setter', permissions: [] });
    expect((await create({ name: 'setter', permissions: [] })).errors?.[0]?.extensions?.code).toBe(
      'CONFLICT',
    );
    const invalid = await create({ name: 'Admin!', permissions: ['contacts:read', 'contacts:fly'] });
    expect(invalid.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: {
        issues: expect.arrayContaining([
          expect.objectContaining({ path: 'name' }),
          expect.objectContaining({ path: 'permissions.1' }),
        ]) as unknown,
      },
    });
    const system = await create({ name: 'viewer', permissions: [] });
    expect(system.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('nobody grants what they do not hold: a manager cannot create an admin-level role nor make an admin', async () => {
    const { owner, colleague } = await organization('escalation', 'agent');
    const manager = {
      ...owner,
      roles: ['manager'],
      permissions: [...SYSTEM_ROLE_PERMISSIONS.manager, 'roles:manage'],
    };
    const tooMuch = await call(
      manager,
      `mutation { createRole(input: { name: "boss", permissions: ["billing:manage"] }) { id } }`,
    );
    expect(tooMuch.errors?.[0]).toMatchObject({
      message: 'You cannot grant permissions you do not hold: billing:manage',
      extensions: { code: 'FORBIDDEN' },
    });
    const makeAdmin = await call(
      manager,
      `mutation($id: ID!) { assignRole(userId: $id, role: "admin") { id } }`,
      {
        id: colleague,
      },
    );
    expect(makeAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const grant = await call(
      manager,
      `mutation($id: ID!) { grantPermission(userId: $id, permission: "audit:export") { id } }`,
      {
        id: colleague,
      },
    );
    expect(grant.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('assigns and unassigns roles and grants permissions, recording who and when, with an event each', async () => {
    const { env } = subject;
    const { owner, colleague } = await organization('junction');
    const assign = await call(
      owner,
      `mutation($id: ID!) { assignRole(userId: $id, role: "agent") { id roles } }`,
      { id: colleague },
    );
    expect(assign.data).toEqual({ assignRole: { id: colleague, roles: ['viewer', 'agent'] } });
    // Assigning it again changes nothing.
    await call(owner, `mutation($id: ID!) { assignRole(userId: $id, role: "agent") { id } }`, {
      id: colleague,
    });
    await call(
      owner,
      `mutation($id: ID!) { grantPermission(userId: $id, permission: "audit:read") { id } }`,
      { id: colleague },
    );
    const access = await call<{ _entities: Array<Record<string, unknown>> }>(owner, USER_ACCESS, {
      id: colleague,
    });
    expect(access.data?._entities[0]).toMatchObject({
      roles: ['viewer', 'agent'],
      directPermissions: ['audit:read'],
      permissions: [
        ...new Set([...SYSTEM_ROLE_PERMISSIONS.viewer, ...SYSTEM_ROLE_PERMISSIONS.agent, 'audit:read']),
      ].sort(),
      roleAssignments: [
        { role: { name: 'viewer' }, assignedBy: null, assignedAt: expect.any(String) as unknown },
        {
          role: { name: 'agent' },
          assignedBy: { id: owner.userId },
          assignedAt: expect.any(String) as unknown,
        },
      ],
    });
    await call(owner, `mutation($id: ID!) { unassignRole(userId: $id, role: "viewer") { id } }`, {
      id: colleague,
    });
    await call(
      owner,
      `mutation($id: ID!) { revokePermission(userId: $id, permission: "audit:read") { id } }`,
      { id: colleague },
    );
    const after = await call<{ _entities: Array<Record<string, unknown>> }>(owner, USER_ACCESS, {
      id: colleague,
    });
    expect(after.data?._entities[0]).toMatchObject({ roles: ['agent'], directPermissions: [] });
    const changes = (await env.outboxEvents()).filter(
      (event) => event.type === 'identity.user.access_changed.v1' && event.subject === colleague,
    );
    expect(changes).toHaveLength(4);
  });

  it('keeps the last owner: the owner role cannot be taken from the only owner', async () => {
    const { owner, colleague } = await organization('last-owner');
    const alone = await call(
      owner,
      `mutation($id: ID!) { unassignRole(userId: $id, role: "owner") { id } }`,
      { id: owner.userId },
    );
    expect(alone.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    await call(owner, `mutation($id: ID!) { assignRole(userId: $id, role: "owner") { id } }`, {
      id: colleague,
    });
    const handedOver = await call(
      owner,
      `mutation($id: ID!) { unassignRole(userId: $id, role: "owner") { roles } }`,
      { id: owner.userId },
    );
    expect(handedOver.data).toEqual({ unassignRole: { roles: ['admin'] } });
  });

  it('changes and deletes custom roles; system roles stay as they are (FORBIDDEN)', async () => {
    const { owner, colleague } = await organization('lifecycle');
    const created = await call<{ createRole: RoleRow }>(
      owner,
      `mutation { createRole(input: { name: "temp", permissions: ["contacts:read"] }) { id } }`,
    );
    const id = created.data?.createRole.id ?? '';
    await call(owner, `mutation($id: ID!) { assignRole(userId: $id, role: "temp") { id } }`, {
      id: colleague,
    });
    const updated = await call<{ updateRole: RoleRow }>(
      owner,
      `mutation($id: ID!) { updateRole(id: $id, input: { name: "temporary", permissions: ["contacts:read", "contacts:write"] }) { name permissions } }`,
      { id },
    );
    expect(updated.data).toEqual({
      updateRole: { name: 'temporary', permissions: ['contacts:read', 'contacts:write'] },
    });
    const deleted = await call(owner, `mutation($id: ID!) { deleteRole(id: $id) }`, { id });
    expect(deleted.data).toEqual({ deleteRole: id });
    const access = await call<{ _entities: Array<Record<string, unknown>> }>(owner, USER_ACCESS, {
      id: colleague,
    });
    expect(access.data?._entities[0]).toMatchObject({ roles: ['viewer'] });
    const roles = await call<{ roles: RoleRow[] }>(owner, ROLES);
    const viewer = roles.data?.roles.find((role) => role.name === 'viewer');
    const system = await call(owner, `mutation($id: ID!) { deleteRole(id: $id) }`, { id: viewer?.id });
    expect(system.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  });

  describe('the principal route (the gateway asks who a credential acts as)', () => {
    async function askPrincipal(body: unknown, signed = true) {
      const { env, service: identity } = subject;
      const key = await importInternalContextPrivateKey(env.internalContextKeys.privateJwk);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (signed)
        headers[INTERNAL_CONTEXT_HEADER] = await signInternalContext(key, anonymousContext(), {
          requestId: 'p',
        });
      const response = await fetch(`${identity.url}${PRINCIPAL_PATH}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }

    it('answers a user’s roles, effective permissions and organization status', async () => {
      const { owner, colleague } = await organization('principal', 'analyst');
      const answer = await askPrincipal({
        credential: { type: 'user', organizationId: owner.organizationId, userId: colleague },
      });
      expect(answer).toEqual({
        status: 200,
        body: {
          principal: {
            organizationId: owner.organizationId,
            userId: colleague,
            apiKeyId: null,
            actingFromOrganizationId: null,
            roles: ['analyst'],
            permissions: [...SYSTEM_ROLE_PERMISSIONS.analyst].sort(),
            organizationStatus: 'active',
            operationSafelist: null,
            apiAccess: null,
            sessionId: null,
          },
        },
      });
    });

    it('answers 401 for a user of another organization, and refuses callers that are not the gateway', async () => {
      const { owner } = await organization('principal-refusals');
      const { colleague: stranger } = await organization('principal-stranger');
      const foreign = await askPrincipal({
        credential: { type: 'user', organizationId: owner.organizationId, userId: stranger },
      });
      expect(foreign.status).toBe(401);
      const unsigned = await askPrincipal(
        { credential: { type: 'user', organizationId: owner.organizationId, userId: owner.userId } },
        false,
      );
      expect(unsigned.status).toBe(401);
      const malformed = await askPrincipal({ credential: { type: 'user', organizationId: 'x' } });
      expect(malformed.status).toBe(400);
      const otherKeys = await generateInternalContextKeys();
      const identity = subject.service;
      const forged = await fetch(`${identity.url}${PRINCIPAL_PATH}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [INTERNAL_CONTEXT_HEADER]: await signInternalContext(
            await importInternalContextPrivateKey(otherKeys.privateJwk),
            anonymousContext(),
            { requestId: 'forged' },
          ),
        },
        body: JSON.stringify({
          credential: { type: 'user', organizationId: owner.organizationId, userId: owner.userId },
        }),
      });
      expect(forged.status).toBe(401);
    });
  });
});
