import type { UserResolvers } from '../../../generated/graphql';

export const User: UserResolvers = {
  /** Only the user themself reads their preferences. */
  preferences: async (user, { category }, { auth, preferencesByUserId }) => {
    if (user.id !== auth.userId || auth.actingFromOrganizationId) return null;
    const preferences = await preferencesByUserId.load(user.id);
    return category ? preferences.filter((preference) => preference.category === category) : preferences;
  },
};
