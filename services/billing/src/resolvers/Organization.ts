import type { BillingContext } from '../context';
import type { OrganizationSubscription } from '../domain/plans';

export const Organization = {
  __resolveReference: (reference: { id: string }) => reference,
  /** Only the caller's own organization shows its subscription. */
  subscription(
    organization: { id: string },
    _args: unknown,
    context: BillingContext,
  ): Promise<OrganizationSubscription | null> | null {
    if (context.auth.organizationId !== organization.id) return null;
    return context.billing.currentSubscription(organization.id);
  },
};
