/** Sign-up and sign-in rules, and what signing up implies. No Prisma or GraphQL here. */
import { InputIssues } from '@platform/domain';
import { createEvent, type CatalogEvent } from '@platform/events/catalog';
import {
  createOrganization,
  EVENT_SOURCE,
  organizationCanSignIn,
  organizationNameProblem,
  slugFromName,
  slugProblem,
  Vertical,
  type Organization,
  type OrganizationCreated,
} from '../../organization/domain/organization';
import {
  createUser,
  emailProblem,
  FOUNDER_ROLES,
  nameProblem,
  passwordProblem,
  userCanSignIn,
  UserStatus,
  UserType,
  type User,
  type UserCreated,
} from '../../user/domain/user';

export interface SignUpCommand {
  organizationName: string;
  organizationSlug?: string | null;
  vertical?: Vertical | null;
  email: string;
  password: string;
  givenName?: string | null;
  familyName?: string | null;
}

export interface LoginCommand {
  email: string;
  password: string;
  organizationSlug?: string | null;
}

/** A sign-up whose fields passed every check: the name trimmed, the slug given or made from it. */
export interface CheckedSignUp {
  organizationName: string;
  organizationSlug: string;
  vertical: Vertical;
  email: string;
  password: string;
  givenName: string | null | undefined;
  familyName: string | null | undefined;
}

/** A signed-in session: what the client holds, and who it is for. */
export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Access token lifetime in seconds. */
  expiresIn: number;
  user: User;
  organization: Organization;
}

export type FoundingEvent = OrganizationCreated | UserCreated;

/** What signing up creates, before it is stored. */
export interface Founding {
  organization: Organization;
  founder: User;
  events: [OrganizationCreated, UserCreated];
}

/** Checks every field of a sign-up at once: BAD_USER_INPUT naming each field with a problem. */
export function checkSignUp(command: SignUpCommand): CheckedSignUp {
  const organizationName = command.organizationName.trim();
  const organizationSlug = (command.organizationSlug ?? '').trim() || slugFromName(organizationName);
  const issues = new InputIssues();
  const problems = {
    organizationName: organizationNameProblem(organizationName),
    organizationSlug: slugProblem(organizationSlug),
    email: emailProblem(command.email),
    password: passwordProblem(command.password),
    givenName: nameProblem(command.givenName),
    familyName: nameProblem(command.familyName),
  };
  for (const [path, problem] of Object.entries(problems)) {
    if (problem) issues.add(path, problem);
  }
  issues.throwIfAny();
  return {
    organizationName,
    organizationSlug,
    vertical: command.vertical ?? Vertical.general,
    email: command.email,
    password: command.password,
    givenName: command.givenName,
    familyName: command.familyName,
  };
}

/**
 * A new organization with its founder: a person, active, owner and admin, signed in from the start.
 * Implies identity.organization.created.v1 and then identity.user.created.v1.
 */
export function foundOrganization(
  signUp: CheckedSignUp,
  ids: { organizationId: string; userId: string },
  now: Date,
): Founding {
  const created = createOrganization(
    {
      id: ids.organizationId,
      name: signUp.organizationName,
      slug: signUp.organizationSlug,
      vertical: signUp.vertical,
      parentOrganizationId: null,
    },
    now,
  );
  const founder = createUser(
    {
      id: ids.userId,
      organizationId: ids.organizationId,
      email: signUp.email,
      type: UserType.human,
      status: UserStatus.active,
      roles: FOUNDER_ROLES,
      givenName: signUp.givenName,
      familyName: signUp.familyName,
    },
    now,
  );
  return {
    organization: created.organization,
    founder: { ...founder.user, lastLoginAt: now },
    events: [...created.events, ...founder.events],
  };
}

/** Only an active user of an active organization signs in. */
export function canSignIn(candidate: {
  user: Pick<User, 'status'>;
  organization: Pick<Organization, 'status'>;
}) {
  return userCanSignIn(candidate.user) && organizationCanSignIn(candidate.organization);
}

/** identity.user.session_revoked.v1 for each ended session (keyed by the user: their events stay in order). */
export function sessionsRevoked(
  user: { id: string; organizationId: string },
  sessionIds: readonly string[],
  reason: CatalogEvent<'identity.user.session_revoked.v1'>['data']['reason'],
  at: Date,
): Array<CatalogEvent<'identity.user.session_revoked.v1'>> {
  return sessionIds.map((sessionId) =>
    createEvent('identity.user.session_revoked.v1', {
      source: EVENT_SOURCE,
      subject: user.id,
      tenantId: user.organizationId,
      time: at,
      data: {
        sessionId,
        userId: user.id,
        organizationId: user.organizationId,
        reason,
        occurredAt: at.toISOString(),
      },
    }),
  );
}

/** identity.user.security_changed.v1. */
export function securityChanged(
  user: { id: string; organizationId: string },
  change: CatalogEvent<'identity.user.security_changed.v1'>['data']['change'],
  at: Date,
): CatalogEvent<'identity.user.security_changed.v1'> {
  return createEvent('identity.user.security_changed.v1', {
    source: EVENT_SOURCE,
    subject: user.id,
    tenantId: user.organizationId,
    time: at,
    data: { userId: user.id, organizationId: user.organizationId, change, occurredAt: at.toISOString() },
  });
}
