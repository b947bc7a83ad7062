import { defineModule } from '@platform/service-kit';
import type { BillingDependencies } from '../../service';

/** Nothing yet: the payment module adds its operations here. */
export type PaymentModuleContext = Record<never, never>;

/** Payments: the provider boundary (domain/payment-provider.ts). Its graph and routes come with the provider. */
export const paymentModule = defineModule<BillingDependencies, PaymentModuleContext>({
  resolvers: {},
  context: () => () => ({}),
});
