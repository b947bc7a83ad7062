import type { User } from './user';

/** What reading users needs of storage (infra/user-repository.ts implements it). */
export interface UserRepository {
  /** The organization's users with these ids, in id order (null where none). */
  byIds(organizationId: string, ids: readonly string[]): Promise<Array<User | null>>;
}
