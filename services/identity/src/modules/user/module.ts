import { DataLoader, defineModule } from '@platform/service-kit';
import type { IdentityDependencies } from '../../service';
import type { User as UserModel } from './domain/user';
import { userOperations, type UserOperations } from './domain/user-operations';
import { userRepository } from './infra/user-repository';
import { roleRepository } from '../role/infra/role-repository';
import { activateUser } from './resolvers/Mutation/activateUser';
import { deactivateUser } from './resolvers/Mutation/deactivateUser';
import { deleteUser } from './resolvers/Mutation/deleteUser';
import { reactivateUser } from './resolvers/Mutation/reactivateUser';
import { suspendUser } from './resolvers/Mutation/suspendUser';
import { updateMyProfile } from './resolvers/Mutation/updateMyProfile';
import { updateUser } from './resolvers/Mutation/updateUser';
import { me } from './resolvers/Query/me';
import { user } from './resolvers/Query/user';
import { users } from './resolvers/Query/users';
import { User } from './resolvers/User';

export interface UserModuleContext {
  users: UserOperations;
  /** The caller's organization's users by id (one query per batch; null for the rest). */
  userById: DataLoader<string, UserModel | null>;
}

export const userModule = defineModule<IdentityDependencies, UserModuleContext>({
  resolvers: {
    Query: { me, users, user },
    Mutation: {
      updateUser,
      updateMyProfile,
      activateUser,
      deactivateUser,
      suspendUser,
      reactivateUser,
      deleteUser,
    },
    User,
  },
  context: ({ tenants }) => {
    const repository = userRepository(tenants);
    const roles = roleRepository(tenants);
    const users = userOperations(repository, {
      accessOf: async (organizationId, userId) => (await roles.accessOf(organizationId, [userId]))[0] ?? null,
      countOtherOwners: (organizationId, userId) => roles.countOtherOwners(organizationId, userId),
    });
    return ({ auth }) => ({
      users,
      // The caller's organization's users, and (an agency user switched into a client) the agency's.
      userById: new DataLoader(async (ids: readonly string[]) => {
        const visible = [auth.organizationId, auth.actingFromOrganizationId].flatMap((id) =>
          id ? [id] : [],
        );
        const found = await Promise.all(visible.map((id) => repository.byIds(id, ids)));
        return ids.map(
          (_id, index) => found.map((users) => users[index] ?? null).find((user) => user) ?? null,
        );
      }),
    });
  },
});
