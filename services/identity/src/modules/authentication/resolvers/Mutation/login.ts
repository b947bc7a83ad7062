import type { MutationResolvers } from '../../../../generated/graphql';

export const login: NonNullable<MutationResolvers['login']> = (
  _parent,
  { input },
  { auth, authentication },
) => authentication.login(input, { address: auth.clientAddress, userAgent: auth.userAgent });
