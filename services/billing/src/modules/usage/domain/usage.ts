/** Usage metering: what billing meters, from which events, and when a plan limit is near. No I/O here. */
import {
  createEvent,
  USAGE_METRICS,
  USAGE_THRESHOLDS,
  type CatalogEvent,
  type CloudEvent,
  type EventData,
} from '@platform/events/catalog';
import { enumObject } from '@platform/domain';
import type { Plan, PlanId } from '../../plan/domain/plan';
import type { MetricTotals } from './usage-repository';

/** The producer billing's events name. */
const EVENT_SOURCE = '/services/billing';

/** What is metered. Values from the event catalog (billing.usage.threshold_reached.v1 carries them). */
export const UsageMetric = enumObject(USAGE_METRICS);
export type UsageMetric = (typeof USAGE_METRICS)[number];

/**
 * A gauge says how many there are (it goes up and down; a period shows its value and its peak), a
 * counter how many were used (it only adds up; a period shows its sum).
 */
export const USAGE_METRIC_KINDS = ['gauge', 'counter'] as const;
export const UsageMetricKind = enumObject(USAGE_METRIC_KINDS);
export type UsageMetricKind = (typeof USAGE_METRIC_KINDS)[number];

export const METRIC_KINDS: Readonly<Record<UsageMetric, UsageMetricKind>> = {
  contacts: UsageMetricKind.gauge,
  custom_fields: UsageMetricKind.gauge,
  storage_bytes: UsageMetricKind.gauge,
  api_calls: UsageMetricKind.counter,
  ai_tokens: UsageMetricKind.counter,
  ai_tasks: UsageMetricKind.counter,
};

export const GAUGES: readonly UsageMetric[] = USAGE_METRICS.filter(
  (metric) => METRIC_KINDS[metric] === UsageMetricKind.gauge,
);

export type UsageThreshold = (typeof USAGE_THRESHOLDS)[number];

/**
 * What one source contributes to a metric as of one event: a contact or a custom field (1 while it
 * lives, 0 once deleted or archived), a stored object (its bytes), an AI task (its tokens; 1 task), a
 * gateway replica's window (its calls). Amounts are absolute, never changes: applying a measurement
 * moves the totals by the difference to the source's previous amount, so the same measurement applied
 * twice (a redelivery, a producer publishing again) moves nothing.
 */
export interface Measurement {
  metric: UsageMetric;
  /** Who contributes (unique per metric and organization). */
  source: string;
  amount: bigint;
  /** When the usage happened: the hour it belongs to. */
  usedAt: Date;
  /** The event's time: a source's amount is replaced only by a measurement at least as recent. */
  measuredAt: Date;
}

/** The events billing meters (consumer group billing.usage). */
export const METERED_EVENT_TYPES = [
  'crm.contact.created.v1',
  'crm.contact.deleted.v1',
  'crm.contact.restored.v1',
  'crm.contact.merged.v1',
  'crm.custom_field.created.v1',
  'crm.custom_field.archived.v1',
  'crm.custom_field.restored.v1',
  'conversations.storage_object.changed.v1',
  'gateway.api_calls.counted.v1',
  'conversations.ai_usage.recorded.v1',
  'automation.ai_usage.recorded.v1',
] as const;
export type MeteredEventType = (typeof METERED_EVENT_TYPES)[number];
export type MeteredEvent = CatalogEvent<MeteredEventType>;

function measurement(
  metric: UsageMetric,
  source: string,
  amount: bigint | number,
  usedAt: string,
  event: { time: string },
): Measurement {
  return {
    metric,
    source,
    amount: BigInt(amount),
    usedAt: new Date(usedAt),
    measuredAt: new Date(event.time),
  };
}

/** The organization an event's data names (it must be the event's tenant). */
export function organizationOf(event: MeteredEvent): string {
  return event.data.organizationId;
}

/** The metering rules: what each event says about the organization's usage. */
export function measurementsOf(event: MeteredEvent): Measurement[] {
  switch (event.type) {
    case 'crm.contact.created.v1':
      return [measurement('contacts', event.data.contactId, 1, event.data.createdAt, event)];
    case 'crm.contact.restored.v1':
      return [measurement('contacts', event.data.contactId, 1, event.data.restoredAt, event)];
    case 'crm.contact.deleted.v1':
      return [measurement('contacts', event.data.contactId, 0, event.data.deletedAt, event)];
    // crm also publishes crm.contact.deleted.v1 for the duplicate: both set it to 0, which counts once.
    case 'crm.contact.merged.v1':
      return [measurement('contacts', event.data.mergedContactId, 0, event.data.mergedAt, event)];
    // The plan's custom field limit counts live fields of every entity type together (as crm enforces it).
    case 'crm.custom_field.created.v1':
      return [measurement('custom_fields', event.data.definitionId, 1, event.data.createdAt, event)];
    case 'crm.custom_field.restored.v1':
      return [measurement('custom_fields', event.data.definitionId, 1, event.data.restoredAt, event)];
    case 'crm.custom_field.archived.v1':
      return [measurement('custom_fields', event.data.definitionId, 0, event.data.archivedAt, event)];
    case 'conversations.storage_object.changed.v1':
      return [
        measurement(
          'storage_bytes',
          event.data.objectId,
          event.data.deleted ? 0 : event.data.sizeBytes,
          event.data.changedAt,
          event,
        ),
      ];
    case 'gateway.api_calls.counted.v1':
      return [
        measurement(
          'api_calls',
          `${event.data.replicaId}@${event.data.windowStart}`,
          event.data.calls,
          event.data.windowStart,
          event,
        ),
      ];
    case 'conversations.ai_usage.recorded.v1':
    case 'automation.ai_usage.recorded.v1': {
      // Task ids are UUIDs, but the producer names the source anyway: two services, two id spaces.
      const source = `${event.type.slice(0, event.type.indexOf('.'))}:${event.data.aiTaskId}`;
      const tokens = event.data.inputTokens + event.data.outputTokens;
      return [
        measurement('ai_tokens', source, tokens, event.data.finishedAt, event),
        measurement('ai_tasks', source, 1, event.data.finishedAt, event),
      ];
    }
  }
}

const HOUR_MS = 3_600_000;

/** The start of the UTC hour `at` falls in: usage is kept per hour. */
export function hourOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/** The start of the first UTC hour that begins at or after `at`. */
export function hourCeiling(at: Date): Date {
  return new Date(Math.ceil(at.getTime() / HOUR_MS) * HOUR_MS);
}

/** Storage quotas are in GB; billing counts a GB as 2^30 bytes (GiB), the way storage is usually metered. */
export const BYTES_PER_GB = 2n ** 30n;

/** The plan's limit for each metric; null = unlimited, or no limit on that metric. */
export interface UsageLimits {
  planId: PlanId;
  limits: Readonly<Record<UsageMetric, bigint | null>>;
}

const limit = (value: number | null, unit = 1n): bigint | null =>
  value === null ? null : BigInt(value) * unit;

/** Limits come from the plan's feature matrix; API calls and AI usage have none (they are metered only). */
export function usageLimits(plan: Plan): UsageLimits {
  return {
    planId: plan.id,
    limits: {
      contacts: limit(plan.features.contactLimit),
      custom_fields: limit(plan.features.customFieldLimit),
      storage_bytes: limit(plan.features.storageGb, BYTES_PER_GB),
      api_calls: null,
      ai_tokens: null,
      ai_tasks: null,
    },
  };
}

/** A threshold that was announced and is not re-armed: reached against `limit`. */
export interface AnnouncedThreshold {
  threshold: UsageThreshold;
  limit: bigint;
}

export interface ThresholdDecision {
  /** Reached and not announced at this limit yet: stored as announced now. */
  reached: UsageThreshold[];
  /** The one to publish: the highest of `reached` (one change crossing 80 and 100 announces 100). */
  announce: UsageThreshold | null;
  /** Announced before and no longer reached (usage fell below it, or the limit is gone): re-armed. */
  rearmed: UsageThreshold[];
}

/** Whether `used` is at or over `threshold` percent of `limit` (nothing used reaches nothing). */
export function reaches(used: bigint, limit: bigint, threshold: UsageThreshold): boolean {
  return used > 0n && used * 100n >= BigInt(threshold) * limit;
}

/**
 * Once per crossing: a threshold is announced when usage reaches it and it was not announced at this
 * limit; it is re-armed when usage falls below it or the limit goes away; a different limit re-arms it
 * too (announced again at once if usage is still over it).
 */
export function decideThresholds(
  used: bigint,
  limit: bigint | null,
  announced: readonly AnnouncedThreshold[],
): ThresholdDecision {
  const reached: UsageThreshold[] = [];
  const rearmed: UsageThreshold[] = [];
  for (const threshold of USAGE_THRESHOLDS) {
    const before = announced.find((entry) => entry.threshold === threshold);
    if (limit !== null && reaches(used, limit, threshold)) {
      if (before?.limit !== limit) reached.push(threshold);
    } else if (before) {
      rearmed.push(threshold);
    }
  }
  // USAGE_THRESHOLDS ascend, so the last one reached is the highest.
  return { reached, announce: reached.at(-1) ?? null, rearmed };
}

export type UsageThresholdReached = CloudEvent<
  'billing.usage.threshold_reached.v1',
  EventData<'billing.usage.threshold_reached.v1'>
>;

/** billing.usage.threshold_reached.v1, keyed by the organization (its alerts stay in order). */
export function thresholdReached(input: {
  organizationId: string;
  metric: UsageMetric;
  threshold: UsageThreshold;
  used: bigint;
  limit: bigint;
  planId: PlanId;
  at: Date;
}): UsageThresholdReached {
  return createEvent('billing.usage.threshold_reached.v1', {
    source: EVENT_SOURCE,
    subject: input.organizationId,
    tenantId: input.organizationId,
    time: input.at,
    data: {
      organizationId: input.organizationId,
      metric: input.metric,
      threshold: input.threshold,
      // Exact: usage and limits stay far below 2^53 (a petabyte is 2^50 bytes).
      used: Number(input.used),
      limit: Number(input.limit),
      planId: input.planId,
      reachedAt: input.at.toISOString(),
    },
  });
}

/** How a metric reads on an invoice. */
const INVOICE_LABELS: Readonly<Record<UsageMetric, string>> = {
  contacts: 'Contacts stored (peak)',
  custom_fields: 'Custom fields (peak)',
  storage_bytes: 'Storage in bytes (peak)',
  api_calls: 'API calls',
  ai_tokens: 'AI tokens',
  ai_tasks: 'AI tasks',
};

/** A metered line of an invoice: what was used in the period (the plans include it: no charge). */
export interface InvoiceUsage {
  metric: UsageMetric;
  description: string;
  quantity: bigint;
}

/**
 * The usage an invoice reports for the period that just ended: counters by what was used, gauges by
 * their peak; metrics that used nothing are left out. Plans price seats, not usage, so these lines
 * inform and cost nothing.
 */
export function invoiceUsage(totals: readonly MetricTotals[]): InvoiceUsage[] {
  return USAGE_METRICS.flatMap((metric) => {
    const found = totals.find((entry) => entry.metric === metric);
    const quantity = METRIC_KINDS[metric] === 'gauge' ? (found?.peak ?? 0n) : (found?.used ?? 0n);
    return quantity > 0n
      ? [{ metric, description: `${INVOICE_LABELS[metric]}, included in the plan`, quantity }]
      : [];
  });
}
