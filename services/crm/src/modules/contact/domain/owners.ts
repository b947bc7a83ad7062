/**
 * Who may own a contact: a user of the same organization (crm's projection of identity's users) who is
 * neither deleted nor deactivated or suspended. Unknown, foreign and deactivated users are refused with
 * BAD_USER_INPUT; the caller may always make themselves the owner (the gateway-signed context vouches
 * for them even before their creation event has reached crm).
 */
import { InputIssues, isUuid } from '@platform/domain';

export interface KnownUser {
  id: string;
  organizationId: string;
  status: string;
  deleted: boolean;
}

/** Statuses of users who may own records: members, and people invited or waiting to be activated. */
export const OWNING_STATUSES: ReadonlySet<string> = new Set(['invited', 'pending', 'active']);

/** The users crm knows of (its projection of identity's users). */
export interface KnownUsers {
  find(organizationId: string, userId: string): Promise<KnownUser | null>;
}

/**
 * Why `userId` cannot own or be assigned a record, or null: it must be a user of the organization who
 * is not deactivated, suspended or deleted. The caller may always take it themselves: the
 * gateway-signed context vouches for them before crm hears of them.
 */
export function assigneeProblem(
  userId: string,
  caller: { organizationId: string; userId: string | null },
  known: KnownUser | null,
): string | null {
  if (userId === caller.userId) return null;
  if (!known || known.organizationId !== caller.organizationId) return 'is not a user of the organization';
  if (known.deleted || !OWNING_STATUSES.has(known.status))
    return 'is a deactivated, suspended or deleted user';
  return null;
}

export function ensureOwner(
  ownerId: string,
  caller: { organizationId: string; userId: string | null },
  known: KnownUser | null,
  path = 'ownerId',
): void {
  const problem = assigneeProblem(ownerId, caller, known);
  if (problem) new InputIssues().add(path, problem).throwIfAny();
}

/**
 * Adds the problems of a record's assignee and contact to `issues` (tickets and tasks name both; only
 * well-formed ids are looked at, their format was checked): the assignee as above, the contact a live
 * contact of the organization.
 */
export async function checkAssigneeAndContact(
  lookups: {
    users: KnownUsers;
    hasLiveContact(organizationId: string, contactId: string): Promise<boolean>;
  },
  caller: { organizationId: string; userId: string },
  references: { assigneeId?: string | null; contactId?: string | null },
  issues: InputIssues,
): Promise<void> {
  const { assigneeId, contactId } = references;
  const [assignee, contact] = await Promise.all([
    assigneeId && isUuid(assigneeId) && assigneeId !== caller.userId
      ? lookups.users.find(caller.organizationId, assigneeId)
      : Promise.resolve(null),
    contactId && isUuid(contactId)
      ? lookups.hasLiveContact(caller.organizationId, contactId)
      : Promise.resolve(true),
  ]);
  if (assigneeId && isUuid(assigneeId)) {
    const problem = assigneeProblem(assigneeId, caller, assignee);
    if (problem) issues.add('assigneeId', problem);
  }
  if (!contact) issues.add('contactId', 'is not a contact of the organization');
}
