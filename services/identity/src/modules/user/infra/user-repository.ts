import { z } from 'zod';
import {
  isUniqueViolation,
  afterCursorWhere,
  conflict,
  orderByKeys,
  pageOf,
  uuidsOnly,
  type TenantDatabase,
} from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { User } from '../domain/user';
import type { UserFilter, UserRepository } from '../domain/user-repository';

type Transaction = Prisma.TransactionClient;

/** What reading a user includes: the names of the roles assigned to them. */
export const USER_INCLUDE = {
  roleAssignments: { select: { role: { select: { name: true } } }, orderBy: { assignedAt: 'asc' } },
} as const satisfies Prisma.UserInclude;

export type UserRow = Prisma.UserGetPayload<{ include: typeof USER_INCLUDE }>;

const stringMap = z.record(z.string(), z.string());
const jsonObject = z.record(z.string(), z.unknown());

/** The domain user of a row (the password hash stays behind: only signing in reads it). */
export function toUser(row: UserRow): User {
  const externalIds = stringMap.safeParse(row.externalIds);
  const metadata = jsonObject.safeParse(row.metadata);
  return {
    id: row.id,
    organizationId: row.organizationId,
    email: row.email,
    emailVerified: row.emailVerified,
    username: row.username,
    type: row.type,
    status: row.status,
    statusReason: row.statusReason,
    statusChangedAt: row.statusChangedAt,
    roles: row.roleAssignments.map((assignment) => assignment.role.name),
    givenName: row.givenName,
    familyName: row.familyName,
    displayName: row.displayName,
    title: row.title,
    department: row.department,
    phoneNumber: row.phoneNumber,
    phoneNumberVerified: row.phoneNumberVerified,
    timezone: row.timezone,
    locale: row.locale,
    avatarUrl: row.avatarUrl,
    externalIds: externalIds.success ? externalIds.data : {},
    metadata: metadata.success ? metadata.data : {},
    lastLoginAt: row.lastLoginAt,
    lastActiveAt: row.lastActiveAt,
    mfaEnabled: row.mfaEnabledAt !== null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    deletedAt: row.deletedAt,
  };
}

/** The columns of a user (what create and update write; roles live in the junction). */
export function userColumns(user: User) {
  return {
    id: user.id,
    organizationId: user.organizationId,
    email: user.email,
    emailVerified: user.emailVerified,
    username: user.username,
    type: user.type,
    status: user.status,
    statusReason: user.statusReason,
    statusChangedAt: user.statusChangedAt,
    givenName: user.givenName,
    familyName: user.familyName,
    displayName: user.displayName,
    title: user.title,
    department: user.department,
    phoneNumber: user.phoneNumber,
    phoneNumberVerified: user.phoneNumberVerified,
    timezone: user.timezone,
    locale: user.locale,
    avatarUrl: user.avatarUrl,
    externalIds: user.externalIds,
    metadata: user.metadata as Prisma.InputJsonObject,
    lastLoginAt: user.lastLoginAt,
    lastActiveAt: user.lastActiveAt,
    createdAt: user.createdAt,
    deletedAt: user.deletedAt,
  } satisfies Prisma.UserUncheckedCreateInput;
}

/** Email and username are unique within the organization: say which one is taken, by field. */
export function userConflict(error: unknown, user: Pick<User, 'email' | 'username'>): unknown {
  if (isUniqueViolation(error, 'email')) {
    return conflict(`A user with the email ${user.email} already exists in the organization`, {
      issues: [{ path: 'email', message: 'is taken', code: 'taken' }],
    });
  }
  if (isUniqueViolation(error, 'username')) {
    return conflict(`The username "${user.username}" is taken in the organization`, {
      issues: [{ path: 'username', message: 'is taken', code: 'taken' }],
    });
  }
  return error;
}

function whereOf(organizationId: string, filter: UserFilter): Prisma.UserWhereInput {
  const search = filter.search?.trim();
  return {
    organizationId,
    ...(filter.includeDeleted ? {} : { deletedAt: null }),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.type ? { type: filter.type } : {}),
    ...(search
      ? {
          OR: [
            { email: { startsWith: search.toLowerCase() } },
            { username: { startsWith: search.toLowerCase() } },
            { givenName: { startsWith: search, mode: 'insensitive' } },
            { familyName: { startsWith: search, mode: 'insensitive' } },
            { displayName: { startsWith: search, mode: 'insensitive' } },
          ],
        }
      : {}),
  };
}

/**
 * Users over Prisma, read and written in the organization's tenant transaction (row-level security
 * backs up the explicit organization filter).
 */
export function userRepository(db: TenantDatabase<Transaction>): UserRepository {
  return {
    async byIds(organizationId, ids) {
      const rows = await db.read(organizationId, (tx) =>
        tx.user.findMany({ where: { organizationId, id: { in: uuidsOnly(ids) } }, include: USER_INCLUDE }),
      );
      return orderByKeys(ids, rows.map(toUser), (user) => user.id);
    },

    async byEmail(organizationId, email) {
      const row = await db.read(organizationId, (tx) =>
        tx.user.findUnique({
          where: { organizationId_email: { organizationId, email } },
          include: USER_INCLUDE,
        }),
      );
      return row ? toUser(row) : null;
    },

    async page(organizationId, filter, page) {
      return db.read(organizationId, async (tx) => {
        const where = whereOf(organizationId, filter);
        const [rows, totalCount] = await Promise.all([
          tx.user.findMany({
            where: { AND: [where, afterCursorWhere(page)] },
            orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
            take: page.first + 1,
            include: USER_INCLUDE,
          }),
          tx.user.count({ where }),
        ]);
        return pageOf(rows.map(toUser), page, totalCount);
      });
    },

    async save(user, events) {
      try {
        const row = await db.write(user.organizationId, events, (tx) =>
          tx.user.update({ where: { id: user.id }, data: userColumns(user), include: USER_INCLUDE }),
        );
        return toUser(row);
      } catch (error) {
        throw userConflict(error, user);
      }
    },

    async touchActive(organizationId, userId, at, everyMs) {
      await db.write(organizationId, [], (tx) =>
        tx.user.updateMany({
          where: {
            id: userId,
            OR: [{ lastActiveAt: null }, { lastActiveAt: { lt: new Date(at.getTime() - everyMs) } }],
          },
          data: { lastActiveAt: at },
        }),
      );
    },
  };
}
