// What the generated resolver types use as parents (see @platform/codegen).
import type { BillingInfo } from './domain/billing-info';

export type BillingInfoMapper = BillingInfo;
export { TaxIdType } from './domain/billing-info';
