import { parseInput } from '@platform/service-kit';
import { z } from 'zod';
import type { MutationResolvers } from '../../../../generated/graphql';

const ChannelTokensInput = z.object({
  accessToken: z.string(),
  refreshToken: z.string().nullish(),
  expiresAt: z.date().nullish(),
  scopes: z.array(z.string()).nullish(),
});

export const reconnectChannelAccount: NonNullable<MutationResolvers['reconnectChannelAccount']> = (
  _parent,
  { id, tokens },
  { auth, channelAccounts },
) => channelAccounts.reconnect(auth, id, parseInput(ChannelTokensInput, tokens));
