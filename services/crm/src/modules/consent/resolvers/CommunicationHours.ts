import type { CommunicationHoursResolvers } from '../../../generated/graphql';
import { formatClockTime } from '../domain/preferences';

export const CommunicationHours: CommunicationHoursResolvers = {
  start: (hours) => formatClockTime(hours.startMinute),
  end: (hours) => formatClockTime(hours.endMinute),
};
