import type { ReplyDraftResolvers } from '../../../generated/graphql';

export const ReplyDraft: ReplyDraftResolvers = {
  decidedById: (draft) => draft.decidedBy,
};
