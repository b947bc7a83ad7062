import type { MutationResolvers } from '../../../../generated/graphql';

export const cancelClientOrganization: NonNullable<MutationResolvers['cancelClientOrganization']> = (
  _parent,
  { id, reason },
  { auth, organizations },
) => organizations.cancelClient(auth, id, reason);
