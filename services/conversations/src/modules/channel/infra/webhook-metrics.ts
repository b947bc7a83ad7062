/**
 * `channel_webhooks_total{platform, outcome}`: every webhook delivery the ingestion endpoint answers —
 * accepted, duplicate, or why it was refused (missing_signature, bad_signature, stale_timestamp,
 * malformed, unknown_account, too_large). Refusals are counted, never stored.
 */
import { Counter, type Registry } from 'prom-client';
import type { ChannelPlatform, WebhookRefusalReason } from '../domain/channel';

export const CHANNEL_WEBHOOKS_METRIC = 'channel_webhooks_total';

export type ChannelWebhookOutcome =
  'accepted' | 'duplicate' | 'ignored' | WebhookRefusalReason | 'unknown_account' | 'too_large' | 'failed';

export interface ChannelWebhookMetrics {
  record(platform: ChannelPlatform | 'unknown', outcome: ChannelWebhookOutcome): void;
}

/** Registers the counter on a service's registry (once; a second call reuses it). */
export function registerChannelWebhookMetrics(registry: Registry): ChannelWebhookMetrics {
  const existing = registry.getSingleMetric(CHANNEL_WEBHOOKS_METRIC);
  const counter =
    existing instanceof Counter
      ? existing
      : new Counter({
          name: CHANNEL_WEBHOOKS_METRIC,
          help: 'Channel webhook deliveries, by platform and outcome (accepted, duplicate, or why one was refused).',
          labelNames: ['platform', 'outcome'] as const,
          registers: [registry],
        });
  return { record: (platform, outcome) => counter.inc({ platform, outcome }) };
}
