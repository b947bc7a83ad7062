import { defineModule } from '@platform/service-kit';
import type { BillingDependencies } from '../../service';
import { usageOperations, type UsageOperations } from './domain/usage-operations';
import { usageRepository } from './infra/usage-repository';
import { MetricUsage } from './resolvers/MetricUsage';
import { Organization } from './resolvers/Organization';

export interface UsageModuleContext {
  /** Usage reads (an organization's own usage only). */
  usage: UsageOperations;
}

export const usageModule = defineModule<BillingDependencies, UsageModuleContext>({
  resolvers: { Organization, MetricUsage },
  context: ({ tenants, clock }) => {
    const usage = usageOperations(usageRepository(tenants), () => clock.now());
    return () => ({ usage });
  },
});
