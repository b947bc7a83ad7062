import { effectivePermissions } from '../domain/role';
import type { UserResolvers } from '../../../generated/graphql';

export const User: UserResolvers = {
  roleAssignments: (user, _args, { assignmentsByUserId }) => assignmentsByUserId.load(user.id),
  directPermissions: async (user, _args, { accessByUserId }) =>
    (await accessByUserId.load(user.id))?.directPermissions ?? [],
  permissions: async (user, _args, { accessByUserId }) => {
    const access = await accessByUserId.load(user.id);
    return access ? effectivePermissions(access) : [];
  },
};
