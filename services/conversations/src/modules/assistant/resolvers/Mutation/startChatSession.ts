import { parseInput } from '@platform/service-kit';
import { z } from 'zod';
import type { MutationResolvers } from '../../../../generated/graphql';

const StartChatSessionInput = z
  .object({ title: z.string().nullish(), companyId: z.string().nullish() })
  .nullish()
  .transform((input) => input ?? {});

export const startChatSession: NonNullable<MutationResolvers['startChatSession']> = (
  _parent,
  { input },
  { auth, assistant },
) => assistant.startSession(auth, parseInput(StartChatSessionInput, input));
