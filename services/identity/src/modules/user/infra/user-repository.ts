import { orderByKeys, uuidsOnly, type TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { User } from '../domain/user';
import type { UserRepository } from '../domain/user-repository';

/** What reading a user includes: the names of the roles assigned to them. */
export const USER_INCLUDE = {
  roleAssignments: { select: { role: { select: { name: true } } }, orderBy: { assignedAt: 'asc' } },
} as const satisfies Prisma.UserInclude;

export type UserRow = Prisma.UserGetPayload<{ include: typeof USER_INCLUDE }>;

/** The domain user of a row (the password hash stays behind: only signing in reads it). */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    organizationId: row.organizationId,
    email: row.email,
    type: row.type,
    status: row.status,
    roles: row.roleAssignments.map((assignment) => assignment.role.name),
    givenName: row.givenName,
    familyName: row.familyName,
    lastLoginAt: row.lastLoginAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * Users over Prisma, read in the organization's tenant transaction (row-level security backs up the
 * explicit organization filter).
 */
export function userRepository(db: TenantDatabase<Prisma.TransactionClient>): UserRepository {
  return {
    async byIds(organizationId, ids) {
      const rows = await db.read(organizationId, (tx) =>
        tx.user.findMany({ where: { organizationId, id: { in: uuidsOnly(ids) } }, include: USER_INCLUDE }),
      );
      return orderByKeys(ids, rows.map(toUser), (user) => user.id);
    },
  };
}
