import { randomUUID } from 'node:crypto';
import { notFound, organizationOf, type Actor } from '@platform/domain';
import {
  accessChanged,
  assignRole,
  changeRole,
  createRole,
  deleteRole,
  ensureCanGrant,
  grantPermission,
  OWNER_ROLE,
  revokePermission,
  unassignRole,
  type Role,
  type RoleChange,
  type RoleInput,
  type UserAccess,
} from './role';
import type { RoleRepository } from './role-repository';

/** The role and grant use cases of the caller's organization. */
export function roleOperations(repository: RoleRepository, now: () => Date = () => new Date()) {
  const callerPermissions = (actor: Actor): readonly string[] => actor.permissions ?? [];

  async function visibleRole(organizationId: string, id: string): Promise<Role> {
    const [role] = await repository.byIds(organizationId, [id]);
    if (!role) throw notFound('Role', id);
    return role;
  }

  async function namedRole(organizationId: string, name: string): Promise<Role> {
    const role = await repository.byName(organizationId, name.trim());
    if (!role) throw notFound('Role', name);
    return role;
  }

  async function accessOf(organizationId: string, userId: string): Promise<UserAccess> {
    const [access] = await repository.accessOf(organizationId, [userId]);
    if (!access) throw notFound('User', userId);
    return access;
  }

  /** Stores a changed access (null: nothing changed) and answers the user's id. */
  async function save(actor: Actor, next: UserAccess | null, userId: string): Promise<string> {
    if (next) await repository.saveAccess(next, actor.userId, accessChanged(next, actor.userId, now()));
    return userId;
  }

  return {
    list: (actor: Actor) => repository.list(organizationOf(actor)),

    byId: (actor: Actor, id: string) => visibleRole(organizationOf(actor), id),

    async create(actor: Actor, input: RoleInput): Promise<Role> {
      const { role, events } = createRole(organizationOf(actor), randomUUID(), input, now());
      ensureCanGrant(callerPermissions(actor), role.permissions);
      return repository.create(role, events);
    },

    async update(actor: Actor, id: string, change: RoleChange): Promise<Role> {
      const current = await visibleRole(organizationOf(actor), id);
      const { role, events } = changeRole(current, change, now());
      // Both what the role grants now and what it granted: a manager cannot edit an admin-level role.
      ensureCanGrant(callerPermissions(actor), [...current.permissions, ...role.permissions]);
      return repository.update(role, events);
    },

    async delete(actor: Actor, id: string): Promise<string> {
      const role = await visibleRole(organizationOf(actor), id);
      const { events } = deleteRole(role, now());
      ensureCanGrant(callerPermissions(actor), role.permissions);
      await repository.delete(role, events);
      return role.id;
    },

    async assign(actor: Actor, userId: string, roleName: string): Promise<string> {
      const organizationId = organizationOf(actor);
      const [access, role] = await Promise.all([
        accessOf(organizationId, userId),
        namedRole(organizationId, roleName),
      ]);
      return save(actor, assignRole(access, role, callerPermissions(actor)), userId);
    },

    async unassign(actor: Actor, userId: string, roleName: string): Promise<string> {
      const organizationId = organizationOf(actor);
      const [access, role] = await Promise.all([
        accessOf(organizationId, userId),
        namedRole(organizationId, roleName),
      ]);
      // Counted only once the user is known to exist here (and only when it matters).
      const otherOwners =
        role.isSystem && role.name === OWNER_ROLE
          ? await repository.countOtherOwners(organizationId, userId)
          : 1;
      return save(actor, unassignRole(access, role, callerPermissions(actor), otherOwners), userId);
    },

    async grant(actor: Actor, userId: string, permission: string): Promise<string> {
      const access = await accessOf(organizationOf(actor), userId);
      return save(actor, grantPermission(access, permission, callerPermissions(actor)), userId);
    },

    async revoke(actor: Actor, userId: string, permission: string): Promise<string> {
      const access = await accessOf(organizationOf(actor), userId);
      return save(actor, revokePermission(access, permission, callerPermissions(actor)), userId);
    },
  };
}

export type RoleOperations = ReturnType<typeof roleOperations>;
