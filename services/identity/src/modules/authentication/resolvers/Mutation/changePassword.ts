import type { MutationResolvers } from '../../../../generated/graphql';

export const changePassword: NonNullable<MutationResolvers['changePassword']> = (
  _parent,
  { input },
  { auth, authentication },
) => authentication.changePassword(auth, input.currentPassword, input.newPassword);
