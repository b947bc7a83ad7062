import { DataLoader, defineModule } from '@platform/service-kit';
import type { IdentityDependencies } from '../../service';
import type { Organization as OrganizationModel } from './domain/organization';
import { organizationRepository } from './infra/organization-repository';
import { Organization } from './resolvers/Organization';

export interface OrganizationModuleContext {
  /** Organizations the caller may see by id: its own (one query per batch; null for the rest). */
  organizationById: DataLoader<string, OrganizationModel | null>;
}

export const organizationModule = defineModule<IdentityDependencies, OrganizationModuleContext>({
  resolvers: { Organization },
  context: ({ tenants }) => {
    const repository = organizationRepository(tenants);
    return ({ auth }) => ({
      organizationById: new DataLoader((ids: readonly string[]) =>
        auth.organizationId
          ? repository.byIds(auth.organizationId, ids)
          : Promise.resolve(ids.map(() => null)),
      ),
    });
  },
});
