// What the generated resolver types use as parents (see @platform/codegen).
import type { InvoiceLineRecord, InvoiceRecord } from './domain/invoice';
import type { Subscription } from './domain/subscription';

export type OrganizationSubscriptionMapper = Subscription;
export type InvoiceMapper = InvoiceRecord;
export type InvoiceLineMapper = InvoiceLineRecord;
/** Organizations are identity's; billing resolves its field on them from the id alone. */
export type OrganizationMapper = { id: string };
export { BillingCycle, SubscriptionStatus } from './domain/subscription';
export { InvoiceStatus } from './domain/invoice';
export { CancellationReason, InvoiceKind, InvoiceLineKind } from './domain/enums';
