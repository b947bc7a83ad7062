import { uuidsOnly, type TenantDatabase } from '@platform/service-kit';
import { Prisma } from '../../../generated/prisma/client';
import type { Preference } from '../domain/preference';
import type { PreferenceRepository } from '../domain/preference-repository';

type Transaction = Prisma.TransactionClient;
type PreferenceRow = Prisma.UserPreferenceGetPayload<object>;

const toPreference = (row: PreferenceRow): Preference => ({
  userId: row.userId,
  organizationId: row.organizationId,
  category: row.category,
  key: row.key,
  value: row.value,
  updatedAt: row.updatedAt,
});

/** Preferences over Prisma, in the organization's tenant transaction. */
export function preferenceRepository(db: TenantDatabase<Transaction>): PreferenceRepository {
  return {
    async ofUsers(organizationId, userIds) {
      const rows = await db.read(organizationId, (tx) =>
        tx.userPreference.findMany({
          where: { organizationId, userId: { in: uuidsOnly(userIds) } },
          orderBy: [{ category: 'asc' }, { key: 'asc' }],
        }),
      );
      return userIds.map((userId) => rows.filter((row) => row.userId === userId).map(toPreference));
    },

    async save(preference) {
      const value = preference.value === null ? Prisma.JsonNull : (preference.value as Prisma.InputJsonValue);
      const row = await db.write(preference.organizationId, [], (tx) =>
        tx.userPreference.upsert({
          where: { userId_key: { userId: preference.userId, key: preference.key } },
          create: { ...preference, value },
          update: { category: preference.category, value },
        }),
      );
      return toPreference(row);
    },

    async remove(organizationId, userId, key) {
      const removed = await db.write(organizationId, [], (tx) =>
        tx.userPreference.deleteMany({ where: { userId, key } }),
      );
      return removed.count > 0;
    },
  };
}
