import type { Prisma } from '../../../generated/prisma/client';
import type { OrganizationMember } from '../domain/notification';

type Transaction = Prisma.TransactionClient;

/**
 * automation's copy of identity's users, in the consumer's tenant transaction. Each change applies only
 * over an older one (a user's events share a partition, so this only guards against replays).
 */
export function memberProjection(tx: Transaction) {
  const newer = (id: string, at: Date) => ({ id, updatedAt: { lte: at } });
  return {
    async created(member: OrganizationMember & { organizationId: string; at: Date }): Promise<void> {
      const { at, ...fields } = member;
      // The first event of a user; a replay of it finds the row and changes nothing.
      await tx.organizationMember.createMany({
        data: [{ ...fields, roles: [...fields.roles], updatedAt: at }],
        skipDuplicates: true,
      });
    },
    async profileChanged(id: string, profile: { email: string; type: string }, at: Date): Promise<void> {
      await tx.organizationMember.updateMany({ where: newer(id, at), data: { ...profile, updatedAt: at } });
    },
    async statusChanged(id: string, state: { status: string; deleted: boolean }, at: Date): Promise<void> {
      await tx.organizationMember.updateMany({ where: newer(id, at), data: { ...state, updatedAt: at } });
    },
    async accessChanged(id: string, roles: readonly string[], at: Date): Promise<void> {
      await tx.organizationMember.updateMany({
        where: newer(id, at),
        data: { roles: [...roles], updatedAt: at },
      });
    },
    /** Every member of the organization. */
    ofOrganization: (organizationId: string): Promise<OrganizationMember[]> =>
      tx.organizationMember.findMany({ where: { organizationId }, orderBy: { id: 'asc' } }),
  };
}
