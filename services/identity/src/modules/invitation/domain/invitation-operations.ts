import { randomUUID } from 'node:crypto';
import {
  conflict,
  InputIssues,
  notFound,
  organizationOf,
  unauthenticated,
  unionOfPermissions,
  type Actor,
} from '@platform/domain';
import type { Session } from '../../authentication/domain/authentication';
import type { ClientInfo } from '../../authentication/domain/authentication-repository';
import type {
  AccessTokenIssuer,
  PasswordHasher,
  RefreshTokenFactory,
} from '../../authentication/domain/credentials';
import { organizationCanSignIn, type Organization } from '../../organization/domain/organization';
import { ensureCanGrant, type Role } from '../../role/domain/role';
import {
  changedProfile,
  createUser,
  emailProblem,
  normalizeEmail,
  passwordProblem,
  transition,
  UserStatus,
  UserType,
  type User,
} from '../../user/domain/user';
import type { UserRepository } from '../../user/domain/user-repository';
import {
  invitationEmail,
  invitationStatus,
  newInvitation,
  resent,
  type Invitation,
  type IssuedSecret,
} from './invitation';
import type { InvitationRepository } from './invitation-repository';

export interface InviteInput {
  email: string;
  roles?: readonly string[] | null;
  username?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  title?: string | null;
  department?: string | null;
}

export interface MachineUserInput {
  type: UserType;
  email: string;
  username?: string | null;
  displayName?: string | null;
  roles?: readonly string[] | null;
}

export interface AcceptInput {
  token: string;
  password: string;
  username?: string | null;
  givenName?: string | null;
  familyName?: string | null;
}

export interface InvitationDependencies {
  repository: InvitationRepository;
  users: Pick<UserRepository, 'byIds' | 'byEmail'>;
  /** Roles the organization can see, by name. */
  roleByName(organizationId: string, name: string): Promise<Role | null>;
  organizationById(organizationId: string): Promise<Organization | null>;
  secrets: { create(): IssuedSecret; hash(token: string): string };
  passwords: PasswordHasher;
  accessTokens: AccessTokenIssuer;
  refreshTokens: RefreshTokenFactory;
  /** Where invitees accept: the app's page; the token is added as `?token=`. */
  acceptUrl: string;
  now?: () => Date;
}

/** Invitees get the agent role unless the inviter says otherwise. */
export const DEFAULT_INVITED_ROLES = ['agent'] as const;

const INVALID_INVITATION = 'This invitation is invalid, used or expired; ask for a new one';

/** Inviting people and creating machine users; accepting an invitation. */
export function invitationOperations(deps: InvitationDependencies) {
  const now = deps.now ?? (() => new Date());

  /** The roles by name, each one the caller may grant (FORBIDDEN otherwise). */
  async function grantableRoles(
    actor: Actor,
    organizationId: string,
    names: readonly string[],
  ): Promise<string[]> {
    const unique = [...new Set(names.map((name) => name.trim()))];
    const roles = await Promise.all(unique.map((name) => deps.roleByName(organizationId, name)));
    const issues = new InputIssues();
    roles.forEach((role, index) => {
      if (!role) issues.add(`roles.${index}`, `"${unique[index] ?? ''}" is not a role of the organization`);
    });
    issues.throwIfAny();
    ensureCanGrant(
      actor.permissions ?? [],
      unionOfPermissions(...roles.map((role) => role?.permissions ?? [])),
    );
    return unique;
  }

  async function organizationOfActor(actor: Actor): Promise<Organization> {
    const id = organizationOf(actor);
    const organization = await deps.organizationById(id);
    if (!organization) throw notFound('Organization', id);
    return organization;
  }

  async function inviterName(actor: Actor, organizationId: string): Promise<string | null> {
    if (!actor.userId) return null;
    const home = actor.actingFromOrganizationId ?? organizationId;
    const [inviter] = await deps.users.byIds(home, [actor.userId]);
    if (!inviter) return null;
    return (
      inviter.displayName ??
      ([inviter.givenName, inviter.familyName].filter(Boolean).join(' ') || inviter.email)
    );
  }

  function email(
    invitation: Invitation,
    secret: IssuedSecret,
    organization: Organization,
    inviter: string | null,
    locale: string | null,
  ) {
    return invitationEmail(invitation, secret, {
      organizationName: organization.name,
      inviterName: inviter,
      acceptUrl: deps.acceptUrl,
      locale,
    });
  }

  return {
    /**
     * Invites a person by email: an invited user holding `roles` (default agent), a seven-day single-use
     * token, and the invitation email (an event for the notification service). Inviting a deleted
     * user's email brings them back invited; a current member or a pending invitation is a CONFLICT.
     */
    async invite(actor: Actor, input: InviteInput): Promise<User> {
      const organization = await organizationOfActor(actor);
      const address = normalizeEmail(input.email);
      const problem = emailProblem(address);
      if (problem) new InputIssues().add('email', problem).throwIfAny();
      const roles = await grantableRoles(actor, organization.id, input.roles ?? DEFAULT_INVITED_ROLES);
      const at = now();
      const secret = deps.secrets.create();
      const inviter = await inviterName(actor, organization.id);
      const existing = await deps.users.byEmail(organization.id, address);
      if (existing && !existing.deletedAt) {
        throw conflict(
          existing.status === UserStatus.invited
            ? `${address} is already invited: resend the invitation instead`
            : `${address} is already a member of the organization`,
          { issues: [{ path: 'email', message: 'is taken', code: 'taken' }] },
        );
      }
      if (existing) {
        const revived = transition(existing, 'reinvite', { changedById: actor.userId, now: at });
        const user = changedProfile(revived.user, input, at);
        const invitation = newInvitation(
          { organizationId: organization.id, userId: user.id, email: address, invitedById: actor.userId },
          at,
        );
        return deps.repository.reviveMember(
          { user: { ...user, roles }, roles, assignedById: actor.userId },
          { invitation, tokenHash: secret.tokenHash },
          [...revived.events, email(invitation, secret, organization, inviter, user.locale)],
        );
      }
      const { user, events } = createUser(
        {
          id: randomUUID(),
          organizationId: organization.id,
          email: address,
          username: input.username ?? null,
          type: UserType.human,
          status: UserStatus.invited,
          roles,
          givenName: input.givenName ?? null,
          familyName: input.familyName ?? null,
          title: input.title ?? null,
          department: input.department ?? null,
        },
        at,
      );
      const invitation = newInvitation(
        { organizationId: organization.id, userId: user.id, email: address, invitedById: actor.userId },
        at,
      );
      return deps.repository.createMember(
        { user, roles, assignedById: actor.userId },
        { invitation, tokenHash: secret.tokenHash },
        [...events, email(invitation, secret, organization, inviter, null)],
      );
    },

    /** A new token and seven more days for a pending (or expired) invitation; the old token stops working. */
    async resend(actor: Actor, userId: string): Promise<Invitation> {
      const organization = await organizationOfActor(actor);
      const [user] = await deps.users.byIds(organization.id, [userId]);
      const invitation =
        user && !user.deletedAt ? await deps.repository.latestFor(organization.id, user.id) : null;
      if (!user || !invitation) throw notFound('Invitation', userId);
      const next = resent(invitation, now());
      const secret = deps.secrets.create();
      const inviter = await inviterName(actor, organization.id);
      return deps.repository.resend(next, secret.tokenHash, [
        email(next, secret, organization, inviter, user.locale),
      ]);
    },

    /** Revokes a pending invitation; the invited user is deleted with it (invite again to bring them back). */
    async revoke(actor: Actor, userId: string): Promise<Invitation> {
      const organizationId = organizationOf(actor);
      const [user] = await deps.users.byIds(organizationId, [userId]);
      const invitation = user ? await deps.repository.latestFor(organizationId, user.id) : null;
      if (!user || !invitation || user.deletedAt) throw notFound('Invitation', userId);
      const status = invitationStatus(invitation, now());
      if (status === 'accepted' || status === 'revoked') throw conflict(`The invitation was ${status}`);
      const at = now();
      const deleted = transition(user, 'delete', { changedById: actor.userId, now: at });
      const revoked = { ...invitation, revokedAt: at };
      await deps.repository.revoke(revoked, deleted.user, deleted.events);
      return revoked;
    },

    /**
     * A user who does not sign in with a password (an AI agent, the system, an integration): pending
     * until an administrator activates them; they act through API keys.
     */
    async createMachineUser(actor: Actor, input: MachineUserInput): Promise<User> {
      const organization = await organizationOfActor(actor);
      if (input.type === UserType.human) {
        new InputIssues()
          .add('type', 'people are invited (inviteUser); choose ai, system or integration')
          .throwIfAny();
      }
      const problem = emailProblem(input.email);
      if (problem) new InputIssues().add('email', problem).throwIfAny();
      const roles = await grantableRoles(actor, organization.id, input.roles ?? ['integration']);
      const { user, events } = createUser(
        {
          id: randomUUID(),
          organizationId: organization.id,
          email: input.email,
          username: input.username ?? null,
          type: input.type,
          status: UserStatus.pending,
          roles,
          displayName: input.displayName ?? null,
        },
        now(),
      );
      return deps.repository.createMember({ user, roles, assignedById: actor.userId }, null, events);
    },

    /**
     * The invitee accepts with the token from their email and a password: the account becomes active,
     * the email counts as verified, the token is used up, and they are signed in.
     */
    async accept(input: AcceptInput, client: ClientInfo): Promise<Session> {
      const issues = new InputIssues();
      const problem = passwordProblem(input.password);
      if (problem) issues.add('password', problem);
      issues.throwIfAny();
      const found = await deps.repository.byTokenHash(deps.secrets.hash(input.token.trim()));
      const at = now();
      if (!found || invitationStatus(found.invitation, at) !== 'pending' || found.user.deletedAt) {
        // Still hash once, so a guessed token costs what a real one does.
        await deps.passwords.hash(input.password);
        throw unauthenticated(INVALID_INVITATION);
      }
      if (!organizationCanSignIn(found.organization)) throw unauthenticated(INVALID_INVITATION);
      const accepted = transition(found.user, 'accept', { changedById: null, now: at });
      const user = { ...changedProfile(accepted.user, input, at), lastLoginAt: at };
      const passwordHash = await deps.passwords.hash(input.password);
      const refresh = deps.refreshTokens.create();
      const stored = await deps.repository.accept(
        { ...found.invitation, acceptedAt: at },
        user,
        passwordHash,
        refresh,
        client,
        accepted.events,
      );
      if (!stored) throw unauthenticated(INVALID_INVITATION);
      const access = await deps.accessTokens.issue(user, { sessionId: refresh.familyId });
      return {
        accessToken: access.token,
        expiresIn: access.expiresIn,
        refreshToken: refresh.token,
        user,
        organization: found.organization,
      };
    },

    latestFor: (organizationId: string, userIds: readonly string[]) =>
      deps.repository.latestForUsers(organizationId, userIds),
  };
}

export type InvitationOperations = ReturnType<typeof invitationOperations>;
