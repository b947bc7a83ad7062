import { unauthenticated } from './errors';

/**
 * Who acts: the organization, user, roles and scopes from the gateway's signed internal context.
 * Anonymous callers (signing up, signing in) have neither organization nor user.
 */
export interface Actor {
  organizationId: string | null;
  userId: string | null;
  roles?: readonly string[];
  scopes?: readonly string[];
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
