import type { ConfigurationEntryResolvers } from '../../../generated/graphql';

export const ConfigurationEntry: ConfigurationEntryResolvers = {
  updatedBy: (entry, _args, { userById }) => (entry.updatedById ? userById.load(entry.updatedById) : null),
};
