import type { TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { Database } from '../../../service';
import {
  organizationColumns,
  organizationConflict,
  toOrganization,
} from '../../organization/infra/organization-repository';
import type { User } from '../../user/domain/user';
import { toUser, USER_INCLUDE, userColumns } from '../../user/infra/user-repository';
import { assignRoles } from '../../role/infra/role-repository';
import type { AuthenticationRepository, LoginCandidate } from '../domain/authentication-repository';
import type { NewRefreshToken } from '../domain/credentials';

type Transaction = Prisma.TransactionClient;
const CANDIDATE_INCLUDE = { ...USER_INCLUDE, organization: true } as const satisfies Prisma.UserInclude;
type CandidateRow = Prisma.UserGetPayload<{ include: typeof CANDIDATE_INCLUDE }>;

function candidate(row: CandidateRow): LoginCandidate {
  return {
    user: toUser(row),
    passwordHash: row.passwordHash,
    organization: toOrganization(row.organization),
  };
}

/**
 * Runs `work` in a transaction allowed to READ users, organizations and refresh tokens of any
 * organization — only what signing in needs before the organization is known (policies
 * `auth_lookup` in the migrations). Writes stay tenant-scoped.
 */
export function asAuthLookup<T>(db: Database, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`select set_config('app.auth_lookup', 'on', true)`;
    return work(tx);
  });
}

/** Stores a session's refresh token (its hash) inside the caller's transaction. */
export async function storeRefreshToken(tx: Transaction, user: User, token: NewRefreshToken): Promise<void> {
  await tx.refreshToken.create({
    data: {
      id: token.id,
      organizationId: user.organizationId,
      userId: user.id,
      familyId: token.familyId,
      tokenHash: token.tokenHash,
      expiresAt: token.expiresAt,
    },
  });
}

/**
 * Signing up and in over Prisma. Writes run in the organization's tenant transaction (with their
 * events, when they have any); only the lookups before the organization is known read across
 * organizations, and only read.
 */
export function authenticationRepository(
  database: Database,
  tenants: TenantDatabase<Transaction>,
): AuthenticationRepository {
  return {
    async createOrganizationWithFounder({ organization, founder, passwordHash, refreshToken }, events) {
      try {
        return await tenants.write(organization.id, events, async (tx) => {
          const storedOrganization = toOrganization(
            await tx.organization.create({ data: organizationColumns(organization) }),
          );
          await tx.user.create({ data: { ...userColumns(founder), passwordHash } });
          const { roles } = founder;
          await assignRoles(tx, founder, roles, null);
          const user = toUser(
            await tx.user.findUniqueOrThrow({ where: { id: founder.id }, include: USER_INCLUDE }),
          );
          await storeRefreshToken(tx, user, refreshToken);
          return { organization: storedOrganization, user };
        });
      } catch (error) {
        throw organizationConflict(error, organization, 'organizationSlug');
      }
    },

    findLoginCandidates(email, organizationSlug) {
      return asAuthLookup(database, async (tx) => {
        const rows = await tx.user.findMany({
          where: {
            email,
            deletedAt: null,
            ...(organizationSlug ? { organization: { slug: organizationSlug } } : {}),
          },
          include: CANDIDATE_INCLUDE,
          take: 10,
        });
        return rows.map(candidate);
      });
    },

    async recordLogin(user, refreshToken, at) {
      await tenants.write(user.organizationId, [], async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: at } });
        await storeRefreshToken(tx, user, refreshToken);
      });
    },

    findRefreshToken(tokenHash) {
      return asAuthLookup(database, (tx) =>
        tx.refreshToken.findUnique({
          where: { tokenHash },
          select: {
            id: true,
            familyId: true,
            organizationId: true,
            userId: true,
            expiresAt: true,
            revokedAt: true,
          },
        }),
      );
    },

    rotateRefreshToken(current, next, at) {
      return tenants.write(current.organizationId, [], async (tx) => {
        // Conditional update: of two concurrent refreshes with the same token only one revokes it.
        const revoked = await tx.refreshToken.updateMany({
          where: { id: current.id, revokedAt: null },
          data: { revokedAt: at, replacedById: next.id },
        });
        if (revoked.count !== 1) return false;
        await tx.refreshToken.create({
          data: {
            id: next.id,
            organizationId: current.organizationId,
            userId: current.userId,
            familyId: current.familyId,
            tokenHash: next.tokenHash,
            expiresAt: next.expiresAt,
          },
        });
        return true;
      });
    },

    async revokeRefreshTokenFamily(organizationId, familyId, at) {
      await tenants.write(organizationId, [], (tx) =>
        tx.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: at } }),
      );
    },

    findUserForToken(organizationId, userId) {
      return tenants.read(organizationId, async (tx) => {
        const row = await tx.user.findUnique({ where: { id: userId }, include: CANDIDATE_INCLUDE });
        return row ? candidate(row) : null;
      });
    },
  };
}
