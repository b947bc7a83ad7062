import type { Preference } from './preference';

/** What preferences need of storage (infra/preference-repository.ts implements it). */
export interface PreferenceRepository {
  /** Each user's preferences (in the organization), sorted by category and key, in user id order. */
  ofUsers(organizationId: string, userIds: readonly string[]): Promise<Preference[][]>;
  /** Creates or replaces the user's value for the key. */
  save(preference: Omit<Preference, 'updatedAt'>): Promise<Preference>;
  /** Whether there was one to remove. */
  remove(organizationId: string, userId: string, key: string): Promise<boolean>;
}
