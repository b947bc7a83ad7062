import { CHANNEL_PLATFORMS } from '@platform/events/catalog';
import { parseInput } from '@platform/service-kit';
import { z } from 'zod';
import type { MutationResolvers } from '../../../../generated/graphql';

const ConnectChannelAccountInput = z.object({
  platform: z.enum(CHANNEL_PLATFORMS),
  platformAccountId: z.string(),
  displayName: z.string(),
  accessToken: z.string(),
  refreshToken: z.string().nullish(),
  expiresAt: z.date().nullish(),
  scopes: z.array(z.string()).nullish(),
  webhookSecret: z.string().nullish(),
});

export const connectChannelAccount: NonNullable<MutationResolvers['connectChannelAccount']> = (
  _parent,
  { input },
  { auth, channelAccounts },
) => channelAccounts.connect(auth, parseInput(ConnectChannelAccountInput, input));
