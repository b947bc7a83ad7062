import type { DataLoader, RequestContext } from '@platform/service-kit';
import type { Plan } from './domain/plans';
import type { BillingStore } from './infra/billing-store';

export interface BillingContext extends RequestContext {
  billing: BillingStore;
  /** Plans by id; the whole (four-row) table is read at most once per request. */
  planById: DataLoader<string, Plan | null>;
}
