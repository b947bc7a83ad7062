import type { OrganizationEntitlements } from './entitlements';

/** What the entitlements operations need of storage (infra/entitlements-repository.ts implements it). */
export interface EntitlementsRepository {
  /** The organization's entitlements as last published; null before the first publication. */
  current(organizationId: string): Promise<OrganizationEntitlements | null>;
}
