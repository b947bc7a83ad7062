import { z } from 'zod';
import { entry, timestamp, uuid } from './schema';

/** Events the gateway publishes: what it sees at the edge, aggregated (never one event per request). */

const apiCallsCountedData = z
  .object({
    organizationId: uuid(),
    windowStart: timestamp().describe('Start of the counting window (inclusive).'),
    windowEnd: timestamp().describe('End of the counting window (exclusive).'),
    replicaId: uuid().describe('The gateway process that counted them (each replica counts its own).'),
    calls: z
      .number()
      .int()
      .positive()
      .describe(
        'GraphQL operations the replica executed for the organization in the window, in total so far (not a change).',
      ),
  })
  .describe(
    'API calls of an organization in one window, as one gateway replica counted them. Published after ' +
      'the window closed; published again only if more calls of the window were stored later, with the ' +
      'new total: a consumer keeps the latest total per (replica, window), so nothing counts twice.',
  );

export const gatewayEvents = {
  'gateway.api_calls.counted.v1': entry(
    'gateway.api_calls.counted.v1',
    'gateway.api_calls',
    "An organization's API calls in one window, counted by one gateway replica. Published by the gateway.",
    apiCallsCountedData,
  ),
} as const;
