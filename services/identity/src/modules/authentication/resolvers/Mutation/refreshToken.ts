import { parseInput } from '@platform/service-kit';
import { z } from 'zod';
import type { MutationResolvers } from '../../../../generated/graphql';

/** What the SDL cannot say: the token is not empty. */
const RefreshTokenInput = z.object({ refreshToken: z.string().min(1) });

export const refreshToken: NonNullable<MutationResolvers['refreshToken']> = (
  _parent,
  { input },
  { authentication },
) => authentication.refresh(parseInput(RefreshTokenInput, input).refreshToken);
