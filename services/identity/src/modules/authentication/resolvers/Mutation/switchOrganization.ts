import type { MutationResolvers } from '../../../../generated/graphql';

export const switchOrganization: NonNullable<MutationResolvers['switchOrganization']> = (
  _parent,
  { organizationId },
  { auth, authentication },
) => authentication.switchOrganization(auth, organizationId);
