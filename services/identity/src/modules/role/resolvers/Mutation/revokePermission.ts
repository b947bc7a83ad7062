import { notFound } from '@platform/service-kit';
import type { MutationResolvers } from '../../../../generated/graphql';

export const revokePermission: NonNullable<MutationResolvers['revokePermission']> = async (
  _parent,
  { userId, permission },
  { auth, roles, userById },
) => {
  const id = await roles.revoke(auth, userId, permission);
  return (await userById.load(id)) ?? Promise.reject(notFound('User', id));
};
