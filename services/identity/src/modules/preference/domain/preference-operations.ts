import { forbidden, signedInUser, type Actor } from '@platform/domain';
import { checkedPreference, type Preference } from './preference';
import type { PreferenceRepository } from './preference-repository';

/** The signed-in user's own preferences; nobody reads or writes another's. */
export function preferenceOperations(repository: PreferenceRepository) {
  function self(actor: Actor) {
    const caller = signedInUser(actor);
    if (actor.actingFromOrganizationId) throw forbidden('Preferences are kept in your own organization');
    return caller;
  }

  return {
    async set(actor: Actor, input: { category: string; key: string; value: unknown }): Promise<Preference> {
      const { organizationId, userId } = self(actor);
      const [existing = []] = await repository.ofUsers(organizationId, [userId]);
      const checked = checkedPreference(
        input,
        existing.map((preference) => preference.key),
      );
      return repository.save({ organizationId, userId, ...checked });
    },

    async remove(actor: Actor, key: string): Promise<boolean> {
      const { organizationId, userId } = self(actor);
      return repository.remove(organizationId, userId, key.trim());
    },

    ofUsers: (organizationId: string, userIds: readonly string[]) =>
      repository.ofUsers(organizationId, userIds),
  };
}

export type PreferenceOperations = ReturnType<typeof preferenceOperations>;
