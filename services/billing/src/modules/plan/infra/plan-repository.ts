import { orderByKeys } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import { isPlanId, type Plan } from '../domain/plan';
import type { PlanRepository } from '../domain/plan-repository';

type PlanRow = Prisma.PlanGetPayload<object>;

/** What the plan queries need of the client: plans are global, so no tenant transaction. */
interface PlanClient {
  plan: Pick<Prisma.TransactionClient['plan'], 'findMany'>;
  planPrice: Pick<Prisma.TransactionClient['planPrice'], 'findMany'>;
}

export function toPlan(row: PlanRow): Plan {
  // The ids are a contract with the event catalog; a row with another id is a broken migration.
  if (!isPlanId(row.id)) throw new Error(`plans: row ${row.id} is not a plan id of the event catalog`);
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

/** Plans over Prisma: a global table of four rows written by the migrations. */
export function planRepository(db: PlanClient): PlanRepository {
  return {
    async all() {
      return (await db.plan.findMany({ orderBy: { sortOrder: 'asc' } })).map(toPlan);
    },
    async pricesOf(planIds) {
      const rows = await db.planPrice.findMany({
        where: { planId: { in: [...planIds] } },
        orderBy: [{ planId: 'asc' }, { currency: 'asc' }],
      });
      return planIds.map((planId) =>
        rows
          .filter((row) => row.planId === planId)
          .map((row) => ({ currency: row.currency, seatPriceMonthlyMinor: row.seatPriceMonthlyMinor })),
      );
    },
    async byIds(ids) {
      const rows = await db.plan.findMany({ where: { id: { in: [...ids] } } });
      return orderByKeys(ids, rows.map(toPlan), (plan) => plan.id);
    },
  };
}
