import type { TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { PaymentCustomer } from '../domain/payment-method';
import type { PaymentRepository } from '../domain/payment-repository';
import { PAYMENT_REQUESTED_CHANNEL } from './payment-attempts';

type Transaction = Prisma.TransactionClient;

/** The organization's customer at the payment provider, inside an open tenant transaction. */
export async function paymentCustomerOf(
  tx: Transaction,
  organizationId: string,
): Promise<PaymentCustomer | null> {
  const row = await tx.paymentCustomer.findUnique({ where: { organizationId } });
  if (!row) return null;
  const { cardBrand, cardLast4, cardExpMonth, cardExpYear } = row;
  return {
    organizationId: row.organizationId,
    provider: row.provider,
    customerId: row.providerCustomerId,
    paymentMethodId: row.paymentMethodId,
    card:
      cardBrand !== null && cardLast4 !== null && cardExpMonth !== null && cardExpYear !== null
        ? { brand: cardBrand, last4: cardLast4, expMonth: cardExpMonth, expYear: cardExpYear }
        : null,
  };
}

/** Customers over Prisma, each call in the organization's tenant transaction (row-level security). */
export function paymentRepository(db: TenantDatabase<Transaction>): PaymentRepository {
  return {
    customer: (organizationId) => db.read(organizationId, (tx) => paymentCustomerOf(tx, organizationId)),
    async saveCustomer(customer) {
      const data = {
        provider: customer.provider,
        providerCustomerId: customer.customerId,
        paymentMethodId: customer.paymentMethodId,
        cardBrand: customer.card?.brand ?? null,
        cardLast4: customer.card?.last4 ?? null,
        cardExpMonth: customer.card?.expMonth ?? null,
        cardExpYear: customer.card?.expYear ?? null,
      };
      // No domain event: the audit trail records the operation (billing.setPaymentMethod), not the card.
      await db.write(customer.organizationId, [], async (tx) => {
        await tx.paymentCustomer.upsert({
          where: { organizationId: customer.organizationId },
          create: { organizationId: customer.organizationId, ...data },
          update: data,
        });
        // Wakes the dispatcher after the commit: a subscription waiting for a customer to hold its
        // provider-side subscription gets one now rather than at the next poll.
        await tx.$executeRaw`select pg_notify(${PAYMENT_REQUESTED_CHANNEL}, '')`;
      });
    },
  };
}
