// What the generated resolver types use as parents (see @platform/codegen).
import type { Subscription } from './domain/subscription';

export type OrganizationSubscriptionMapper = Subscription;
/** Organizations are identity's; billing resolves its field on them from the id alone. */
export type OrganizationMapper = { id: string };
export { BillingCycle, SubscriptionStatus } from './domain/subscription';
