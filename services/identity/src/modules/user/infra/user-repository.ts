import { orderByKeys, uuidsOnly, type TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { User } from '../domain/user';
import type { UserRepository } from '../domain/user-repository';

type UserRow = Prisma.UserGetPayload<object>;

/** The domain user of a row (the password hash stays behind: only signing in reads it). */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    organizationId: row.organizationId,
    email: row.email,
    type: row.type,
    status: row.status,
    roles: row.roles,
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
        tx.user.findMany({ where: { organizationId, id: { in: uuidsOnly(ids) } } }),
      );
      return orderByKeys(ids, rows.map(toUser), (user) => user.id);
    },
  };
}
