import type { OrganizationSwitchResolvers } from '../../../generated/graphql';

export const OrganizationSwitch: OrganizationSwitchResolvers = {
  tokenType: () => 'Bearer',
};
