import type { MutationResolvers } from '../../../../generated/graphql';

export const reactivateOrganization: NonNullable<MutationResolvers['reactivateOrganization']> = (
  _parent,
  _args,
  { auth, organizations },
) => organizations.reactivate(auth);
