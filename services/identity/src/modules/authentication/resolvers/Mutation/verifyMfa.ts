import type { MutationResolvers } from '../../../../generated/graphql';

export const verifyMfa: NonNullable<MutationResolvers['verifyMfa']> = (
  _parent,
  { input },
  { auth, authentication },
) =>
  authentication.verifyMfa(input.challengeToken, input.code, {
    address: auth.clientAddress,
    userAgent: auth.userAgent,
  });
