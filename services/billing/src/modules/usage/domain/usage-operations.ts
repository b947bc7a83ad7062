import type { Actor } from '@platform/domain';
import { USAGE_METRICS } from '@platform/events/catalog';
import {
  decideThresholds,
  GAUGES,
  hourOf,
  METRIC_KINDS,
  thresholdReached,
  UsageMetricKind,
  type Measurement,
  type UsageLimits,
  type UsageMetric,
  type UsageThresholdReached,
} from './usage';
import { usagePeriod } from './usage-period';
import type { MetricTotals, UsageLedger, UsageRepository } from './usage-repository';

/**
 * Decides the metric's thresholds after its usage moved to `used`: re-arms what usage fell below,
 * stores what it reached, and returns the event announcing the highest threshold newly reached.
 */
async function settleThresholds(
  ledger: UsageLedger,
  organizationId: string,
  metric: UsageMetric,
  used: bigint,
  limits: UsageLimits,
  at: Date,
): Promise<UsageThresholdReached[]> {
  const limit = limits.limits[metric];
  const decision = decideThresholds(used, limit, await ledger.announced(metric));
  if (decision.rearmed.length > 0) await ledger.rearm(metric, decision.rearmed);
  if (limit === null || decision.announce === null) return [];
  await ledger.announce(metric, decision.reached, limit, used, at);
  return [
    thresholdReached({
      organizationId,
      metric,
      threshold: decision.announce,
      used,
      limit,
      planId: limits.planId,
      at,
    }),
  ];
}

/**
 * Applies an event's measurements to the organization's usage: each source's amount is replaced (unless
 * the measurement is older than the one it has), and only the difference moves the counter's hour or the
 * gauge. Returns the threshold events the gauges' moves imply, for the caller's outbox.
 */
export async function meter(
  ledger: UsageLedger,
  organizationId: string,
  measurements: readonly Measurement[],
): Promise<UsageThresholdReached[]> {
  const events: UsageThresholdReached[] = [];
  let limits: UsageLimits | undefined;
  for (const measurement of measurements) {
    const { metric, source, amount, measuredAt } = measurement;
    const previous = await ledger.source(metric, source);
    if (measuredAt.getTime() < previous.measuredAt.getTime()) continue;
    const delta = amount - previous.amount;
    if (delta === 0n && measuredAt.getTime() === previous.measuredAt.getTime()) continue;
    await ledger.setSource(metric, source, { amount, measuredAt });
    if (delta === 0n) continue;
    const hour = hourOf(measurement.usedAt);
    if (METRIC_KINDS[metric] === UsageMetricKind.counter) {
      await ledger.count(metric, hour, delta);
      continue;
    }
    const value = await ledger.moveGauge(metric, delta, hour);
    limits ??= await ledger.limits();
    events.push(
      ...(await settleThresholds(ledger, organizationId, metric, value, limits, measurement.usedAt)),
    );
  }
  return events;
}

/**
 * Decides every gauge's thresholds again against the current plan's limits (after the entitlements
 * changed): a raised limit re-arms, a lowered one may announce at once.
 */
export async function recheckThresholds(
  ledger: UsageLedger,
  organizationId: string,
  at: Date,
): Promise<UsageThresholdReached[]> {
  const values = await ledger.gauges();
  const limits = await ledger.limits();
  const events: UsageThresholdReached[] = [];
  for (const metric of GAUGES) {
    events.push(...(await settleThresholds(ledger, organizationId, metric, values[metric], limits, at)));
  }
  return events;
}

/** One metric's usage in a period, with the plan's limit. */
export interface MetricUsage {
  metric: UsageMetric;
  kind: UsageMetricKind;
  /** Counters: used in the period. Gauges: the value at the period's end (now, if it has not ended). */
  quantity: bigint;
  /** Gauges: the highest value during the period; null for counters. */
  peak: bigint | null;
  /** The plan's limit; null = unlimited or not limited. */
  limit: bigint | null;
  /** quantity / limit in percent, to one decimal (rounded down); null without a limit. */
  percentOfLimit: number | null;
}

/** An organization's usage of every metric in a period. */
export interface OrganizationUsage {
  organizationId: string;
  /** Start of the first hour covered. */
  from: Date;
  /** End of the last hour covered (exclusive). */
  to: Date;
  /** Every metric, in the catalog's order. */
  metrics: MetricUsage[];
}

/** quantity / limit in percent, rounded down to one decimal; a limit of 0 is full at once. */
export function percentOf(quantity: bigint, limit: bigint | null): number | null {
  if (limit === null) return null;
  if (limit === 0n) return quantity > 0n ? 100 : 0;
  return Number((quantity * 1000n) / limit) / 10;
}

/** The usage of each metric from its totals (a metric without totals used nothing). */
export function summarize(
  organizationId: string,
  period: { from: Date; to: Date },
  totals: readonly MetricTotals[],
  limits: UsageLimits,
): OrganizationUsage {
  const metrics = USAGE_METRICS.map((metric): MetricUsage => {
    const found = totals.find((entry) => entry.metric === metric);
    const kind = METRIC_KINDS[metric];
    const gauge = kind === UsageMetricKind.gauge;
    const quantity = (gauge ? found?.closing : found?.used) ?? 0n;
    const limit = limits.limits[metric];
    return {
      metric,
      kind,
      quantity,
      peak: gauge ? (found?.peak ?? 0n) : null,
      limit,
      percentOfLimit: percentOf(quantity, limit),
    };
  });
  return { organizationId, ...period, metrics };
}

/** The usage reads: who may see what. */
export function usageOperations(repository: UsageRepository, now: () => Date) {
  return {
    /**
     * The organization's usage in the period asked for (default: its current billing period, or the
     * current calendar month in UTC without a subscription).
     * Only an organization itself sees its usage: for anyone else it reads as null, and nothing is read.
     */
    async of(
      actor: Actor,
      organizationId: string,
      request: { from?: Date | null; to?: Date | null },
    ): Promise<OrganizationUsage | null> {
      if (actor.organizationId !== organizationId) return null;
      const asksDefault = !request.from || !request.to;
      const billing = asksDefault ? await repository.billingPeriod(organizationId) : null;
      const period = usagePeriod(request, now(), billing);
      const totals = await repository.totals(organizationId, period);
      return summarize(organizationId, period, totals, await repository.limits(organizationId));
    },
  };
}

export type UsageOperations = ReturnType<typeof usageOperations>;
