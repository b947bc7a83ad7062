/**
 * Who may own a contact: a user of the same organization (crm's projection of identity's users) who is
 * neither deleted nor deactivated or suspended. Unknown, foreign and deactivated users are refused with
 * BAD_USER_INPUT; the caller may always make themselves the owner (the gateway-signed context vouches
 * for them even before their creation event has reached crm).
 */
import { InputIssues } from '@platform/domain';

export interface KnownUser {
  id: string;
  organizationId: string;
  status: string;
  deleted: boolean;
}

/** Statuses of users who may own records: members, and people invited or waiting to be activated. */
export const OWNING_STATUSES: ReadonlySet<string> = new Set(['invited', 'pending', 'active']);

export function ensureOwner(
  ownerId: string,
  caller: { organizationId: string; userId: string | null },
  known: KnownUser | null,
  path = 'ownerId',
): void {
  if (ownerId === caller.userId) return;
  const problem =
    !known || known.organizationId !== caller.organizationId
      ? 'is not a user of the organization'
      : known.deleted || !OWNING_STATUSES.has(known.status)
        ? 'is a deactivated, suspended or deleted user'
        : null;
  if (problem) new InputIssues().add(path, problem).throwIfAny();
}
