import { DataLoader, defineModule } from '@platform/service-kit';
import type { BillingDependencies } from '../../service';
import { usageOperations, type OrganizationUsage, type UsageOperations } from './domain/usage-operations';
import { usageRepository } from './infra/usage-repository';
import { MetricUsage } from './resolvers/MetricUsage';
import { Organization } from './resolvers/Organization';

/** One usage read: an organization and the period asked for. */
export interface UsageRequest {
  organizationId: string;
  from: Date | null;
  to: Date | null;
}

export interface UsageModuleContext {
  /** Usage reads (an organization's own usage only). */
  usage: UsageOperations;
  /**
   * Usage by organization and period, read once per distinct request (an organization reached through
   * many parents in one operation is read once).
   */
  usageOf: DataLoader<UsageRequest, OrganizationUsage | null, string>;
}

export const usageModule = defineModule<BillingDependencies, UsageModuleContext>({
  resolvers: { Organization, MetricUsage },
  context: ({ tenants, clock }) => {
    const usage = usageOperations(usageRepository(tenants), () => clock.now());
    return ({ auth }) => ({
      usage,
      usageOf: new DataLoader(
        (requests: readonly UsageRequest[]) =>
          Promise.all(
            requests.map(({ organizationId, from, to }) => usage.of(auth, organizationId, { from, to })),
          ),
        {
          cacheKeyFn: ({ organizationId, from, to }) =>
            `${organizationId}|${from?.toISOString() ?? ''}|${to?.toISOString() ?? ''}`,
        },
      ),
    });
  },
});
