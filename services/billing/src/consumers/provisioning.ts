import { appendToOutbox, type EventConsumer } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import { publishEntitlements } from '../modules/entitlements/infra/entitlements-repository';
import type { Subscription } from '../modules/subscription/domain/subscription';
import { provisionSignUpPlan } from '../modules/subscription/domain/subscription-operations';
import { subscriptionTransaction } from '../modules/subscription/infra/subscription-repository';
import type { BillingDependencies } from '../service';

/** Consumer group of billing's provisioning; also its key in processed_events. */
export const PROVISIONING_GROUP = 'billing.provisioning';

/**
 * Gives a new organization the sign-up plan inside `tx`: the domain decides the subscription and its
 * event, the subscription row and the outbox row are written in that same transaction, and so are the
 * organization's first entitlements (version 1: the plan's features and the subscription's seats).
 */
export async function provisionOrganization(
  tx: Prisma.TransactionClient,
  organizationId: string,
  at: Date,
): Promise<Subscription> {
  const { subscription, events } = await provisionSignUpPlan(subscriptionTransaction(tx), organizationId, at);
  await appendToOutbox(tx, events);
  for (const activated of events) {
    await publishEntitlements(tx, {
      organizationId,
      subscriptionId: subscription.id,
      planId: subscription.planId,
      status: subscription.status,
      entitlements: { ...activated.data.entitlements, seats: subscription.seatsLimit },
      at,
    });
  }
  return subscription;
}

/** A new organization gets the Free plan (and its entitlements travel on as an event). */
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
