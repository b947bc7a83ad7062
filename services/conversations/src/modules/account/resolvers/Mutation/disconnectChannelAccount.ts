import type { MutationResolvers } from '../../../../generated/graphql';

export const disconnectChannelAccount: NonNullable<MutationResolvers['disconnectChannelAccount']> = (
  _parent,
  { id, reason },
  { auth, channelAccounts },
) => channelAccounts.disconnect(auth, id, reason);
