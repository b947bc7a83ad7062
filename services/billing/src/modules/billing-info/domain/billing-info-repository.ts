import type { BillingInfo } from './billing-info';

/** What the billing info use cases need of storage (infra/billing-info-repository.ts implements it). */
export interface BillingInfoRepository {
  /** The organization's billing info, or null until it is first set. */
  find(organizationId: string): Promise<BillingInfo | null>;
  /**
   * Reads the organization's billing info for update (row locked until the transaction ends; a first
   * update finds an empty one), lets `decide` make the next one, stores it and answers it. Nothing is
   * stored when `decide` throws.
   */
  update(organizationId: string, decide: (current: BillingInfo | null) => BillingInfo): Promise<BillingInfo>;
}
