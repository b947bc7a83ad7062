import type { EventConsumer } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import type { Subscription } from '../modules/subscription/domain/subscription';
import { provisionSignUpPlan } from '../modules/subscription/domain/subscription-operations';
import { subscriptionCollaborators } from '../modules/subscription/infra/collaborators';
import { subscriptionTransaction } from '../modules/subscription/infra/subscription-repository';
import type { BillingDependencies } from '../service';

/** Consumer group of billing's provisioning; also its key in processed_events. */
export const PROVISIONING_GROUP = 'billing.provisioning';

/**
 * Gives a new organization the sign-up plan inside `tx`: the subscription, its entitlements and their
 * events are written in that same transaction.
 */
export function provisionOrganization(
  tx: Prisma.TransactionClient,
  organizationId: string,
  at: Date,
): Promise<Subscription> {
  return provisionSignUpPlan(subscriptionTransaction(tx, subscriptionCollaborators()), organizationId, at);
}

/** A new organization gets the Free plan (and its entitlements travel on as events). */
export function startProvisioningConsumer(
  dependencies: BillingDependencies,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  return startTenantConsumer<Prisma.TransactionClient>(dependencies, messaging, options, {
    groupId: PROVISIONING_GROUP,
    handlers: {
      'identity.organization.created.v1': async (event, tx) => {
        await provisionOrganization(tx, event.data.organizationId, new Date(event.time));
      },
    },
  });
}
