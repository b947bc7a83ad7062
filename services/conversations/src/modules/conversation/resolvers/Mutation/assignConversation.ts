import { parseInput } from '@platform/service-kit';
import { z } from 'zod';
import type { MutationResolvers } from '../../../../generated/graphql';

/** What the SDL cannot say: assigneeId is a UUID. */
const Assignee = z.uuid().nullable();

export const assignConversation: NonNullable<MutationResolvers['assignConversation']> = (
  _parent,
  { id, assigneeId },
  { auth, conversations },
) => conversations.assign(auth, id, parseInput(Assignee, assigneeId ?? null));
