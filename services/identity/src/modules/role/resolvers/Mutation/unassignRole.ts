import { notFound } from '@platform/service-kit';
import type { MutationResolvers } from '../../../../generated/graphql';

export const unassignRole: NonNullable<MutationResolvers['unassignRole']> = async (
  _parent,
  { userId, role },
  { auth, roles, userById },
) => {
  const id = await roles.unassign(auth, userId, role);
  return (await userById.load(id)) ?? Promise.reject(notFound('User', id));
};
