import { defineModule } from '@platform/service-kit';
import type { IdentityDependencies } from '../../service';
import { authenticationOperations, type AuthenticationOperations } from './domain/authentication-operations';
import { authenticationRepository } from './infra/authentication-repository';
import { AuthPayload } from './resolvers/AuthPayload';
import { login } from './resolvers/Mutation/login';
import { refreshToken } from './resolvers/Mutation/refreshToken';
import { signUp } from './resolvers/Mutation/signUp';

export interface AuthenticationModuleContext {
  authentication: AuthenticationOperations;
}

export const authenticationModule = defineModule<IdentityDependencies, AuthenticationModuleContext>({
  resolvers: { Mutation: { signUp, login, refreshToken }, AuthPayload },
  context: ({ database, tenants, credentials }) => {
    const authentication = authenticationOperations({
      repository: authenticationRepository(database, tenants),
      ...credentials,
    });
    return () => ({ authentication });
  },
});
