import type { OrganizationResolvers } from '../../../generated/graphql';

export const Organization: OrganizationResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  /** Only the caller's own organization shows its subscription. */
  subscription: (organization, _args, { subscriptionByOrganizationId }) =>
    subscriptionByOrganizationId.load(organization.id),
  invoices: (organization, { first, before }, { invoicesOf }) =>
    invoicesOf.load({ organizationId: organization.id, first, before: before ?? null }),
};
