import type { EventConsumer } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import { applyOrganizationSettings } from '../modules/company/infra/organization-settings';
import type { CrmDependencies } from '../service';

/** Consumer group of crm's organization-settings projection; also its key in processed_events. */
export const ORGANIZATIONS_GROUP = 'crm.organizations';

type Transaction = Prisma.TransactionClient;

interface SettingsData {
  timezone: string;
  pipelineStages: string[];
  healthThresholds: { yellowAfterDays: number; redAfterDays: number };
}

const settingsOf = (settings: SettingsData) => ({
  pipelineStages: settings.pipelineStages,
  yellowAfterDays: settings.healthThresholds.yellowAfterDays,
  redAfterDays: settings.healthThresholds.redAfterDays,
  timezone: settings.timezone,
});

/**
 * Keeps crm's projection of identity's organization settings (client-account pipeline stages, health
 * thresholds, time zone) from identity's events; an older event than the stored settings changes nothing.
 */
export function startOrganizationConsumer(
  dependencies: CrmDependencies,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  return startTenantConsumer<Transaction>(dependencies, messaging, options, {
    groupId: ORGANIZATIONS_GROUP,
    handlers: {
      'identity.organization.created.v1': (event, tx) =>
        applyOrganizationSettings(
          tx,
          event.data.organizationId,
          event.data.settings ? settingsOf(event.data.settings) : null,
          new Date(event.data.createdAt),
        ),
      'identity.organization.updated.v1': (event, tx) =>
        applyOrganizationSettings(
          tx,
          event.data.organizationId,
          settingsOf(event.data.settings),
          new Date(event.data.updatedAt),
        ),
    },
  });
}
