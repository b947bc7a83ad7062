import { randomUUID } from 'node:crypto';
import { appendToOutbox, createEvent } from '@platform/events';
import { withTenant } from '@platform/service-kit';
import { entitlements, type OrganizationSubscription, type Plan, type PlanId } from '../domain/plans';
import type { Prisma } from '../generated/prisma/client';
import type { Database, Transaction } from './database';

const EVENT_SOURCE = '/services/billing';

type PlanRow = Prisma.PlanGetPayload<object>;
type SubscriptionRow = Prisma.OrganizationSubscriptionGetPayload<object>;

export function toPlan(row: PlanRow): Plan {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    seatPriceMonthlyCents: row.seatPriceMonthlyCents,
    defaultSeats: row.defaultSeats,
    features: {
      contactLimit: row.contactLimit,
      customFieldLimit: row.customFieldLimit,
      storageGb: row.storageGb,
      aiInsights: row.aiInsights,
      apiAccess: row.apiAccess,
      interactionTracking: row.interactionTracking,
      support: row.support,
    },
  };
}

function toSubscription(row: SubscriptionRow): OrganizationSubscription {
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

export function createBillingStore(db: Database) {
  return {
    async plans(): Promise<Plan[]> {
      return (await db.plan.findMany({ orderBy: { sortOrder: 'asc' } })).map(toPlan);
    },

    /** The organization's current subscription (the newest one that is not over). */
    async currentSubscription(organizationId: string): Promise<OrganizationSubscription | null> {
      const row = await withTenant(db, organizationId, (tx) =>
        tx.organizationSubscription.findFirst({
          where: { organizationId, status: { in: ['pending', 'active', 'past_due'] } },
          orderBy: { startDate: 'desc' },
        }),
      );
      return row ? toSubscription(row) : null;
    },

    /**
     * Provisions a plan for a new organization inside the caller's transaction and records
     * billing.subscription.activated.v1 with the plan's entitlements. Idempotent per organization:
     * an organization that already has a live subscription keeps it.
     */
    async provision(tx: Transaction, organizationId: string, planId: PlanId, at: Date): Promise<void> {
      const existing = await tx.organizationSubscription.findFirst({
        where: { organizationId, status: { in: ['pending', 'active', 'past_due'] } },
      });
      if (existing) return;
      const plan = toPlan(await tx.plan.findUniqueOrThrow({ where: { id: planId } }));
      const subscription = toSubscription(
        await tx.organizationSubscription.create({
          data: {
            id: randomUUID(),
            organizationId,
            planId,
            status: 'active',
            billingCycle: 'monthly',
            seatsLimit: plan.defaultSeats,
            startDate: at,
          },
        }),
      );
      await appendToOutbox(tx, [
        createEvent('billing.subscription.activated.v1', {
          source: EVENT_SOURCE,
          subject: subscription.id,
          tenantId: organizationId,
          data: {
            subscriptionId: subscription.id,
            organizationId,
            planId,
            status: subscription.status,
            startDate: subscription.startDate.toISOString(),
            entitlements: entitlements(plan),
          },
        }),
      ]);
    },
  };
}

export type BillingStore = ReturnType<typeof createBillingStore>;
