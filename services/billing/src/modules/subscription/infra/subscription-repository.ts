import type { TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import { isPlanId } from '../../plan/domain/plan';
import { planRepository } from '../../plan/infra/plan-repository';
import { LIVE_STATUSES, type Subscription } from '../domain/subscription';
import type { SubscriptionRepository, SubscriptionTransaction } from '../domain/subscription-repository';

type SubscriptionRow = Prisma.OrganizationSubscriptionGetPayload<object>;

function toSubscription(row: SubscriptionRow): Subscription {
  // plan_id references plans(id), whose ids the migrations keep to the catalog's plan codes.
  if (!isPlanId(row.planId)) throw new Error(`subscription ${row.id} names unknown plan ${row.planId}`);
  return {
    id: row.id,
    organizationId: row.organizationId,
    planId: row.planId,
    status: row.status,
    billingCycle: row.billingCycle,
    seatsLimit: row.seatsLimit,
    startDate: row.startDate,
    endDate: row.endDate,
  };
}

/** Subscriptions inside an open tenant transaction (the provisioning consumer's). */
export function subscriptionTransaction(tx: Prisma.TransactionClient): SubscriptionTransaction {
  return {
    async current(organizationId) {
      const row = await tx.organizationSubscription.findFirst({
        where: { organizationId, status: { in: [...LIVE_STATUSES] } },
        orderBy: [{ startDate: 'desc' }, { id: 'desc' }],
      });
      return row ? toSubscription(row) : null;
    },

    async plan(id) {
      const [plan] = await planRepository(tx).byIds([id]);
      if (!plan) throw new Error(`plan ${id} is missing from the plans table`);
      return plan;
    },

    async add(subscription) {
      await tx.organizationSubscription.create({
        data: {
          id: subscription.id,
          organizationId: subscription.organizationId,
          planId: subscription.planId,
          status: subscription.status,
          billingCycle: subscription.billingCycle,
          seatsLimit: subscription.seatsLimit,
          startDate: subscription.startDate,
          endDate: subscription.endDate,
        },
      });
    },
  };
}

/**
 * Subscriptions over Prisma. Every call runs in the organization's tenant transaction (row-level
 * security backs up the explicit organization filter).
 */
export function subscriptionRepository(db: TenantDatabase<Prisma.TransactionClient>): SubscriptionRepository {
  return {
    current: (organizationId) =>
      db.read(organizationId, (tx) => subscriptionTransaction(tx).current(organizationId)),
  };
}
