// What the generated resolver types use as parents (see @platform/codegen).
import type { ConsentHistoryEntry, ContactConsent } from './domain/consent';
import type { CommunicationHours, ContactPreferences, FrequencyCap } from './domain/preferences';
import type { Reachability } from './domain/reachability';

export type ContactConsentMapper = ContactConsent;
export type ConsentHistoryEntryMapper = ConsentHistoryEntry;
export type ContactPreferencesMapper = ContactPreferences;
export type CommunicationHoursMapper = CommunicationHours;
export type FrequencyCapMapper = FrequencyCap;
export type ContactReachabilityMapper = Reachability;
export { ConsentPurpose, ConsentSource, ConsentStatus, ContactChannel } from './domain/consent';
export { FrequencyPeriod, Weekday } from './domain/preferences';
export { MessageKind, ReachabilityBlock } from './domain/reachability';
