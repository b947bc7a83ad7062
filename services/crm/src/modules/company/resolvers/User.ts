import { pageRequest } from '@platform/domain';
import { toConnection } from '@platform/service-kit';
import type { UserResolvers } from '../../../generated/graphql';
import { argumentsKey } from '../loaders';

export const User: UserResolvers = {
  /** Batched: a list of N users costs what one costs. */
  assignedCompanies: async (user, { first, after, role }, { userCompanyAssignments }) => {
    const request = pageRequest(first, after);
    return toConnection(
      await userCompanyAssignments.load({
        parentId: user.id,
        arguments: argumentsKey(request, role),
        request,
        role: role ?? null,
      }),
    );
  },
};
