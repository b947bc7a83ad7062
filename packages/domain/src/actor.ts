import { forbidden, unauthenticated } from './errors';

/**
 * Who acts: the organization, user, roles and effective permissions from the gateway's signed internal
 * context. Anonymous callers (signing up, signing in) have neither organization nor user. An API key
 * acts for the user who created it (`userId`), with `apiKeyId` set and its scopes as permissions. An
 * agency user acting inside a managed client organization has `organizationId` = the client and
 * `actingFromOrganizationId` = the agency.
 */
export interface Actor {
  organizationId: string | null;
  userId: string | null;
  apiKeyId?: string | null;
  actingFromOrganizationId?: string | null;
  /** The sign-in session the caller's access token belongs to. */
  sessionId?: string | null;
  roles?: readonly string[];
  permissions?: readonly string[];
}

/** The actor's organization; UNAUTHENTICATED for an anonymous caller. */
export function organizationOf(actor: Actor, message = 'Authentication required'): string {
  if (!actor.organizationId) throw unauthenticated(message);
  return actor.organizationId;
}

/** The actor's organization and user; UNAUTHENTICATED unless a user of an organization acts. */
export function signedInUser(
  actor: Actor,
  message = 'Authentication required',
): { organizationId: string; userId: string } {
  if (!actor.organizationId || !actor.userId) throw unauthenticated(message);
  return { organizationId: actor.organizationId, userId: actor.userId };
}

/** Whether the actor holds `permission`. */
export function holds(actor: Actor, permission: string): boolean {
  return actor.permissions?.includes(permission) ?? false;
}

/** FORBIDDEN unless the actor holds `permission` (for rules inside an operation the SDL cannot express). */
export function requirePermission(actor: Actor, permission: string): void {
  if (!holds(actor, permission)) throw forbidden(`Requires the permission ${permission}`);
}
