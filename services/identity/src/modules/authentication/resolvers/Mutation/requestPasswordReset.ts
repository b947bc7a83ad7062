import type { MutationResolvers } from '../../../../generated/graphql';

export const requestPasswordReset: NonNullable<MutationResolvers['requestPasswordReset']> = (
  _parent,
  { input },
  { authentication },
) => authentication.requestPasswordReset(input.email, input.organizationSlug);
