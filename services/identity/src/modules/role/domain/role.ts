/** Roles and permissions: the rules of who may hold what, and the events changes imply. */
import {
  conflict,
  forbidden,
  InputIssues,
  isPermission,
  isSystemRole,
  unionOfPermissions,
} from '@platform/domain';
import { createEvent, type CatalogEvent } from '@platform/events/catalog';
import { EVENT_SOURCE } from '../../organization/domain/organization';

/** A named set of permissions: a system role (shared by every organization) or a custom one. */
export interface Role {
  id: string;
  /** Null for a system role. */
  organizationId: string | null;
  name: string;
  description: string | null;
  permissions: string[];
  isSystem: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What a user holds: their roles and the permissions granted to them directly. */
export interface UserAccess {
  userId: string;
  organizationId: string;
  roles: Role[];
  directPermissions: string[];
}

export type RoleEvent = CatalogEvent<
  'identity.role.created.v1' | 'identity.role.updated.v1' | 'identity.role.deleted.v1'
>;
export type AccessChanged = CatalogEvent<'identity.user.access_changed.v1'>;

export const ROLE_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
export const ROLE_NAME_MIN_LENGTH = 2;
export const ROLE_NAME_MAX_LENGTH = 100;
export const ROLE_DESCRIPTION_MAX_LENGTH = 1000;
/** The role nobody may take from the organization's last holder. */
export const OWNER_ROLE = 'owner';

/** The permissions a user acts with: their roles' and their direct grants, sorted. */
export function effectivePermissions(access: Pick<UserAccess, 'roles' | 'directPermissions'>): string[] {
  return unionOfPermissions(...access.roles.map((role) => role.permissions), access.directPermissions);
}

function roleNameProblem(name: string): string | null {
  if (name.length < ROLE_NAME_MIN_LENGTH || name.length > ROLE_NAME_MAX_LENGTH) {
    return `must be ${ROLE_NAME_MIN_LENGTH}–${ROLE_NAME_MAX_LENGTH} characters`;
  }
  if (!ROLE_NAME_PATTERN.test(name)) {
    return 'may contain only lower-case letters, digits, hyphens and underscores, starting with a letter or digit';
  }
  if (isSystemRole(name)) return 'is the name of a system role';
  return null;
}

/** Checks a permission list: every entry known to the platform; returns it deduplicated and sorted. */
function checkedPermissions(issues: InputIssues, path: string, permissions: readonly string[]): string[] {
  permissions.forEach((permission, index) => {
    if (!isPermission(permission))
      issues.add(`${path}.${index}`, `"${permission}" is not a platform permission`);
  });
  return unionOfPermissions(permissions);
}

/**
 * Nobody grants what they do not hold: a caller may put into a role, assign or grant only permissions
 * they hold themselves (so an admin cannot make an owner, nor a manager an admin).
 */
export function ensureCanGrant(callerPermissions: readonly string[], granted: readonly string[]): void {
  const missing = granted.filter((permission) => !callerPermissions.includes(permission));
  if (missing.length > 0) {
    throw forbidden(`You cannot grant permissions you do not hold: ${missing.join(', ')}`);
  }
}

export function ensureCustom(role: Role): void {
  if (role.isSystem) throw forbidden(`The system role "${role.name}" cannot be changed or deleted`);
}

export interface RoleInput {
  name: string;
  description?: string | null;
  permissions: readonly string[];
}

function description(value: string | null | undefined, issues: InputIssues): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed.length > ROLE_DESCRIPTION_MAX_LENGTH) {
    issues.add('description', `must be at most ${ROLE_DESCRIPTION_MAX_LENGTH} characters`);
  }
  return trimmed.length > 0 ? trimmed : null;
}

function roleData(role: Role, occurredAt: Date) {
  return {
    roleId: role.id,
    organizationId: role.organizationId ?? '',
    name: role.name,
    description: role.description,
    permissions: role.permissions,
    occurredAt: occurredAt.toISOString(),
  };
}

function roleEvent(
  type: 'identity.role.created.v1' | 'identity.role.updated.v1',
  role: Role & { organizationId: string },
  at: Date,
): RoleEvent {
  return createEvent(type, {
    source: EVENT_SOURCE,
    subject: role.id,
    tenantId: role.organizationId,
    time: at,
    data: roleData(role, at),
  });
}

/** A new custom role of `organizationId`, checked, with its event. */
export function createRole(
  organizationId: string,
  id: string,
  input: RoleInput,
  now: Date,
): { role: Role; events: [RoleEvent] } {
  const issues = new InputIssues();
  const name = input.name.trim();
  const nameIssue = roleNameProblem(name);
  if (nameIssue) issues.add('name', nameIssue);
  const role: Role & { organizationId: string } = {
    id,
    organizationId,
    name,
    description: description(input.description, issues),
    permissions: checkedPermissions(issues, 'permissions', input.permissions),
    isSystem: false,
    createdAt: now,
    updatedAt: now,
  };
  issues.throwIfAny();
  return { role, events: [roleEvent('identity.role.created.v1', role, now)] };
}

export interface RoleChange {
  name?: string | null;
  description?: string | null;
  permissions?: readonly string[] | null;
}

/** A custom role changed; a system role refuses (FORBIDDEN). Absent fields stay as they are. */
export function changeRole(role: Role, change: RoleChange, now: Date): { role: Role; events: RoleEvent[] } {
  ensureCustom(role);
  const issues = new InputIssues();
  let name = role.name;
  if (change.name !== undefined && change.name !== null) {
    name = change.name.trim();
    const nameIssue = roleNameProblem(name);
    if (nameIssue) issues.add('name', nameIssue);
  }
  const next: Role & { organizationId: string } = {
    ...role,
    organizationId: role.organizationId ?? '',
    name,
    description:
      change.description !== undefined ? description(change.description, issues) : role.description,
    permissions:
      change.permissions !== undefined && change.permissions !== null
        ? checkedPermissions(issues, 'permissions', change.permissions)
        : role.permissions,
    updatedAt: now,
  };
  issues.throwIfAny();
  return { role: next, events: [roleEvent('identity.role.updated.v1', next, now)] };
}

export function deleteRole(role: Role, now: Date): { events: [RoleEvent] } {
  ensureCustom(role);
  return {
    events: [
      createEvent('identity.role.deleted.v1', {
        source: EVENT_SOURCE,
        subject: role.id,
        tenantId: role.organizationId ?? '',
        time: now,
        data: {
          roleId: role.id,
          organizationId: role.organizationId ?? '',
          name: role.name,
          occurredAt: now.toISOString(),
        },
      }),
    ],
  };
}

/** The user's access after a change, and the event saying so. */
export function accessChanged(access: UserAccess, changedById: string | null, now: Date): AccessChanged {
  return createEvent('identity.user.access_changed.v1', {
    source: EVENT_SOURCE,
    subject: access.userId,
    tenantId: access.organizationId,
    time: now,
    data: {
      userId: access.userId,
      organizationId: access.organizationId,
      roles: access.roles.map((role) => role.name),
      directPermissions: [...access.directPermissions],
      changedById,
      occurredAt: now.toISOString(),
    },
  });
}

/** Assigning a role the user already holds is a no-op; the caller must hold all it grants. */
export function assignRole(
  access: UserAccess,
  role: Role,
  callerPermissions: readonly string[],
): UserAccess | null {
  ensureCanGrant(callerPermissions, role.permissions);
  if (access.roles.some((held) => held.id === role.id)) return null;
  return { ...access, roles: [...access.roles, role] };
}

/**
 * Taking a role away. The caller must hold what it grants (a manager cannot demote an admin), and an
 * organization always keeps at least one owner (`otherOwners` = active users other than this one who
 * hold the owner role).
 */
export function unassignRole(
  access: UserAccess,
  role: Role,
  callerPermissions: readonly string[],
  otherOwners: number,
): UserAccess | null {
  ensureCanGrant(callerPermissions, role.permissions);
  if (!access.roles.some((held) => held.id === role.id)) return null;
  if (role.isSystem && role.name === OWNER_ROLE && otherOwners === 0) {
    throw conflict('An organization keeps at least one owner: make someone else owner first');
  }
  return { ...access, roles: access.roles.filter((held) => held.id !== role.id) };
}

export function grantPermission(
  access: UserAccess,
  permission: string,
  callerPermissions: readonly string[],
): UserAccess | null {
  if (!isPermission(permission)) {
    new InputIssues().add('permission', `"${permission}" is not a platform permission`).throwIfAny();
  }
  ensureCanGrant(callerPermissions, [permission]);
  if (access.directPermissions.includes(permission)) return null;
  return { ...access, directPermissions: unionOfPermissions(access.directPermissions, [permission]) };
}

export function revokePermission(
  access: UserAccess,
  permission: string,
  callerPermissions: readonly string[],
): UserAccess | null {
  if (!access.directPermissions.includes(permission)) return null;
  ensureCanGrant(callerPermissions, [permission]);
  return { ...access, directPermissions: access.directPermissions.filter((held) => held !== permission) };
}
