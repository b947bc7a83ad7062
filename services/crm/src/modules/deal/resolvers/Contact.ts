import { pageRequest } from '@platform/domain';
import { toConnection } from '@platform/service-kit';
import type { ContactResolvers } from '../../../generated/graphql';

export const Contact: ContactResolvers = {
  /** Batched: a list of N contacts costs what one costs. */
  deals: async (contact, { first, after }, { dealsByContact }) =>
    toConnection(await dealsByContact.load({ parentId: contact.id, request: pageRequest(first, after) })),
};
