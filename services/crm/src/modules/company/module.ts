import type { Page, PageRequest } from '@platform/domain';
import { DataLoader, defineModule, pageLoader, type PageKey } from '@platform/service-kit';
import type { CrmDependencies } from '../../service';
import { userReferences } from '../contact/infra/user-references';
import type { AdPerformanceRange } from './domain/ad-performance';
import type { CompanyAssignment, CompanyAssignmentRole } from './domain/assignment';
import type { Company as CompanyModel, CompanyStageEvent as StageEventModel } from './domain/company';
import {
  companyOperations,
  type AdPerformancePage,
  type CompanyOperations,
} from './domain/company-operations';
import type { OrganizationSettings } from './domain/pipeline';
import { companyRepository } from './infra/company-repository';
import { listLoader, type ListKey } from './loaders';
import { AdPerformance } from './resolvers/AdPerformance';
import { Company } from './resolvers/Company';
import { CompanyAssignment as CompanyAssignmentResolvers } from './resolvers/CompanyAssignment';
import { CompanyStageEvent } from './resolvers/CompanyStageEvent';
import { assignUserToCompany } from './resolvers/Mutation/assignUserToCompany';
import { createCompany } from './resolvers/Mutation/createCompany';
import { deleteCompany } from './resolvers/Mutation/deleteCompany';
import { moveCompanyStage } from './resolvers/Mutation/moveCompanyStage';
import { recordAdPerformance } from './resolvers/Mutation/recordAdPerformance';
import { restoreCompany } from './resolvers/Mutation/restoreCompany';
import { unassignUserFromCompany } from './resolvers/Mutation/unassignUserFromCompany';
import { updateCompany } from './resolvers/Mutation/updateCompany';
import { companies as companyList } from './resolvers/Query/companies';
import { company } from './resolvers/Query/company';
import { companyByDomain } from './resolvers/Query/companyByDomain';
import { User } from './resolvers/User';

/** A page of assignments of one parent (company or user), in one role or all. */
export interface AssignmentKey extends ListKey {
  request: PageRequest;
  role: CompanyAssignmentRole | null;
}

/** A page of one company's ad figures in one range. */
export interface AdPerformanceKey extends ListKey {
  range: AdPerformanceRange;
  first: number | null | undefined;
  after: string | null | undefined;
}

export interface CompanyModuleContext {
  companies: CompanyOperations;
  /** The caller's organization's live companies by id (one query per batch). */
  companyById: DataLoader<string, CompanyModel | null>;
  /** The client-account settings of the caller's organization, read once per request. */
  companySettings: DataLoader<string, OrganizationSettings>;
  /** Pages of stage history by company: one query per batch. */
  companyStageHistory: DataLoader<PageKey, Page<StageEventModel>, string>;
  /** Pages of live subsidiaries by company: one query per batch. */
  companyChildren: DataLoader<PageKey, Page<CompanyModel>, string>;
  /** Pages of assignments by company: one query per batch (per distinct page and role). */
  companyAssignments: DataLoader<AssignmentKey, Page<CompanyAssignment>, string>;
  /** Pages of assignments by user: one query per batch (per distinct page and role). */
  userCompanyAssignments: DataLoader<AssignmentKey, Page<CompanyAssignment>, string>;
  /** Pages of ad figures by company: one query per batch (per distinct page and range). */
  companyAdPerformance: DataLoader<AdPerformanceKey, AdPerformancePage, string>;
}

export const companyModule = defineModule<CrmDependencies, CompanyModuleContext>({
  resolvers: {
    Query: { company, companies: companyList, companyByDomain },
    Mutation: {
      createCompany,
      updateCompany,
      deleteCompany,
      restoreCompany,
      moveCompanyStage,
      assignUserToCompany,
      unassignUserFromCompany,
      recordAdPerformance,
    },
    Company,
    CompanyStageEvent,
    CompanyAssignment: CompanyAssignmentResolvers,
    AdPerformance,
    User,
  },
  context: ({ tenants }) => {
    const repository = companyRepository(tenants);
    const companies = companyOperations(repository, userReferences(tenants));
    return ({ auth }) => ({
      companies,
      companyById: new DataLoader((ids: readonly string[]) =>
        auth.organizationId
          ? repository.byIds(auth.organizationId, ids)
          : Promise.resolve(ids.map(() => null)),
      ),
      companySettings: new DataLoader(async (organizationIds: readonly string[]) => {
        const settings = await companies.settings(auth);
        return organizationIds.map(() => settings);
      }),
      companyStageHistory: pageLoader((companyIds, request) =>
        companies.stageHistoryOf(auth, companyIds, request),
      ),
      companyChildren: pageLoader((companyIds, request) => companies.childrenOf(auth, companyIds, request)),
      companyAssignments: listLoader((companyIds, { request, role }: AssignmentKey) =>
        companies.assignmentsOf(auth, companyIds, request, role),
      ),
      userCompanyAssignments: listLoader((userIds, { request, role }: AssignmentKey) =>
        companies.assignmentsOfUsers(auth, userIds, request, role),
      ),
      companyAdPerformance: listLoader((companyIds, { range, first, after }: AdPerformanceKey) =>
        companies.adPerformanceOf(auth, companyIds, range, first, after),
      ),
    });
  },
});
