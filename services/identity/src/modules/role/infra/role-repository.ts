import {
  isUniqueViolation,
  conflict,
  orderByKeys,
  uuidsOnly,
  type TenantDatabase,
} from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import { OWNER_ROLE, type Role, type UserAccess } from '../domain/role';
import type { RoleRepository } from '../domain/role-repository';

type Transaction = Prisma.TransactionClient;
type RoleRow = Prisma.RoleGetPayload<object>;

export function toRole(row: RoleRow): Role {
  return {
    id: row.id,
    organizationId: row.organizationId,
    name: row.name,
    description: row.description,
    permissions: [...row.permissions].sort(),
    isSystem: row.isSystem,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Roles an organization sees: the system ones and its own (row-level security says the same). */
const visibleTo = (organizationId: string): Prisma.RoleWhereInput => ({
  OR: [{ organizationId: null }, { organizationId }],
});

/**
 * Assigns roles by name to a user being created (sign-up's founder, an invitation's roles) inside the
 * caller's transaction. Every name must be a role the organization sees.
 */
export async function assignRoles(
  tx: Transaction,
  user: { id: string; organizationId: string },
  names: readonly string[],
  assignedById: string | null,
): Promise<void> {
  if (names.length === 0) return;
  const roles = await tx.role.findMany({
    where: { AND: [visibleTo(user.organizationId), { name: { in: [...names] } }] },
    select: { id: true, name: true },
  });
  const missing = names.filter((name) => !roles.some((role) => role.name === name));
  if (missing.length > 0) throw new Error(`assignRoles: unknown roles ${missing.join(', ')}`);
  await tx.userRole.createMany({
    data: roles.map((role) => ({
      userId: user.id,
      roleId: role.id,
      organizationId: user.organizationId,
      assignedById,
    })),
  });
}

function nameTaken(name: string) {
  return conflict(`The organization already has a role named "${name}"`, {
    issues: [{ path: 'name', message: 'is taken', code: 'taken' }],
  });
}

const ACCESS_SELECT = {
  id: true,
  organizationId: true,
  roleAssignments: { select: { role: true }, orderBy: { assignedAt: 'asc' } },
  permissionGrants: { select: { permission: true } },
} as const satisfies Prisma.UserSelect;

type AccessRow = Prisma.UserGetPayload<{ select: typeof ACCESS_SELECT }>;

function toAccess(row: AccessRow): UserAccess {
  return {
    userId: row.id,
    organizationId: row.organizationId,
    roles: row.roleAssignments.map((assignment) => toRole(assignment.role)),
    directPermissions: row.permissionGrants.map((grant) => grant.permission).sort(),
  };
}

/** Roles and grants over Prisma, in the organization's tenant transactions. */
export function roleRepository(db: TenantDatabase<Transaction>): RoleRepository {
  return {
    async list(organizationId) {
      const rows = await db.read(organizationId, (tx) =>
        tx.role.findMany({
          where: visibleTo(organizationId),
          orderBy: [{ isSystem: 'desc' }, { name: 'asc' }],
        }),
      );
      return rows.map(toRole);
    },

    async byIds(organizationId, ids) {
      const rows = await db.read(organizationId, (tx) =>
        tx.role.findMany({ where: { AND: [visibleTo(organizationId), { id: { in: uuidsOnly(ids) } }] } }),
      );
      return orderByKeys(ids, rows.map(toRole), (role) => role.id);
    },

    async byName(organizationId, name) {
      const row = await db.read(organizationId, (tx) =>
        tx.role.findFirst({ where: { AND: [visibleTo(organizationId), { name }] } }),
      );
      return row ? toRole(row) : null;
    },

    async create(role, events) {
      try {
        return toRole(
          await db.write(role.organizationId ?? '', events, (tx) =>
            tx.role.create({
              data: {
                id: role.id,
                organizationId: role.organizationId,
                name: role.name,
                description: role.description,
                permissions: role.permissions,
                isSystem: false,
              },
            }),
          ),
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(role.name);
        throw error;
      }
    },

    async update(role, events) {
      try {
        return toRole(
          await db.write(role.organizationId ?? '', events, (tx) =>
            tx.role.update({
              where: { id: role.id, isSystem: false },
              data: { name: role.name, description: role.description, permissions: role.permissions },
            }),
          ),
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(role.name);
        throw error;
      }
    },

    async delete(role, events) {
      await db.write(role.organizationId ?? '', events, (tx) =>
        tx.role.delete({ where: { id: role.id, isSystem: false } }),
      );
    },

    async accessOf(organizationId, userIds) {
      const rows = await db.read(organizationId, (tx) =>
        tx.user.findMany({
          where: { organizationId, id: { in: uuidsOnly(userIds) } },
          select: ACCESS_SELECT,
        }),
      );
      return orderByKeys(userIds, rows.map(toAccess), (access) => access.userId);
    },

    countOtherOwners(organizationId, exceptUserId) {
      return db.read(organizationId, (tx) =>
        tx.userRole.count({
          where: {
            organizationId,
            userId: { not: exceptUserId },
            role: { name: OWNER_ROLE, isSystem: true },
            user: { status: 'active' },
          },
        }),
      );
    },

    async saveAccess(next, assignedById, event) {
      await db.write(next.organizationId, [event], async (tx) => {
        const roleIds = next.roles.map((role) => role.id);
        await tx.userRole.deleteMany({ where: { userId: next.userId, roleId: { notIn: roleIds } } });
        await tx.userRole.createMany({
          data: roleIds.map((roleId) => ({
            userId: next.userId,
            roleId,
            organizationId: next.organizationId,
            assignedById,
          })),
          skipDuplicates: true,
        });
        await tx.userPermission.deleteMany({
          where: { userId: next.userId, permission: { notIn: next.directPermissions } },
        });
        await tx.userPermission.createMany({
          data: next.directPermissions.map((permission) => ({
            userId: next.userId,
            permission,
            organizationId: next.organizationId,
            grantedById: assignedById,
          })),
          skipDuplicates: true,
        });
      });
    },

    async assignments(organizationId, userIds) {
      const rows = await db.read(organizationId, (tx) =>
        tx.userRole.findMany({
          where: { organizationId, userId: { in: uuidsOnly(userIds) } },
          include: { role: true },
          orderBy: { assignedAt: 'asc' },
        }),
      );
      return userIds.map((userId) =>
        rows
          .filter((row) => row.userId === userId)
          .map((row) => ({
            role: toRole(row.role),
            assignedById: row.assignedById,
            assignedAt: row.assignedAt,
          })),
      );
    },
  };
}
