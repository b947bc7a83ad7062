import { toConnection } from '@platform/service-kit';
import type { OrganizationResolvers } from '../../../generated/graphql';

export const Organization: OrganizationResolvers = {
  /** Batched; another organization (or an unknown id) resolves to null. */
  __resolveReference: (reference, { organizationById }) => organizationById.load(reference.id),
  /** Only the agency itself sees its clients' parent link (a client's users read null). */
  parentOrganization: (organization, _args, { organizationById }) =>
    organization.parentOrganizationId ? organizationById.load(organization.parentOrganizationId) : null,
  /** The caller's own organization's entries; none of another's. */
  configuration: (organization, _args, { configurationOf }) => configurationOf.load(organization.id),
  clientOrganizations: async (organization, { first, after }, { auth, clientsPage }) =>
    organization.id === auth.organizationId
      ? toConnection(await clientsPage.load(JSON.stringify({ first: first ?? null, after: after ?? null })))
      : null,
};
