// What the generated resolver types use as parents (see @platform/codegen).
import type { ConfigurationEntry } from './domain/configuration';
import type {
  BusinessDay,
  HealthThresholds,
  Organization,
  OrganizationSettings,
} from './domain/organization';

export type OrganizationMapper = Organization;
export type OrganizationSettingsMapper = OrganizationSettings;
export type BusinessDayMapper = BusinessDay;
export type HealthThresholdsMapper = HealthThresholds;
export type ConfigurationEntryMapper = ConfigurationEntry;
export { OrganizationStatus, SuspendedBy, Vertical, Weekday } from './domain/organization';
export { ConfigurationValueType } from './domain/configuration';
