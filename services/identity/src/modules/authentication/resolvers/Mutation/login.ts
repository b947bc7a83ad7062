import type { MutationResolvers } from '../../../../generated/graphql';

export const login: NonNullable<MutationResolvers['login']> = (_parent, { input }, { authentication }) =>
  authentication.login(input);
