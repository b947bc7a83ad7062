import { pageRequest } from '@platform/domain';
import { toConnection } from '@platform/service-kit';
import type { UserResolvers } from '../../../generated/graphql';

export const User: UserResolvers = {
  /** Batched: a list of N users costs what one costs. */
  assignedTasks: async (user, { first, after }, { tasksByAssignee }) =>
    toConnection(await tasksByAssignee.load({ parentId: user.id, request: pageRequest(first, after) })),
};
