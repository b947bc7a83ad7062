import { pageRequest } from '@platform/domain';
import { toConnection } from '@platform/service-kit';
import type { CompanyResolvers } from '../../../generated/graphql';

export const Company: CompanyResolvers = {
  /** Batched: a list of N companies costs what one costs. */
  contacts: async (company, { first, after }, { contactsByCompany }) =>
    toConnection(await contactsByCompany.load({ parentId: company.id, request: pageRequest(first, after) })),
};
