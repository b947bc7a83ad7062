import { defineModule } from '@platform/service-kit';
import type { IdentityDependencies } from '../../service';
import { authenticationOperations, type AuthenticationOperations } from './domain/authentication-operations';
import { authenticationRepository } from './infra/authentication-repository';
import { organizationRepository } from '../organization/infra/organization-repository';
import { roleRepository } from '../role/infra/role-repository';
import { LAST_ACTIVE_WRITE_INTERVAL_MS } from '../user/domain/user-operations';
import { userRepository } from '../user/infra/user-repository';
import { AuthPayload } from './resolvers/AuthPayload';
import { login } from './resolvers/Mutation/login';
import { refreshToken } from './resolvers/Mutation/refreshToken';
import { signUp } from './resolvers/Mutation/signUp';
import { switchOrganization } from './resolvers/Mutation/switchOrganization';
import { OrganizationSwitch } from './resolvers/OrganizationSwitch';

export interface AuthenticationModuleContext {
  authentication: AuthenticationOperations;
}

/** The sign-up, sign-in and principal use cases over identity's storage. */
export function authenticationOperationsOf({
  database,
  tenants,
  credentials,
}: Pick<IdentityDependencies, 'database' | 'tenants' | 'credentials'>): AuthenticationOperations {
  const roles = roleRepository(tenants);
  const organizations = organizationRepository(tenants);
  const users = userRepository(tenants);
  return authenticationOperations({
    repository: authenticationRepository(database, tenants),
    access: async (organizationId, userId) => (await roles.accessOf(organizationId, [userId]))[0] ?? null,
    clientOf: (agencyId, clientId) => organizations.clientOf(agencyId, clientId),
    touch: (organizationId, userId) =>
      users.touchActive(organizationId, userId, new Date(), LAST_ACTIVE_WRITE_INTERVAL_MS),
    ...credentials,
  });
}

export const authenticationModule = defineModule<IdentityDependencies, AuthenticationModuleContext>({
  resolvers: {
    Mutation: { signUp, login, refreshToken, switchOrganization },
    AuthPayload,
    OrganizationSwitch,
  },
  context: ({ database, tenants, credentials }) => {
    const authentication = authenticationOperationsOf({ database, tenants, credentials });
    return () => ({ authentication });
  },
});
