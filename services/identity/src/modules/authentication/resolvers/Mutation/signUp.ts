import type { MutationResolvers } from '../../../../generated/graphql';

export const signUp: NonNullable<MutationResolvers['signUp']> = async (
  _parent,
  { input },
  { authentication, logger },
) => {
  const session = await authentication.signUp(input);
  logger.info({ organizationId: session.organization.id, userId: session.user.id }, 'organization signed up');
  return session;
};
