import type { MutationResolvers } from '../../../../generated/graphql';

export const createRole: NonNullable<MutationResolvers['createRole']> = (
  _parent,
  { input },
  { auth, roles },
) => roles.create(auth, input);
