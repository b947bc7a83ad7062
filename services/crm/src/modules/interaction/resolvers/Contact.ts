import { pageRequest } from '@platform/domain';
import { toConnectionBy } from '@platform/service-kit';
import type { ContactResolvers } from '../../../generated/graphql';
import { timelinePosition } from '../domain/interaction';

export const Contact: ContactResolvers = {
  /** The timeline, batched per filter: a list of N contacts costs what one costs. */
  interactions: async (contact, { first, after, filter, deleted }, { interactionsByContact }) =>
    toConnectionBy(
      await interactionsByContact({ filter: filter ?? null, deleted: deleted ?? false }).load({
        parentId: contact.id,
        request: pageRequest(first, after),
      }),
      timelinePosition,
    ),
};
