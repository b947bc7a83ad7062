import type { OrganizationResolvers } from '../../../generated/graphql';

export const Organization: OrganizationResolvers = {
  /** Only the caller's own organization shows its entitlements (one query per request). */
  entitlements: (organization, _args, { entitlementsByOrganizationId }) =>
    entitlementsByOrganizationId.load(organization.id),
};
