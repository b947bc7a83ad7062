import { defineModule } from '@platform/service-kit';
import type { IdentityDependencies } from '../../service';
import { authenticationOperations, type AuthenticationOperations } from './domain/authentication-operations';
import { authenticationRepository } from './infra/authentication-repository';
import { apiAccessRepository } from '../api-key/infra/api-access-repository';
import { seatStandings } from './infra/seat-standing';
import { apiKeyRepository } from '../api-key/infra/api-key-repository';
import { organizationRepository } from '../organization/infra/organization-repository';
import { roleRepository } from '../role/infra/role-repository';
import { LAST_ACTIVE_WRITE_INTERVAL_MS } from '../user/domain/user-operations';
import { userRepository } from '../user/infra/user-repository';
import { AuthPayload } from './resolvers/AuthPayload';
import { login } from './resolvers/Mutation/login';
import { refreshToken } from './resolvers/Mutation/refreshToken';
import { signUp } from './resolvers/Mutation/signUp';
import { changePassword } from './resolvers/Mutation/changePassword';
import { confirmMfa } from './resolvers/Mutation/confirmMfa';
import { disableMfa } from './resolvers/Mutation/disableMfa';
import { enrollMfa } from './resolvers/Mutation/enrollMfa';
import { requestPasswordReset } from './resolvers/Mutation/requestPasswordReset';
import { resetPassword } from './resolvers/Mutation/resetPassword';
import { revokeAllSessions } from './resolvers/Mutation/revokeAllSessions';
import { revokeSession } from './resolvers/Mutation/revokeSession';
import { verifyMfa } from './resolvers/Mutation/verifyMfa';
import { mySessions } from './resolvers/Query/mySessions';
import { LoginResult } from './resolvers/LoginResult';
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
  secrets,
  mfa,
  links,
  apiKeySecrets,
}: Pick<
  IdentityDependencies,
  'database' | 'tenants' | 'credentials' | 'secrets' | 'mfa' | 'links' | 'apiKeySecrets'
>): AuthenticationOperations {
  const keys = apiKeyRepository(database, tenants);
  const apiAccess = apiAccessRepository(tenants);
  const roles = roleRepository(tenants);
  const organizations = organizationRepository(tenants);
  const users = userRepository(tenants);
  const seats = seatStandings(tenants);
  return authenticationOperations({
    repository: authenticationRepository(database, tenants),
    access: async (organizationId, userId) => (await roles.accessOf(organizationId, [userId]))[0] ?? null,
    seatStanding: (organizationId, userId) => seats.of(organizationId, userId),
    clientOf: (agencyId, clientId) => organizations.clientOf(agencyId, clientId),
    touch: (organizationId, userId) =>
      users.touchActive(organizationId, userId, new Date(), LAST_ACTIVE_WRITE_INTERVAL_MS),
    ...credentials,
    oneTimeTokens: secrets.oneTime,
    totp: mfa.totp,
    secretBox: mfa.secretBox,
    resetPasswordUrl: links.resetPassword,
    apiKeys: {
      wellFormed: (key) => apiKeySecrets.wellFormed(key),
      hash: (key) => apiKeySecrets.hash(key),
      byHash: (keyHash) => keys.byHash(keyHash),
      touch: (apiKey, at, everyMs) => keys.touch(apiKey, at, everyMs),
      safelist: (organizationId, manifestId) => keys.manifestOperationIds(organizationId, manifestId),
      access: (organizationId) => apiAccess.of(organizationId),
    },
  });
}

export const authenticationModule = defineModule<IdentityDependencies, AuthenticationModuleContext>({
  resolvers: {
    Query: { mySessions },
    Mutation: {
      signUp,
      login,
      verifyMfa,
      refreshToken,
      switchOrganization,
      revokeSession,
      revokeAllSessions,
      enrollMfa,
      confirmMfa,
      disableMfa,
      changePassword,
      requestPasswordReset,
      resetPassword,
    },
    AuthPayload,
    LoginResult,
    OrganizationSwitch,
  },
  context: (dependencies) => {
    const authentication = authenticationOperationsOf(dependencies);
    return () => ({ authentication });
  },
});
