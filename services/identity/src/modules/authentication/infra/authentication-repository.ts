import { randomUUID } from 'node:crypto';
import { uuidsOnly, withFlag, type TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { Database } from '../../../service';
import {
  organizationColumns,
  organizationConflict,
  toOrganization,
} from '../../organization/infra/organization-repository';
import type { User } from '../../user/domain/user';
import { assignRoles } from '../../role/infra/role-repository';
import { toUser, USER_INCLUDE, userColumns } from '../../user/infra/user-repository';
import type {
  AuthenticationRepository,
  ClientInfo,
  LoginCandidate,
  OneTimePurpose,
  OneTimeToken,
  SessionRecord,
} from '../domain/authentication-repository';
import type { NewRefreshToken } from '../domain/credentials';

type Transaction = Prisma.TransactionClient;
const CANDIDATE_INCLUDE = { ...USER_INCLUDE, organization: true } as const satisfies Prisma.UserInclude;
type CandidateRow = Prisma.UserGetPayload<{ include: typeof CANDIDATE_INCLUDE }>;

function candidate(row: CandidateRow): LoginCandidate {
  return {
    user: toUser(row),
    passwordHash: row.passwordHash,
    mfaSecret: row.mfaSecret,
    mfaEnabledAt: row.mfaEnabledAt,
    organization: toOrganization(row.organization),
  };
}

/**
 * Runs `work` in a transaction allowed to READ users, organizations, refresh tokens, invitations, API
 * keys and single-use tokens of any organization — only what signing in needs before the organization is
 * known (policies `auth_lookup` in the migrations). Writes stay tenant-scoped.
 */
export function asAuthLookup<T>(db: Database, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return withFlag(db, 'auth_lookup', work);
}

/** Stores a new session (refresh-token family) and its first refresh token inside the caller's transaction. */
export async function startSession(
  tx: Transaction,
  user: User,
  token: NewRefreshToken,
  client: ClientInfo,
): Promise<void> {
  await tx.session.create({
    data: {
      id: token.familyId,
      organizationId: user.organizationId,
      userId: user.id,
      ipAddress: client.address?.slice(0, 64) ?? null,
      userAgent: client.userAgent?.slice(0, 512) ?? null,
      expiresAt: token.expiresAt,
    },
  });
  await storeRefreshToken(tx, user, token);
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

const toSession = (row: Prisma.SessionGetPayload<object>): SessionRecord => ({
  id: row.id,
  organizationId: row.organizationId,
  userId: row.userId,
  ipAddress: row.ipAddress,
  userAgent: row.userAgent,
  createdAt: row.createdAt,
  lastSeenAt: row.lastSeenAt,
  expiresAt: row.expiresAt,
  revokedAt: row.revokedAt,
});

const toOneTimeToken = (row: Prisma.OneTimeTokenGetPayload<object>): OneTimeToken => ({
  id: row.id,
  organizationId: row.organizationId,
  userId: row.userId,
  purpose: row.purpose as OneTimePurpose,
  expiresAt: row.expiresAt,
  usedAt: row.usedAt,
  attempts: row.attempts,
  createdAt: row.createdAt,
});

/** Ends sessions inside the caller's transaction; answers the ids that were still open. */
async function endSessions(
  tx: Transaction,
  organizationId: string,
  userId: string,
  which: { only: readonly string[] } | { allExcept: string | null },
  at: Date,
): Promise<string[]> {
  const scope: Prisma.SessionWhereInput =
    'only' in which
      ? { id: { in: [...which.only] } }
      : which.allExcept
        ? { id: { not: which.allExcept } }
        : {};
  const open = await tx.session.findMany({
    where: { organizationId, userId, revokedAt: null, ...scope },
    select: { id: true },
  });
  const ids = open.map((row) => row.id);
  if (ids.length === 0) return [];
  await tx.session.updateMany({ where: { id: { in: ids } }, data: { revokedAt: at } });
  await tx.refreshToken.updateMany({
    where: { familyId: { in: ids }, revokedAt: null },
    data: { revokedAt: at },
  });
  return ids;
}

/** Thrown inside a transaction to roll it back when a single-use token was used meanwhile. */
class AlreadyUsed extends Error {}

/**
 * Signing up and in, sessions and second factors over Prisma. Writes run in the organization's tenant
 * transaction (with their events, when they have any); only the lookups before the organization is
 * known read across organizations, and only read.
 */
export function authenticationRepository(
  database: Database,
  tenants: TenantDatabase<Transaction>,
): AuthenticationRepository {
  return {
    async createOrganizationWithFounder(
      { organization, founder, passwordHash, refreshToken, client },
      events,
    ) {
      try {
        return await tenants.write(organization.id, events, async (tx) => {
          const storedOrganization = toOrganization(
            await tx.organization.create({ data: organizationColumns(organization) }),
          );
          await tx.user.create({ data: { ...userColumns(founder), passwordHash } });
          await assignRoles(tx, founder, founder.roles, null);
          const user = toUser(
            await tx.user.findUniqueOrThrow({ where: { id: founder.id }, include: USER_INCLUDE }),
          );
          await startSession(tx, user, refreshToken, client);
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

    async recordLogin(user, refreshToken, client, at) {
      await tenants.write(user.organizationId, [], async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: at } });
        await startSession(tx, user, refreshToken, client);
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
        const session = await tx.session.updateMany({
          where: { id: current.familyId, revokedAt: null },
          data: { lastSeenAt: at, expiresAt: next.expiresAt },
        });
        if (session.count !== 1) return false;
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

    async revokeSessions(organizationId, userId, which, at, events) {
      // The events name the sessions that actually ended, known only inside the transaction.
      return tenants.writeDecided(organizationId, async (tx) => {
        const ids = await endSessions(tx, organizationId, userId, which, at);
        return { value: ids, events: events(ids) };
      });
    },

    findUserForToken(organizationId, userId) {
      return tenants.read(organizationId, async (tx) => {
        const row = await tx.user.findUnique({ where: { id: userId }, include: CANDIDATE_INCLUDE });
        return row && row.organizationId === organizationId ? candidate(row) : null;
      });
    },

    async sessionsOf(organizationId, userId, now) {
      const rows = await tenants.read(organizationId, (tx) =>
        tx.session.findMany({
          where: { organizationId, userId, revokedAt: null, expiresAt: { gt: now } },
          orderBy: { createdAt: 'desc' },
        }),
      );
      return rows.map(toSession);
    },

    async sessionById(organizationId, sessionId) {
      if (uuidsOnly([sessionId]).length === 0) return null;
      const row = await tenants.read(organizationId, (tx) =>
        tx.session.findUnique({ where: { id: sessionId } }),
      );
      return row && row.organizationId === organizationId ? toSession(row) : null;
    },

    async touchSession(organizationId, sessionId, at, everyMs) {
      await tenants.write(organizationId, [], (tx) =>
        tx.session.updateMany({
          where: { id: sessionId, lastSeenAt: { lt: new Date(at.getTime() - everyMs) } },
          data: { lastSeenAt: at },
        }),
      );
    },

    async throttleStates(keys) {
      const rows = await withFlag(database, 'throttle', (tx) =>
        tx.signInThrottle.findMany({ where: { key: { in: [...keys] } } }),
      );
      return keys.map((key) => rows.find((row) => row.key === key) ?? null);
    },

    async saveThrottleStates(states) {
      await withFlag(database, 'throttle', async (tx) => {
        for (const state of states) {
          const data = {
            failures: state.failures,
            lastFailureAt: state.lastFailureAt,
            blockedUntil: state.blockedUntil,
          };
          await tx.signInThrottle.upsert({
            where: { key: state.key },
            create: { key: state.key, ...data },
            update: data,
          });
        }
      });
    },

    async clearThrottle(key) {
      await withFlag(database, 'throttle', (tx) => tx.signInThrottle.deleteMany({ where: { key } }));
    },

    async createOneTimeToken(token, tokenHash, events) {
      await tenants.write(token.organizationId, events, (tx) =>
        tx.oneTimeToken.create({ data: { ...token, tokenHash } }),
      );
    },

    async findOneTimeToken(tokenHash, purpose) {
      const row = await asAuthLookup(database, (tx) => tx.oneTimeToken.findUnique({ where: { tokenHash } }));
      if (!row || row.purpose !== purpose) return null;
      const user = await tenants.read(row.organizationId, (tx) =>
        tx.user.findUnique({ where: { id: row.userId }, include: CANDIDATE_INCLUDE }),
      );
      return user ? { token: toOneTimeToken(row), candidate: candidate(user) } : null;
    },

    async countAttempt(token) {
      await tenants.write(token.organizationId, [], (tx) =>
        tx.oneTimeToken.update({ where: { id: token.id }, data: { attempts: { increment: 1 } } }),
      );
    },

    async useOneTimeToken(token, at) {
      const used = await tenants.write(token.organizationId, [], (tx) =>
        tx.oneTimeToken.updateMany({ where: { id: token.id, usedAt: null }, data: { usedAt: at } }),
      );
      return used.count === 1;
    },

    async latestOneTimeToken(organizationId, userId, purpose) {
      const row = await tenants.read(organizationId, (tx) =>
        tx.oneTimeToken.findFirst({
          where: { organizationId, userId, purpose },
          orderBy: { createdAt: 'desc' },
        }),
      );
      return row ? toOneTimeToken(row) : null;
    },

    async useRecoveryCode(organizationId, userId, codeHash, at) {
      const used = await tenants.write(organizationId, [], (tx) =>
        tx.recoveryCode.updateMany({ where: { userId, codeHash, usedAt: null }, data: { usedAt: at } }),
      );
      return used.count === 1;
    },

    async saveMfaSecret(user, sealedSecret) {
      await tenants.write(user.organizationId, [], (tx) =>
        tx.user.update({ where: { id: user.id }, data: { mfaSecret: sealedSecret, mfaEnabledAt: null } }),
      );
    },

    async enableMfa(user, recoveryCodeHashes, at, events) {
      await tenants.write(user.organizationId, events, async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { mfaEnabledAt: at } });
        await tx.recoveryCode.deleteMany({ where: { userId: user.id } });
        await tx.recoveryCode.createMany({
          data: recoveryCodeHashes.map((codeHash) => ({
            id: randomUUID(),
            organizationId: user.organizationId,
            userId: user.id,
            codeHash,
          })),
        });
      });
    },

    async disableMfa(user, events) {
      await tenants.write(user.organizationId, events, async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { mfaSecret: null, mfaEnabledAt: null } });
        await tx.recoveryCode.deleteMany({ where: { userId: user.id } });
      });
    },

    async setPassword(user, passwordHash, options, events) {
      try {
        await tenants.writeDecided(user.organizationId, async (tx) => {
          if (options.usedToken) {
            const used = await tx.oneTimeToken.updateMany({
              where: { id: options.usedToken.id, usedAt: null },
              data: { usedAt: options.at },
            });
            if (used.count !== 1) throw new AlreadyUsed();
          }
          await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
          const ended = await endSessions(
            tx,
            user.organizationId,
            user.id,
            { allExcept: options.revokeAllExcept },
            options.at,
          );
          return { value: undefined, events: events(ended) };
        });
        return true;
      } catch (error) {
        if (error instanceof AlreadyUsed) return false;
        throw error;
      }
    },
  };
}
