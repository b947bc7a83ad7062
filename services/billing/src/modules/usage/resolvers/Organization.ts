import type { OrganizationResolvers } from '../../../generated/graphql';

export const Organization: OrganizationResolvers = {
  /** Only the caller's own organization shows its usage. */
  usage: (organization, { from, to }, { usageOf }) =>
    usageOf.load({ organizationId: organization.id, from: from ?? null, to: to ?? null }),
};
