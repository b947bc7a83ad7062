import { DataLoader, defineModule } from '@platform/service-kit';
import type { BillingDependencies } from '../../service';
import type { PaymentMethod } from './domain/payment-method';
import { paymentOperations, type PaymentOperations } from './domain/payment-operations';
import { paymentRepository } from './infra/payment-repository';
import { setPaymentMethod } from './resolvers/Mutation/setPaymentMethod';
import { Organization } from './resolvers/Organization';
import { PaymentAttempt } from './resolvers/PaymentAttempt';

export interface PaymentModuleContext {
  payments: PaymentOperations;
  /**
   * Payment methods by organization id: the caller's own organization's (one query per batch); every
   * other organization's reads as null.
   */
  paymentMethodByOrganizationId: DataLoader<string, PaymentMethod | null>;
}

export const paymentModule = defineModule<BillingDependencies, PaymentModuleContext>({
  resolvers: { Mutation: { setPaymentMethod }, Organization, PaymentAttempt },
  context: ({ tenants, paymentProvider }) => {
    const payments = paymentOperations(paymentRepository(tenants), paymentProvider);
    return ({ auth }) => ({
      payments,
      paymentMethodByOrganizationId: new DataLoader((organizationIds: readonly string[]) =>
        payments.paymentMethodsOf(auth, organizationIds),
      ),
    });
  },
});
