import { DataLoader, defineModule } from '@platform/service-kit';
import type { IdentityDependencies } from '../../service';
import type { Preference } from './domain/preference';
import { preferenceOperations, type PreferenceOperations } from './domain/preference-operations';
import { preferenceRepository } from './infra/preference-repository';
import { removeMyPreference } from './resolvers/Mutation/removeMyPreference';
import { setMyPreference } from './resolvers/Mutation/setMyPreference';
import { User } from './resolvers/User';

export interface PreferenceModuleContext {
  preferences: PreferenceOperations;
  /** Preferences of users of the caller's organization (one query per batch). */
  preferencesByUserId: DataLoader<string, Preference[]>;
}

export const preferenceModule = defineModule<IdentityDependencies, PreferenceModuleContext>({
  resolvers: { Mutation: { setMyPreference, removeMyPreference }, User },
  context: ({ tenants }) => {
    const preferences = preferenceOperations(preferenceRepository(tenants));
    return ({ auth }) => ({
      preferences,
      preferencesByUserId: new DataLoader((ids: readonly string[]) =>
        auth.organizationId
          ? preferences.ofUsers(auth.organizationId, ids)
          : Promise.resolve(ids.map(() => [])),
      ),
    });
  },
});
