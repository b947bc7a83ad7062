import type { RequestContext } from '@platform/service-kit';
import type { BillingStore } from './infra/billing-store';

export interface BillingContext extends RequestContext {
  billing: BillingStore;
}
