import { DataLoader, defineModule } from '@platform/service-kit';
import type { IdentityDependencies } from '../../service';
import type { User as UserModel } from './domain/user';
import { userOperations, type UserOperations } from './domain/user-operations';
import { userRepository } from './infra/user-repository';
import { me } from './resolvers/Query/me';
import { User } from './resolvers/User';

export interface UserModuleContext {
  users: UserOperations;
  /** The caller's organization's users by id (one query per batch; null for the rest). */
  userById: DataLoader<string, UserModel | null>;
}

export const userModule = defineModule<IdentityDependencies, UserModuleContext>({
  resolvers: { Query: { me }, User },
  context: ({ tenants }) => {
    const repository = userRepository(tenants);
    const users = userOperations();
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
