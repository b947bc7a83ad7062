import { pageRequest } from '@platform/domain';
import { toConnection } from '@platform/service-kit';
import type { CompanyResolvers } from '../../../generated/graphql';
import { encodeAdCursor } from '../domain/ad-performance';
import { argumentsKey } from '../loaders';

export const Company: CompanyResolvers = {
  __resolveReference: (reference, { companyById }) => companyById.load(reference.id),
  /** A deleted parent reads as null (the link comes back with its restore). */
  parentCompany: (company, _args, { companyById }) =>
    company.parentCompanyId ? companyById.load(company.parentCompanyId) : null,
  /** Batched: a list of N companies costs what one costs. */
  childCompanies: async (company, { first, after }, { companyChildren }) =>
    toConnection(await companyChildren.load({ parentId: company.id, request: pageRequest(first, after) })),
  /** crm's own contact, batched by the contact module's loader; a deleted contact reads as null. */
  primaryContact: (company, _args, { contactById }) =>
    company.primaryContactId ? contactById.load(company.primaryContactId) : null,
  /** Derived when read, from the organization's settings (read once per request). */
  daysInStage: async (company, _args, { companies, companySettings }) =>
    companies.standing(company, await companySettings.load(company.organizationId)).daysInStage,
  healthStatus: async (company, _args, { companies, companySettings }) =>
    companies.standing(company, await companySettings.load(company.organizationId)).healthStatus,
  /** References the identity subgraph resolves (batched there). */
  createdBy: (company) => ({ id: company.createdById }),
  updatedBy: (company) => ({ id: company.updatedById }),
  stageHistory: async (company, { first, after }, { companyStageHistory }) =>
    toConnection(
      await companyStageHistory.load({ parentId: company.id, request: pageRequest(first, after) }),
    ),
  assignments: async (company, { first, after, role }, { companyAssignments }) => {
    const request = pageRequest(first, after);
    return toConnection(
      await companyAssignments.load({
        parentId: company.id,
        arguments: argumentsKey(request, role),
        request,
        role: role ?? null,
      }),
    );
  },
  /** This list's cursors are positions in its own order (date desc, platform). */
  adPerformance: async (company, { first, after, from, to, platform }, { companyAdPerformance }) => {
    const range = { from: from ?? null, to: to ?? null, platform: platform ?? null };
    const page = await companyAdPerformance.load({
      parentId: company.id,
      arguments: JSON.stringify([first, after, range.from, range.to, range.platform]),
      range,
      first,
      after,
    });
    const edges = page.items.map((node) => ({ cursor: encodeAdCursor(node), node }));
    return {
      edges,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: page.hasPreviousPage,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      totalCount: page.totalCount,
      totals: page.totals,
    };
  },
};
