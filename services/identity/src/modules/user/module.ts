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
      userById: new DataLoader((ids: readonly string[]) =>
        auth.organizationId
          ? repository.byIds(auth.organizationId, ids)
          : Promise.resolve(ids.map(() => null)),
      ),
    });
  },
});
