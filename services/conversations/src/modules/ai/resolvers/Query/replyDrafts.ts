import type { QueryResolvers } from '../../../../generated/graphql';

export const replyDrafts: NonNullable<QueryResolvers['replyDrafts']> = (
  _parent,
  { status, first },
  { auth, ai },
) => ai.drafts(auth, status ?? 'pending', first ?? 20);
