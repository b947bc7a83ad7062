import type { PaymentCustomer } from './payment-method';

/** Where billing keeps each organization's customer at the payment provider. */
export interface PaymentRepository {
  /** The organization's customer, or null before its first payment method. */
  customer(organizationId: string): Promise<PaymentCustomer | null>;
  /** Creates or replaces the organization's customer and its card. */
  saveCustomer(customer: PaymentCustomer): Promise<void>;
}
