import type { MutationResolvers } from '../../../../generated/graphql';

export const suspendOrganization: NonNullable<MutationResolvers['suspendOrganization']> = (
  _parent,
  { reason },
  { auth, organizations },
) => organizations.suspend(auth, reason);
