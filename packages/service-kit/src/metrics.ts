import type { EventConsumerObserver, PublishedBatch } from '@platform/events';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of one service (or the gateway), in a registry of its own: tests run every
 * service in one process, and each `/metrics` must show its own service only. Every series carries the
 * `service` label. The names and labels are listed in docs/observability.md.
 */
export interface ServiceMetrics {
  readonly service: string;
  readonly registry: Registry;
  /** The Prometheus text exposition of every series. */
  exposition(): Promise<{ contentType: string; body: string }>;
  /** One HTTP request answered (route: the matched path, `unmatched` otherwise). */
  recordHttpRequest(request: { route: string; method: string; status: number; seconds: number }): void;
  /** One GraphQL request: its operation type (`unknown` when refused before it was resolved). */
  recordGraphQLOperation(operationType: string): void;
  /** One error of a GraphQL response, by `extensions.code`. */
  recordGraphQLError(code: string): void;
  /** The outbox relay published a batch. */
  recordOutboxPublished(batch: PublishedBatch): void;
  /**
   * Samples the outbox backlog at scrape time (the service runtime gives its pool's query). A failed
   * sample leaves the gauges at their last values.
   */
  observeOutbox(sample: () => Promise<OutboxBacklog>): void;
  /** What every event consumer of the service reports to (creates the consumer series). */
  consumerObserver(): EventConsumerObserver;
}

/** Unpublished outbox rows: how many, and how long the oldest has waited. */
export interface OutboxBacklog {
  events: number;
  oldestAgeSeconds: number;
}

export interface ServiceMetricsOptions {
  /**
   * Node's process metrics (CPU, memory, event loop lag, GC). A process collects them once: the
   * service's process entry point turns them on, in-process starts (tests) leave them off.
   */
  processMetrics?: boolean;
}

/** Seconds; from a cheap health probe to a slow mutation behind the gateway's 10 s subgraph deadline. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Methods a label may take; anything else is `other`, so a client cannot invent series. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** An outbox sample is reused for this long: both gauges are collected from one query per scrape. */
const OUTBOX_SAMPLE_REUSE_MS = 1_000;

export function createServiceMetrics(service: string, options: ServiceMetricsOptions = {}): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving an HTTP request to finishing its response, by route and method.',
    labelNames: ['route', 'method'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const graphqlOperations = new Counter({
    name: 'graphql_operations_total',
    help: 'GraphQL requests, by operation type (unknown: refused before the operation was resolved).',
    labelNames: ['operation_type'] as const,
    registers,
  });
  const graphqlErrors = new Counter({
    name: 'graphql_errors_total',
    help: 'Errors in GraphQL responses, by extensions.code.',
    labelNames: ['code'] as const,
    registers,
  });

  // Series of an outbox and of consumers; created on first use, so a process that has neither does not
  // expose them empty (the gateway reports its API-call counts waiting to be published and its two
  // consumers, principals and realtime, through them).
  let outbox: { published: Counter<'topic'> } | null = null;
  const outboxSeries = () => {
    outbox ??= {
      published: new Counter({
        name: 'outbox_published_events_total',
        help: 'Events the outbox relay published to Kafka, by logical topic.',
        labelNames: ['topic'] as const,
        registers,
      }),
    };
    return outbox;
  };
  let consumerSeries: {
    lag: Gauge<'group' | 'topic' | 'partition'>;
    consumed: Counter<'group' | 'topic' | 'outcome'>;
    deadLettered: Counter<'group' | 'topic' | 'reason'>;
  } | null = null;
  const consumers = () => {
    consumerSeries ??= {
      lag: new Gauge({
        name: 'kafka_consumer_lag',
        help: 'Messages a consumer group is behind the end of a partition, as of its last handled batch.',
        labelNames: ['group', 'topic', 'partition'] as const,
        registers,
      }),
      consumed: new Counter({
        name: 'events_consumed_total',
        help: 'Events a consumer group finished with, by outcome (processed, duplicate, skipped, dead_lettered).',
        labelNames: ['group', 'topic', 'outcome'] as const,
        registers,
      }),
      deadLettered: new Counter({
        name: 'events_dead_lettered_total',
        help: 'Messages a consumer group parked on the dead-letter topic, by reason.',
        labelNames: ['group', 'topic', 'reason'] as const,
        registers,
      }),
    };
    return consumerSeries;
  };

  return {
    service,
    registry,
    async exposition() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    recordHttpRequest({ route, method, status, seconds }) {
      const knownMethod = KNOWN_METHODS.has(method) ? method : 'other';
      httpRequests.inc({ route, method: knownMethod, status: String(status) });
      httpDuration.observe({ route, method: knownMethod }, seconds);
    },
    recordGraphQLOperation(operationType) {
      graphqlOperations.inc({ operation_type: operationType });
    },
    recordGraphQLError(code) {
      graphqlErrors.inc({ code });
    },
    recordOutboxPublished(batch) {
      const { published } = outboxSeries();
      for (const [topic, count] of Object.entries(batch.countsByTopic)) published.inc({ topic }, count);
    },
    observeOutbox(sample) {
      outboxSeries();
      let last: { at: number; sample: Promise<OutboxBacklog | null> } | null = null;
      const current = (): Promise<OutboxBacklog | null> => {
        if (!last || Date.now() - last.at > OUTBOX_SAMPLE_REUSE_MS) {
          last = { at: Date.now(), sample: sample().catch(() => null) };
        }
        return last.sample;
      };
      new Gauge({
        name: 'outbox_backlog_events',
        help: 'Outbox rows not yet published to Kafka (sampled at scrape time).',
        registers,
        async collect() {
          const backlog = await current();
          if (backlog) this.set(backlog.events);
        },
      });
      new Gauge({
        name: 'outbox_oldest_unpublished_age_seconds',
        help: 'Age of the oldest outbox row not yet published (0 when none waits; sampled at scrape time).',
        registers,
        async collect() {
          const backlog = await current();
          if (backlog) this.set(backlog.oldestAgeSeconds);
        },
      });
    },
    consumerObserver() {
      const series = consumers();
      return {
        consumed: ({ groupId, topic, outcome }) => series.consumed.inc({ group: groupId, topic, outcome }),
        deadLettered: ({ groupId, topic, reason }) =>
          series.deadLettered.inc({ group: groupId, topic, reason }),
        lag: ({ groupId, topic, partition, messages }) =>
          series.lag.set({ group: groupId, topic, partition: String(partition) }, messages),
      };
    },
  };
}
