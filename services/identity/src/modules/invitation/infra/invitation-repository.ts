import { orderByKeys, uuidsOnly, type TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { Database } from '../../../service';
import { asAuthLookup, startSession } from '../../authentication/infra/authentication-repository';
import { toOrganization } from '../../organization/infra/organization-repository';
import { assignRoles } from '../../role/infra/role-repository';
import { toUser, USER_INCLUDE, userColumns, userConflict } from '../../user/infra/user-repository';
import type { Invitation } from '../domain/invitation';
import type { InvitationRepository } from '../domain/invitation-repository';

type Transaction = Prisma.TransactionClient;

/** Thrown inside an acceptance's transaction when another one used the token first (rolls it back). */
class InvitationUsed extends Error {}
type InvitationRow = Prisma.InvitationGetPayload<object>;

function toInvitation(row: InvitationRow): Invitation {
  return {
    id: row.id,
    organizationId: row.organizationId,
    userId: row.userId,
    email: row.email,
    invitedById: row.invitedById,
    expiresAt: row.expiresAt,
    sentCount: row.sentCount,
    lastSentAt: row.lastSentAt,
    acceptedAt: row.acceptedAt,
    revokedAt: row.revokedAt,
    createdAt: row.createdAt,
  };
}

function invitationColumns(invitation: Invitation, tokenHash: string) {
  return { ...invitation, tokenHash } satisfies Prisma.InvitationUncheckedCreateInput;
}

/**
 * Members and their invitations over Prisma: every write in the organization's tenant transaction with
 * its events; only finding an invitation by its token reads across organizations (`auth_lookup`).
 */
export function invitationRepository(
  database: Database,
  db: TenantDatabase<Transaction>,
): InvitationRepository {
  const reread = async (tx: Transaction, id: string) =>
    toUser(await tx.user.findUniqueOrThrow({ where: { id }, include: USER_INCLUDE }));

  return {
    async createMember({ user, roles, assignedById }, invitation, events) {
      try {
        return await db.write(user.organizationId, events, async (tx) => {
          await tx.user.create({ data: userColumns(user) });
          await assignRoles(tx, user, roles, assignedById);
          if (invitation) {
            await tx.invitation.create({
              data: invitationColumns(invitation.invitation, invitation.tokenHash),
            });
          }
          return reread(tx, user.id);
        });
      } catch (error) {
        throw userConflict(error, user);
      }
    },

    async reviveMember({ user, roles, assignedById }, invitation, events) {
      try {
        return await db.write(user.organizationId, events, async (tx) => {
          await tx.user.update({
            where: { id: user.id },
            data: { ...userColumns(user), passwordHash: null },
          });
          await tx.userRole.deleteMany({ where: { userId: user.id } });
          await tx.userPermission.deleteMany({ where: { userId: user.id } });
          await assignRoles(tx, user, roles, assignedById);
          await tx.invitation.create({
            data: invitationColumns(invitation.invitation, invitation.tokenHash),
          });
          return reread(tx, user.id);
        });
      } catch (error) {
        throw userConflict(error, user);
      }
    },

    async latestFor(organizationId, userId) {
      const row = await db.read(organizationId, (tx) =>
        tx.invitation.findFirst({ where: { organizationId, userId }, orderBy: { createdAt: 'desc' } }),
      );
      return row ? toInvitation(row) : null;
    },

    async latestForUsers(organizationId, userIds) {
      const rows = await db.read(organizationId, (tx) =>
        tx.invitation.findMany({
          where: { organizationId, userId: { in: uuidsOnly(userIds) } },
          orderBy: { createdAt: 'desc' },
          distinct: ['userId'],
        }),
      );
      return orderByKeys(userIds, rows.map(toInvitation), (invitation) => invitation.userId);
    },

    async resend(invitation, tokenHash, events) {
      const row = await db.write(invitation.organizationId, events, (tx) =>
        tx.invitation.update({
          where: { id: invitation.id },
          data: {
            tokenHash,
            expiresAt: invitation.expiresAt,
            sentCount: invitation.sentCount,
            lastSentAt: invitation.lastSentAt,
          },
        }),
      );
      return toInvitation(row);
    },

    async revoke(invitation, user, events) {
      await db.write(invitation.organizationId, events, async (tx) => {
        await tx.invitation.update({
          where: { id: invitation.id },
          data: { revokedAt: invitation.revokedAt },
        });
        await tx.user.update({ where: { id: user.id }, data: userColumns(user) });
      });
    },

    async byTokenHash(tokenHash) {
      const row = await asAuthLookup(database, (tx) =>
        tx.invitation.findUnique({
          where: { tokenHash },
          include: { user: { include: { ...USER_INCLUDE, organization: true } } },
        }),
      );
      if (!row) return null;
      return {
        invitation: toInvitation(row),
        user: toUser(row.user),
        organization: toOrganization(row.user.organization),
      };
    },

    async accept(invitation, user, passwordHash, refreshToken, client, events) {
      try {
        await db.write(user.organizationId, events, async (tx) => {
          // Conditional: of two acceptances of one token, only one finds it open; the other rolls back.
          const used = await tx.invitation.updateMany({
            where: { id: invitation.id, acceptedAt: null, revokedAt: null },
            data: { acceptedAt: invitation.acceptedAt },
          });
          if (used.count !== 1) throw new InvitationUsed();
          await tx.user.update({ where: { id: user.id }, data: { ...userColumns(user), passwordHash } });
          await startSession(tx, user, refreshToken, client);
        });
        return true;
      } catch (error) {
        if (error instanceof InvitationUsed) return false;
        throw userConflict(error, user);
      }
    },
  };
}
