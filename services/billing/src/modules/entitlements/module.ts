import { DataLoader, defineModule } from '@platform/service-kit';
import type { BillingDependencies } from '../../service';
import type { OrganizationEntitlements } from './domain/entitlements';
import { entitlementsOperations } from './domain/entitlements-operations';
import { entitlementsRepository } from './infra/entitlements-repository';
import { Entitlements } from './resolvers/Entitlements';
import { Organization } from './resolvers/Organization';

export interface EntitlementsModuleContext {
  /**
   * Entitlements by organization id: the caller's own organization's (one query per batch); every
   * other organization's read as null.
   */
  entitlementsByOrganizationId: DataLoader<string, OrganizationEntitlements | null>;
}

export const entitlementsModule = defineModule<BillingDependencies, EntitlementsModuleContext>({
  resolvers: { Organization, Entitlements },
  context: ({ tenants }) => {
    const operations = entitlementsOperations(entitlementsRepository(tenants));
    return ({ auth }) => ({
      entitlementsByOrganizationId: new DataLoader((organizationIds: readonly string[]) =>
        operations.currentOf(auth, organizationIds),
      ),
    });
  },
});
