import type { OrganizationResolvers } from '../../../generated/graphql';

export const Organization: OrganizationResolvers = {
  /** Batched; another organization (or an unknown id) resolves to null. */
  __resolveReference: (reference, { organizationById }) => organizationById.load(reference.id),
  parentOrganization: (organization, _args, { organizationById }) =>
    organization.parentOrganizationId ? organizationById.load(organization.parentOrganizationId) : null,
};
