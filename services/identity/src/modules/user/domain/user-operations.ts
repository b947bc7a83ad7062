import {
  conflict,
  forbidden,
  notFound,
  organizationOf,
  pageRequest,
  signedInUser,
  unauthenticated,
  type Actor,
  type Page,
} from '@platform/domain';
import { effectivePermissions, ensureCanGrant, OWNER_ROLE, type UserAccess } from '../../role/domain/role';
import {
  changedProfile,
  transition,
  userCanAct,
  userUpdated,
  type ProfileChange,
  type User,
  type UserAction,
} from './user';
import type { UserFilter, UserRepository } from './user-repository';

/** What managing accounts needs to know about who holds what. */
export interface AccessQueries {
  accessOf(organizationId: string, userId: string): Promise<UserAccess | null>;
  countOtherOwners(organizationId: string, exceptUserId: string): Promise<number>;
}

/** The user use cases: who the caller is, the organization's users, profiles and account states. */
export function userOperations(
  repository: UserRepository,
  access: AccessQueries,
  now: () => Date = () => new Date(),
) {
  async function existing(organizationId: string, id: string): Promise<User> {
    const [user] = await repository.byIds(organizationId, [id]);
    if (!user) throw notFound('User', id);
    return user;
  }

  /**
   * Nobody manages an account that may do more than they may (an admin cannot suspend an owner), nor
   * their own account's status.
   */
  async function ensureCanManage(actor: Actor, target: User): Promise<void> {
    if (target.id === actor.userId) throw forbidden('You cannot change the status of your own account');
    const held = await access.accessOf(target.organizationId, target.id);
    ensureCanGrant(actor.permissions ?? [], held ? effectivePermissions(held) : []);
  }

  return {
    /** The signed-in user (from their own organization when acting in a client); UNAUTHENTICATED when gone. */
    async me(actor: Actor): Promise<User> {
      const { userId } = signedInUser(actor, 'Sign in to see who you are');
      const home = actor.actingFromOrganizationId ?? organizationOf(actor);
      const [user] = await repository.byIds(home, [userId]);
      if (!user || !userCanAct(user)) throw unauthenticated('The signed-in user no longer exists');
      return user;
    },

    list(
      actor: Actor,
      filter: UserFilter,
      first: number | null | undefined,
      after: string | null | undefined,
    ): Promise<Page<User>> {
      return repository.page(organizationOf(actor), filter, pageRequest(first, after));
    },

    byId: (actor: Actor, id: string) => existing(organizationOf(actor), id),

    /** An administrator changes a user's profile (including external ids and metadata). */
    async update(actor: Actor, id: string, change: ProfileChange): Promise<User> {
      const user = await existing(organizationOf(actor), id);
      if (user.deletedAt) throw conflict('A deleted user cannot be changed');
      const next = changedProfile(user, change, now());
      return repository.save(next, [userUpdated(next)]);
    },

    /** The signed-in user changes their own profile (not external ids or metadata). */
    async updateMine(actor: Actor, change: Omit<ProfileChange, 'externalIds' | 'metadata'>): Promise<User> {
      const { organizationId, userId } = signedInUser(actor);
      if (actor.actingFromOrganizationId) throw forbidden('Change your profile from your own organization');
      const user = await existing(organizationId, userId);
      const { externalIds: _ids, metadata: _metadata, ...own } = change as ProfileChange;
      const next = changedProfile(user, own, now());
      return repository.save(next, [userUpdated(next)]);
    },

    /**
     * Activates, deactivates, suspends, reactivates or deletes a user (the state machine in user.ts).
     * The organization keeps at least one active owner.
     */
    async changeStatus(
      actor: Actor,
      id: string,
      action: Exclude<UserAction, 'accept' | 'reinvite'>,
      reason?: string | null,
    ): Promise<User> {
      const user = await existing(organizationOf(actor), id);
      await ensureCanManage(actor, user);
      const changed = transition(user, action, {
        reason: reason ?? null,
        changedById: actor.userId,
        now: now(),
      });
      const stopsActing = userCanAct(user) && !userCanAct(changed.user);
      if (stopsActing && user.roles.includes(OWNER_ROLE)) {
        const others = await access.countOtherOwners(user.organizationId, user.id);
        if (others === 0)
          throw conflict('An organization keeps at least one active owner: make someone else owner first');
      }
      return repository.save(changed.user, changed.events);
    },

    /** Records that the user acted (throttled to one write every five minutes). */
    touch: (organizationId: string, userId: string) =>
      repository.touchActive(organizationId, userId, now(), LAST_ACTIVE_WRITE_INTERVAL_MS),
  };
}

/** lastActiveAt is written at most this often per user. */
export const LAST_ACTIVE_WRITE_INTERVAL_MS = 5 * 60_000;

export type UserOperations = ReturnType<typeof userOperations>;
