import { DataLoader, defineModule } from '@platform/service-kit';
import type { BillingDependencies } from '../../service';
import type { Subscription } from './domain/subscription';
import { subscriptionOperations } from './domain/subscription-operations';
import { subscriptionRepository } from './infra/subscription-repository';
import { Organization } from './resolvers/Organization';
import { OrganizationSubscription } from './resolvers/OrganizationSubscription';

export interface SubscriptionModuleContext {
  /**
   * Current subscriptions by organization id: the caller's own organization's (one query per batch);
   * every other organization's reads as null.
   */
  subscriptionByOrganizationId: DataLoader<string, Subscription | null>;
}

export const subscriptionModule = defineModule<BillingDependencies, SubscriptionModuleContext>({
  resolvers: { Organization, OrganizationSubscription },
  context: ({ tenants }) => {
    const subscriptions = subscriptionOperations(subscriptionRepository(tenants));
    return ({ auth }) => ({
      subscriptionByOrganizationId: new DataLoader((organizationIds: readonly string[]) =>
        subscriptions.currentOf(auth, organizationIds),
      ),
    });
  },
});
