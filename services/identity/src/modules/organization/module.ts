import { DataLoader, defineModule, orderByKeys } from '@platform/service-kit';
import type { IdentityDependencies } from '../../service';
import type { Page } from '@platform/domain';
import type { ConfigurationEntry as ConfigurationEntryModel } from './domain/configuration';
import type { Organization as OrganizationModel } from './domain/organization';
import { organizationOperations, type OrganizationOperations } from './domain/organization-operations';
import { organizationRepository } from './infra/organization-repository';
import { cancelClientOrganization } from './resolvers/Mutation/cancelClientOrganization';
import { cancelOrganization } from './resolvers/Mutation/cancelOrganization';
import { createClientOrganization } from './resolvers/Mutation/createClientOrganization';
import { reactivateClientOrganization } from './resolvers/Mutation/reactivateClientOrganization';
import { reactivateOrganization } from './resolvers/Mutation/reactivateOrganization';
import { removeConfiguration } from './resolvers/Mutation/removeConfiguration';
import { setConfiguration } from './resolvers/Mutation/setConfiguration';
import { suspendClientOrganization } from './resolvers/Mutation/suspendClientOrganization';
import { suspendOrganization } from './resolvers/Mutation/suspendOrganization';
import { updateOrganization } from './resolvers/Mutation/updateOrganization';
import { ConfigurationEntry } from './resolvers/ConfigurationEntry';
import { Organization } from './resolvers/Organization';

export interface OrganizationModuleContext {
  organizations: OrganizationOperations;
  /** The caller's configuration entries, read once per request however many times it is selected. */
  configurationOf: DataLoader<string, ConfigurationEntryModel[]>;
  /** Pages of the caller's client organizations by `first`/`after`, read once per request and page. */
  clientsPage: DataLoader<string, Page<OrganizationModel>>;
  /**
   * Organizations the caller may see by id: its own, and the agency it acts from when switched into a
   * client (one query per organization read, per batch; null for the rest).
   */
  organizationById: DataLoader<string, OrganizationModel | null>;
}

export const organizationModule = defineModule<IdentityDependencies, OrganizationModuleContext>({
  resolvers: {
    Organization,
    ConfigurationEntry,
    Mutation: {
      updateOrganization,
      setConfiguration,
      removeConfiguration,
      suspendOrganization,
      reactivateOrganization,
      cancelOrganization,
      createClientOrganization,
      suspendClientOrganization,
      reactivateClientOrganization,
      cancelClientOrganization,
    },
  },
  context: ({ tenants }) => {
    const repository = organizationRepository(tenants);
    const organizations = organizationOperations(repository);
    return ({ auth }) => ({
      organizations,
      configurationOf: new DataLoader((ids: readonly string[]) =>
        Promise.all(
          ids.map((id) =>
            id === auth.organizationId ? organizations.configuration(auth) : Promise.resolve([]),
          ),
        ),
      ),
      clientsPage: new DataLoader((keys: readonly string[]) =>
        Promise.all(
          keys.map((key) => {
            const { first, after } = JSON.parse(key) as { first: number | null; after: string | null };
            return organizations.clients(auth, first, after);
          }),
        ),
      ),
      organizationById: new DataLoader(async (ids: readonly string[]) => {
        const visible = [auth.organizationId, auth.actingFromOrganizationId].flatMap((id) =>
          id ? [id] : [],
        );
        const found = await Promise.all(visible.map((id) => repository.byIds(id, ids)));
        const rows = found.flat().filter((organization) => organization !== null);
        return orderByKeys(ids, rows, (organization) => organization.id);
      }),
    });
  },
});
