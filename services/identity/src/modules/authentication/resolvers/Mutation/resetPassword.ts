import type { MutationResolvers } from '../../../../generated/graphql';

export const resetPassword: NonNullable<MutationResolvers['resetPassword']> = (
  _parent,
  { input },
  { authentication },
) => authentication.resetPassword(input.token, input.newPassword);
