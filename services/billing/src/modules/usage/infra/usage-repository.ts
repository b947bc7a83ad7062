import type { TenantDatabase } from '@platform/service-kit';
import { USAGE_METRICS, USAGE_THRESHOLDS } from '@platform/events/catalog';
import type { Prisma } from '../../../generated/prisma/client';
import { PlanId } from '../../plan/domain/plan';
import { planRepository } from '../../plan/infra/plan-repository';
import { subscriptionTransaction } from '../../subscription/infra/subscription-repository';
import { usageLimits, type UsageLimits, type UsageMetric, type UsageThreshold } from '../domain/usage';
import type { MetricTotals, UsageLedger, UsageRepository } from '../domain/usage-repository';
import type { UsagePeriod } from '../domain/usage-period';

type Transaction = Prisma.TransactionClient;

const isUsageMetric = (value: string): value is UsageMetric =>
  (USAGE_METRICS as readonly string[]).includes(value);
const isUsageThreshold = (value: number): value is UsageThreshold =>
  (USAGE_THRESHOLDS as readonly number[]).includes(value);

function metricOf(value: string): UsageMetric {
  // The column is the UsageMetric enum, whose values the migration took from the catalog.
  if (!isUsageMetric(value)) throw new Error(`usage: ${value} is not a metric of the event catalog`);
  return value;
}

/**
 * The limits of the organization's current plan, read through the subscription module's own calls only
 * (its tables are being reworked). An organization without a live subscription has Free's limits, as
 * crm assumes too: every organization starts there.
 */
async function currentLimits(tx: Transaction, organizationId: string): Promise<UsageLimits> {
  const subscription = await subscriptionTransaction(tx).current(organizationId);
  const planId = subscription?.planId ?? PlanId.free;
  const [plan] = await planRepository(tx).byIds([planId]);
  if (!plan) throw new Error(`plan ${planId} is missing from the plans table`);
  return usageLimits(plan);
}

/** One organization's usage inside the caller's tenant transaction. */
export function usageLedger(tx: Transaction, organizationId: string): UsageLedger {
  const key = (metric: UsageMetric, sourceKey: string) => ({
    organizationId_metric_sourceKey: { organizationId, metric, sourceKey },
  });
  return {
    async source(metric, source) {
      // A no-op update on conflict locks the existing row and returns it; a new row starts at 0.
      const [row] = await tx.$queryRaw<Array<{ amount: bigint; measured_at: Date }>>`
        INSERT INTO usage_sources (organization_id, metric, source_key, amount, measured_at)
        VALUES (${organizationId}::uuid, ${metric}::"UsageMetric", ${source}, 0, to_timestamp(0))
        ON CONFLICT (organization_id, metric, source_key) DO UPDATE SET amount = usage_sources.amount
        RETURNING amount, measured_at`;
      if (!row) throw new Error('usage: the source upsert returned no row');
      return { amount: row.amount, measuredAt: row.measured_at };
    },

    async setSource(metric, source, { amount, measuredAt }) {
      await tx.usageSource.update({ where: key(metric, source), data: { amount, measuredAt } });
    },

    async count(metric, hour, delta) {
      await tx.$executeRaw`
        INSERT INTO usage_records (organization_id, metric, hour, quantity, peak)
        VALUES (${organizationId}::uuid, ${metric}::"UsageMetric", ${hour}, ${delta}, NULL)
        ON CONFLICT (organization_id, metric, hour)
        DO UPDATE SET quantity = usage_records.quantity + EXCLUDED.quantity`;
    },

    async moveGauge(metric, delta, hour) {
      // One statement: the gauge row's lock orders concurrent moves; the hour never goes back (a late
      // event lands in the latest hour written), and an hour's first change keeps the value it started
      // from as its peak when the change lowers it.
      const [row] = await tx.$queryRaw<Array<{ quantity: bigint }>>`
        WITH moved AS (
          INSERT INTO usage_gauges (organization_id, metric, value, hour)
          VALUES (${organizationId}::uuid, ${metric}::"UsageMetric", ${delta}, ${hour})
          ON CONFLICT (organization_id, metric) DO UPDATE
            SET value = usage_gauges.value + EXCLUDED.value, hour = greatest(usage_gauges.hour, EXCLUDED.hour)
          RETURNING value, hour
        )
        INSERT INTO usage_records (organization_id, metric, hour, quantity, peak)
        SELECT ${organizationId}::uuid, ${metric}::"UsageMetric", hour, value, greatest(value, value - ${delta})
          FROM moved
        ON CONFLICT (organization_id, metric, hour)
        DO UPDATE SET quantity = EXCLUDED.quantity, peak = greatest(usage_records.peak, EXCLUDED.quantity)
        RETURNING quantity`;
      if (!row) throw new Error('usage: the gauge move returned no row');
      return row.quantity;
    },

    async gauges() {
      const rows = await tx.$queryRaw<Array<{ metric: string; value: bigint }>>`
        SELECT metric::text AS metric, value FROM usage_gauges
         WHERE organization_id = ${organizationId}::uuid FOR UPDATE`;
      const values: Record<UsageMetric, bigint> = {
        contacts: 0n,
        custom_fields: 0n,
        storage_bytes: 0n,
        api_calls: 0n,
        ai_tokens: 0n,
        ai_tasks: 0n,
      };
      for (const row of rows) values[metricOf(row.metric)] = row.value;
      return values;
    },

    async announced(metric) {
      const rows = await tx.usageAlert.findMany({ where: { organizationId, metric } });
      return rows.flatMap((row) =>
        isUsageThreshold(row.threshold) ? [{ threshold: row.threshold, limit: row.limitValue }] : [],
      );
    },

    async announce(metric, thresholds, limit, used, at) {
      for (const threshold of thresholds) {
        const data = { limitValue: limit, used, reachedAt: at };
        await tx.usageAlert.upsert({
          where: { organizationId_metric_threshold: { organizationId, metric, threshold } },
          create: { organizationId, metric, threshold, ...data },
          update: data,
        });
      }
    },

    async rearm(metric, thresholds) {
      await tx.usageAlert.deleteMany({
        where: { organizationId, metric, threshold: { in: [...thresholds] } },
      });
    },

    limits: () => currentLimits(tx, organizationId),
  };
}

interface TotalsRow {
  metric: string;
  used: bigint;
  closing: bigint;
  peak: bigint;
}

/** Every metric's totals over the period, for one organization, inside an open transaction (one statement). */
export async function usageTotalsIn(
  tx: Transaction,
  organizationId: string,
  { from, to }: UsagePeriod,
): Promise<MetricTotals[]> {
  // Counter hours of the period, and every gauge hour before its end (a gauge's opening value is
  // its last hour before the period). Gauge hours have a peak, counter hours none.
  const rows = await tx.$queryRaw<TotalsRow[]>`
    SELECT metric::text AS metric,
           coalesce(sum(quantity) FILTER (WHERE hour >= ${from}), 0)::bigint AS used,
           coalesce((array_agg(quantity ORDER BY hour DESC))[1], 0)::bigint AS closing,
           greatest(
             coalesce((array_agg(quantity ORDER BY hour DESC) FILTER (WHERE hour < ${from}))[1], 0),
             max(peak) FILTER (WHERE hour >= ${from})
           )::bigint AS peak
      FROM usage_records
     WHERE organization_id = ${organizationId}::uuid AND hour < ${to}
       AND (hour >= ${from} OR peak IS NOT NULL)
     GROUP BY metric`;
  return rows.map((row) => ({ ...row, metric: metricOf(row.metric) }));
}

/** Usage reads over Prisma, each in the organization's tenant transaction. */
export function usageRepository(db: TenantDatabase<Transaction>): UsageRepository {
  return {
    totals: (organizationId, period) =>
      db.read(organizationId, (tx) => usageTotalsIn(tx, organizationId, period)),
    limits: (organizationId) => db.read(organizationId, (tx) => currentLimits(tx, organizationId)),
    billingPeriod: (organizationId) =>
      db.read(organizationId, async (tx) => {
        const current = await subscriptionTransaction(tx).current(organizationId);
        return current ? { from: current.state.period.start, to: current.state.period.end } : null;
      }),
  };
}
