import type { AccessChanged, Role, RoleEvent, UserAccess } from './role';

/** What roles and grants need of storage (infra/role-repository.ts implements it). */
export interface RoleRepository {
  /** The system roles and the organization's custom roles, system roles first, then by name. */
  list(organizationId: string): Promise<Role[]>;
  /** Roles the organization can see (system or its own) by id, in id order (null where none). */
  byIds(organizationId: string, ids: readonly string[]): Promise<Array<Role | null>>;
  /** A role the organization can see, by name. */
  byName(organizationId: string, name: string): Promise<Role | null>;
  /** Stores a new custom role; CONFLICT (issue `name`) when the organization has one of that name. */
  create(role: Role, events: readonly RoleEvent[]): Promise<Role>;
  /** Stores a changed custom role; CONFLICT (issue `name`) when the new name is taken. */
  update(role: Role, events: readonly RoleEvent[]): Promise<Role>;
  /** Deletes a custom role; its assignments end with it. */
  delete(role: Role, events: readonly RoleEvent[]): Promise<void>;
  /** What each of these users of the organization holds, in id order (null for unknown users). */
  accessOf(organizationId: string, userIds: readonly string[]): Promise<Array<UserAccess | null>>;
  /** Active users of the organization other than `exceptUserId` holding the owner role. */
  countOtherOwners(organizationId: string, exceptUserId: string): Promise<number>;
  /**
   * Stores what the user holds now (`next`), recording `assignedById` on new assignments and grants,
   * with the change's event.
   */
  saveAccess(next: UserAccess, assignedById: string | null, event: AccessChanged): Promise<void>;
  /** Who assigned each role of a user, and when. */
  assignments(
    organizationId: string,
    userIds: readonly string[],
  ): Promise<Array<Array<{ role: Role; assignedById: string | null; assignedAt: Date }>>>;
}
