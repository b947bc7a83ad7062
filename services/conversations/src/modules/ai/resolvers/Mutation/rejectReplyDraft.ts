import type { MutationResolvers } from '../../../../generated/graphql';

export const rejectReplyDraft: NonNullable<MutationResolvers['rejectReplyDraft']> = (
  _parent,
  { id, reason },
  { auth, ai },
) => ai.reject(auth, id, reason);
