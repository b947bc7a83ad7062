import type { CatalogEvent } from '@platform/events/catalog';
import type { ClientInfo } from '../../authentication/domain/authentication-repository';
import type { NewRefreshToken } from '../../authentication/domain/credentials';
import type { Organization } from '../../organization/domain/organization';
import type { User } from '../../user/domain/user';
import type { Invitation } from './invitation';

/** An invitation found by its token, with its user and organization (read before the tenant is known). */
export interface InvitationByToken {
  invitation: Invitation;
  user: User;
  organization: Organization;
}

/** What invitations need of storage (infra/invitation-repository.ts implements it). */
export interface InvitationRepository {
  /**
   * Stores a new member: the user (invited or pending), their roles (assigned by `assignedById`), the
   * invitation with its token hash if any, and the events — in one transaction. CONFLICT by field for
   * a taken email or username.
   */
  createMember(
    member: { user: User; roles: readonly string[]; assignedById: string | null },
    invitation: { invitation: Invitation; tokenHash: string } | null,
    events: readonly CatalogEvent[],
  ): Promise<User>;
  /** Brings a deleted user back as invited with new roles and a new invitation. */
  reviveMember(
    member: { user: User; roles: readonly string[]; assignedById: string | null },
    invitation: { invitation: Invitation; tokenHash: string },
    events: readonly CatalogEvent[],
  ): Promise<User>;
  /** The user's latest invitation. */
  latestFor(organizationId: string, userId: string): Promise<Invitation | null>;
  /** The latest invitation of each user, in id order. */
  latestForUsers(organizationId: string, userIds: readonly string[]): Promise<Array<Invitation | null>>;
  /** Stores a resent invitation with its new token hash. */
  resend(invitation: Invitation, tokenHash: string, events: readonly CatalogEvent[]): Promise<Invitation>;
  /** Revokes the invitation and stores the (deleted) user, in one transaction. */
  revoke(invitation: Invitation, user: User, events: readonly CatalogEvent[]): Promise<void>;
  /** The invitation with this token hash, across organizations (the invitee is not signed in). */
  byTokenHash(tokenHash: string): Promise<InvitationByToken | null>;
  /**
   * Accepts: marks the invitation accepted unless it was used or revoked meanwhile (false then), stores
   * the now active user with their password hash and first refresh token, and the events.
   */
  accept(
    invitation: Invitation,
    user: User,
    passwordHash: string,
    refreshToken: NewRefreshToken,
    client: ClientInfo,
    events: readonly CatalogEvent[],
  ): Promise<boolean>;
}
