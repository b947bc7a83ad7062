import type { LoginResultResolvers } from '../../../generated/graphql';

export const LoginResult: LoginResultResolvers = {
  __resolveType: (result) => ('challengeToken' in result ? 'MfaChallenge' : 'AuthPayload'),
};
