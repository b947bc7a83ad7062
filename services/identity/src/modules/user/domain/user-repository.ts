import type { Page, PageRequest } from '@platform/domain';
import type { CatalogEvent } from '@platform/events/catalog';
import type { User, UserStatus, UserType } from './user';

export interface UserFilter {
  status?: UserStatus | null;
  type?: UserType | null;
  /** A prefix of the email, username or a name. */
  search?: string | null;
  includeDeleted?: boolean | null;
}

/** What users need of storage (infra/user-repository.ts implements it). */
export interface UserRepository {
  /** The organization's users with these ids (deleted ones too), in id order (null where none). */
  byIds(organizationId: string, ids: readonly string[]): Promise<Array<User | null>>;
  byEmail(organizationId: string, email: string): Promise<User | null>;
  /** The organization's users matching `filter`, newest first. */
  page(organizationId: string, filter: UserFilter, page: PageRequest): Promise<Page<User>>;
  /** Stores a changed user with its events; CONFLICT (by field) for a taken email or username. */
  save(user: User, events: readonly CatalogEvent[]): Promise<User>;
  /** Records activity, writing at most once every `everyMs`. */
  touchActive(organizationId: string, userId: string, at: Date, everyMs: number): Promise<void>;
}
