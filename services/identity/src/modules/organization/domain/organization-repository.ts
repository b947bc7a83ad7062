import type { Organization } from './organization';

/** What reading organizations needs of storage (infra/organization-repository.ts implements it). */
export interface OrganizationRepository {
  /**
   * The organizations with these ids that the caller's organization may see (only itself), in id
   * order (null where none).
   */
  byIds(callerOrganizationId: string, ids: readonly string[]): Promise<Array<Organization | null>>;
}
