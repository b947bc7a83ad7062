import type { QueryResolvers } from '../../../../generated/graphql';

export const channelAccounts: NonNullable<QueryResolvers['channelAccounts']> = (
  _parent,
  _args,
  { auth, channelAccounts: accounts },
) => accounts.list(auth);
