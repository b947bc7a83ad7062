import type { MutationResolvers } from '../../../../generated/graphql';

export const cancelOrganization: NonNullable<MutationResolvers['cancelOrganization']> = (
  _parent,
  { reason, confirmSlug },
  { auth, organizations },
) => organizations.cancel(auth, reason, confirmSlug);
