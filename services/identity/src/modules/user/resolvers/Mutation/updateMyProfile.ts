import type { MutationResolvers } from '../../../../generated/graphql';

export const updateMyProfile: NonNullable<MutationResolvers['updateMyProfile']> = (
  _parent,
  { input },
  { auth, users },
) => users.updateMine(auth, input);
