import type { QueryResolvers } from '../../../../generated/graphql';

export const plans: NonNullable<QueryResolvers['plans']> = (_parent, _args, context) => context.plans.list();
