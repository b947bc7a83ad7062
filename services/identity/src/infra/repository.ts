import { appendToOutbox, createEvent } from '@platform/events';
import { DomainError, withTenant } from '@platform/service-kit';
import type { Organization } from '../domain/organization';
import type {
  IdentityRepository,
  LoginCandidate,
  NewRefreshToken,
  StoredRefreshToken,
} from '../domain/ports';
import type { User } from '../domain/user';
import { Prisma } from '../generated/prisma/client';
import type { Database, Transaction } from './database';
import { asAuthLookup } from './database';

const EVENT_SOURCE = '/services/identity';

type UserRow = Prisma.UserGetPayload<object>;
type OrganizationRow = Prisma.OrganizationGetPayload<object>;

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

export function toOrganization(row: OrganizationRow): Organization {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    vertical: row.vertical,
    status: row.status,
    parentOrganizationId: row.parentOrganizationId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function candidate(row: UserRow & { organization: OrganizationRow }): LoginCandidate {
  return {
    user: toUser(row),
    passwordHash: row.passwordHash,
    organization: toOrganization(row.organization),
  };
}

async function storeRefreshToken(tx: Transaction, user: User, token: NewRefreshToken): Promise<void> {
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

function isUniqueViolation(error: unknown, field: string): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return false;
  return JSON.stringify(error.meta ?? {}).includes(field);
}

/** The identity repository over Prisma: tenant-scoped transactions, outbox rows with every change. */
export function createIdentityRepository(db: Database): IdentityRepository {
  return {
    async createOrganizationWithFounder(newOrganization, founder, refreshToken) {
      try {
        return await withTenant(db, newOrganization.id, async (tx) => {
          const organization = toOrganization(await tx.organization.create({ data: newOrganization }));
          const user = toUser(
            await tx.user.create({
              data: { ...founder, type: 'human', status: 'active', lastLoginAt: new Date() },
            }),
          );
          await storeRefreshToken(tx, user, refreshToken);
          await appendToOutbox(tx, [
            createEvent('identity.organization.created.v1', {
              source: EVENT_SOURCE,
              subject: organization.id,
              tenantId: organization.id,
              data: {
                organizationId: organization.id,
                name: organization.name,
                slug: organization.slug,
                vertical: organization.vertical,
                status: organization.status,
                parentOrganizationId: organization.parentOrganizationId,
                createdAt: organization.createdAt.toISOString(),
              },
            }),
            createEvent('identity.user.created.v1', {
              source: EVENT_SOURCE,
              subject: user.id,
              tenantId: organization.id,
              data: {
                userId: user.id,
                organizationId: organization.id,
                email: user.email,
                type: user.type,
                status: user.status,
                roles: user.roles,
                givenName: user.givenName,
                familyName: user.familyName,
                createdAt: user.createdAt.toISOString(),
              },
            }),
          ]);
          return { organization, user };
        });
      } catch (error) {
        if (isUniqueViolation(error, 'slug')) {
          throw new DomainError('CONFLICT', `The organization slug "${newOrganization.slug}" is taken`, {
            issues: [{ path: 'organizationSlug', message: 'is taken', code: 'taken' }],
          });
        }
        throw error;
      }
    },

    findLoginCandidates(email, organizationSlug) {
      return asAuthLookup(db, async (tx) => {
        const rows = await tx.user.findMany({
          where: { email, ...(organizationSlug ? { organization: { slug: organizationSlug } } : {}) },
          include: { organization: true },
          take: 10,
        });
        return rows.map(candidate);
      });
    },

    async recordLogin(user, refreshToken, at) {
      await withTenant(db, user.organizationId, async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: at } });
        await storeRefreshToken(tx, user, refreshToken);
      });
    },

    findRefreshToken(tokenHash): Promise<StoredRefreshToken | null> {
      return asAuthLookup(db, (tx) =>
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
      return withTenant(db, current.organizationId, async (tx) => {
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
      await withTenant(db, organizationId, (tx) =>
        tx.refreshToken.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: at } }),
      );
    },

    findUserForToken(organizationId, userId) {
      return withTenant(db, organizationId, async (tx) => {
        const row = await tx.user.findUnique({ where: { id: userId }, include: { organization: true } });
        return row ? candidate(row) : null;
      });
    },
  };
}
