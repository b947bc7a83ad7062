import type { OrganizationResolvers } from '../../../generated/graphql';

export const Organization: OrganizationResolvers = {
  /** Only the caller's own organization shows its usage. */
  usage: (organization, { from, to }, { usage, auth }) => usage.of(auth, organization.id, { from, to }),
};
