import type { MutationResolvers } from '../../../../generated/graphql';

export const reactivateClientOrganization: NonNullable<MutationResolvers['reactivateClientOrganization']> = (
  _parent,
  { id },
  { auth, organizations },
) => organizations.reactivateClient(auth, id);
