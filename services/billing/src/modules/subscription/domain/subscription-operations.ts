import { randomUUID } from 'node:crypto';
import type { Actor } from '@platform/domain';
import {
  activateSubscription,
  SIGN_UP_PLAN,
  type Subscription,
  type SubscriptionActivated,
} from './subscription';
import type { SubscriptionRepository, SubscriptionTransaction } from './subscription-repository';

/** The subscription use cases: who may see what. */
export function subscriptionOperations(repository: SubscriptionRepository) {
  return {
    /**
     * The current subscriptions of these organizations, in order. Only an organization itself sees
     * its subscription: for anyone else, signed in or not, it reads as null (the same answer as "not
     * provisioned yet"), so at most the actor's own is read.
     */
    async currentOf(actor: Actor, organizationIds: readonly string[]): Promise<Array<Subscription | null>> {
      const own = actor.organizationId;
      const current = own && organizationIds.includes(own) ? await repository.current(own) : null;
      return organizationIds.map((id) => (id === own ? current : null));
    },
  };
}

export type SubscriptionOperations = ReturnType<typeof subscriptionOperations>;

/**
 * Sign-up provisioning: a new organization gets the sign-up plan, active from `at`, and the event that
 * carries its entitlements. Idempotent per organization: one that already has a live subscription
 * keeps it, and nothing is implied.
 */
export async function provisionSignUpPlan(
  store: SubscriptionTransaction,
  organizationId: string,
  at: Date,
  id: string = randomUUID(),
): Promise<{ subscription: Subscription; events: SubscriptionActivated[] }> {
  const existing = await store.current(organizationId);
  if (existing) return { subscription: existing, events: [] };
  const { subscription, events } = activateSubscription(
    { id, organizationId },
    await store.plan(SIGN_UP_PLAN),
    at,
  );
  await store.add(subscription);
  return { subscription, events };
}
