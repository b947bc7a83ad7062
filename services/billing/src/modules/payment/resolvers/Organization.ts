import type { OrganizationResolvers } from '../../../generated/graphql';

export const Organization: OrganizationResolvers = {
  /** Only the caller's own organization shows its payment method. */
  paymentMethod: (organization, _args, { paymentMethodByOrganizationId }) =>
    paymentMethodByOrganizationId.load(organization.id),
};
