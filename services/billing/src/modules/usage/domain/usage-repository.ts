import type { AnnouncedThreshold, UsageLimits, UsageMetric, UsageThreshold } from './usage';
import type { UsagePeriod } from './usage-period';

/** What a source contributes now (amount 0 and the epoch for a source not seen before). */
export interface SourceAmount {
  amount: bigint;
  measuredAt: Date;
}

/**
 * One organization's usage inside an open tenant transaction (the usage consumer's), so the metering,
 * the consumer's idempotency mark and the outbox rows of the thresholds it reached commit together.
 * infra/usage-repository.ts implements it.
 */
export interface UsageLedger {
  /** Locks the source's row until commit (creating it at 0) and reads what it contributes now. */
  source(metric: UsageMetric, source: string): Promise<SourceAmount>;
  setSource(metric: UsageMetric, source: string, amount: SourceAmount): Promise<void>;
  /** Adds `delta` to the counter's hour. */
  count(metric: UsageMetric, hour: Date, delta: bigint): Promise<void>;
  /**
   * Moves the gauge by `delta` in one atomic update (concurrent moves of one gauge take turns until
   * commit) and records its value in the hour (its peak too); returns the value now.
   */
  moveGauge(metric: UsageMetric, delta: bigint, hour: Date): Promise<bigint>;
  /** The gauges' values now, locked until commit (0 for a gauge never moved). */
  gauges(): Promise<Record<UsageMetric, bigint>>;
  /** The thresholds of the metric announced and not re-armed. */
  announced(metric: UsageMetric): Promise<AnnouncedThreshold[]>;
  /** Stores thresholds as announced against `limit`, at `used`. */
  announce(
    metric: UsageMetric,
    thresholds: readonly UsageThreshold[],
    limit: bigint,
    used: bigint,
    at: Date,
  ): Promise<void>;
  rearm(metric: UsageMetric, thresholds: readonly UsageThreshold[]): Promise<void>;
  /** The limits of the organization's current plan. */
  limits(): Promise<UsageLimits>;
}

/** A metric's hours in a period, summed up (a metric without any hour reads as zero). */
export interface MetricTotals {
  metric: UsageMetric;
  /** Counters: the sum of the period's hours. */
  used: bigint;
  /**
   * Gauges: the value at the end of the last hour with a change before the period's end (the value
   * the period started with, if none of its hours has a change).
   */
  closing: bigint;
  /** Gauges: the highest value in the period: its hours' peaks, and the value it started with. */
  peak: bigint;
}

/** What the usage reads need of storage. */
export interface UsageRepository {
  /** Every metric's totals over the period, for one organization (one statement). */
  totals(organizationId: string, period: UsagePeriod): Promise<MetricTotals[]>;
  limits(organizationId: string): Promise<UsageLimits>;
  /** The current billing period of the organization's subscription; null without a live one. */
  billingPeriod(organizationId: string): Promise<UsagePeriod | null>;
}
