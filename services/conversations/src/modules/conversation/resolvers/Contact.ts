import { pageRequest } from '@platform/domain';
import { toConnection } from '@platform/service-kit';
import type { ContactResolvers } from '../../../generated/graphql';

export const Contact: ContactResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  /** Batched: a list of N contacts costs the same two statements as one contact. */
  conversations: async (contact, { first, after }, { conversationsByContact }) =>
    toConnection(
      await conversationsByContact.load({ parentId: contact.id, request: pageRequest(first, after) }),
    ),
};
