import type { ContactPreferencesResolvers } from '../../../generated/graphql';
import { channelPreferences } from '../domain/preferences';

export const ContactPreferences: ContactPreferencesResolvers = {
  channels: (preferences) => channelPreferences(preferences),
  /** A reference the identity subgraph resolves (batched there). */
  updatedBy: (preferences) => (preferences.updatedBy ? { id: preferences.updatedBy } : null),
};
