import { notFound } from '@platform/service-kit';
import type { UserResolvers } from '../../../generated/graphql';

export const User: UserResolvers = {
  /** Batched: the owners of 50 contacts cost one query on the users table. */
  __resolveReference: (reference, { userById }) => userById.load(reference.id),
  organization: async (user, _args, { organizationById }) => {
    const organization = await organizationById.load(user.organizationId);
    if (!organization) throw notFound('Organization', user.organizationId);
    return organization;
  },
};
