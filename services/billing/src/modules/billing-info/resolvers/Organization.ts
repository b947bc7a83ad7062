import type { OrganizationResolvers } from '../../../generated/graphql';

export const Organization: OrganizationResolvers = {
  /** Only the caller's own organization shows its billing info. */
  billingInfo: (organization, _args, { billingInfoByOrganizationId }) =>
    billingInfoByOrganizationId.load(organization.id),
};
