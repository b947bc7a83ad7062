import { orderByKeys, uuidsOnly, withTenant } from '@platform/service-kit';
import type { Organization } from '../domain/organization';
import type { User } from '../domain/user';
import type { Database } from './database';
import { toOrganization, toUser } from './repository';

/**
 * Batched reads for the graph, always inside the caller's organization: rows of other
 * organizations come back as null (the policy hides them even if a query forgot to filter).
 */
export function createIdentityReaders(db: Database) {
  return {
    async usersByIds(organizationId: string | null, ids: readonly string[]): Promise<(User | null)[]> {
      if (!organizationId) return ids.map(() => null);
      const rows = await withTenant(db, organizationId, (tx) =>
        tx.user.findMany({ where: { organizationId, id: { in: uuidsOnly(ids) } } }),
      );
      return orderByKeys(ids, rows.map(toUser), (user) => user.id);
    },
    async organizationsByIds(
      organizationId: string | null,
      ids: readonly string[],
    ): Promise<(Organization | null)[]> {
      if (!organizationId) return ids.map(() => null);
      const rows = await withTenant(db, organizationId, (tx) =>
        tx.organization.findMany({ where: { id: { in: uuidsOnly(ids) } } }),
      );
      return orderByKeys(ids, rows.map(toOrganization), (organization) => organization.id);
    },
  };
}

export type IdentityReaders = ReturnType<typeof createIdentityReaders>;
