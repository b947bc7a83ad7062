import type { MutationResolvers } from '../../../../generated/graphql';

export const suspendClientOrganization: NonNullable<MutationResolvers['suspendClientOrganization']> = (
  _parent,
  { id, reason },
  { auth, organizations },
) => organizations.suspendClient(auth, id, reason);
