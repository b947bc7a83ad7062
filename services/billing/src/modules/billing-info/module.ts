import { DataLoader, defineModule } from '@platform/service-kit';
import type { BillingDependencies } from '../../service';
import type { BillingInfo as BillingInfoModel } from './domain/billing-info';
import { billingInfoOperations, type BillingInfoOperations } from './domain/billing-info-operations';
import { billingInfoRepository } from './infra/billing-info-repository';
import { BillingInfo } from './resolvers/BillingInfo';
import { updateBillingInfo } from './resolvers/Mutation/updateBillingInfo';
import { Organization } from './resolvers/Organization';

export interface BillingInfoModuleContext {
  billingInfo: BillingInfoOperations;
  /** Billing info by organization: the caller's own (one query per batch); any other reads as null. */
  billingInfoByOrganizationId: DataLoader<string, BillingInfoModel | null>;
}

export const billingInfoModule = defineModule<BillingDependencies, BillingInfoModuleContext>({
  resolvers: { Mutation: { updateBillingInfo }, Organization, BillingInfo },
  context: ({ tenants, clock, piiCipher }) => {
    const billingInfo = billingInfoOperations(billingInfoRepository(tenants, piiCipher), () => clock.now());
    return ({ auth }) => ({
      billingInfo,
      billingInfoByOrganizationId: new DataLoader((organizationIds: readonly string[]) =>
        billingInfo.billingInfoOf(auth, organizationIds),
      ),
    });
  },
});
