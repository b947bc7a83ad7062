import type { MutationResolvers } from '../../../../generated/graphql';

export const signUp: NonNullable<MutationResolvers['signUp']> = (
  _parent,
  { input },
  { auth, authentication },
) => authentication.signUp(input, { address: auth.clientAddress, userAgent: auth.userAgent });
