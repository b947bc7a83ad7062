import type { MutationResolvers } from '../../../../generated/graphql';

export const approveReplyDraft: NonNullable<MutationResolvers['approveReplyDraft']> = (
  _parent,
  { id, text },
  { auth, ai },
) => ai.approve(auth, id, text);
