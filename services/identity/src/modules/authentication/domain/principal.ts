/**
 * Principals: who a verified credential acts as, at this moment. The gateway asks identity for the
 * principal of each credential it sees (and caches the answer briefly, dropping it when identity
 * publishes a change), so a role change, a suspension or a deactivation applies to the next request
 * instead of when a token expires.
 */
import { unauthenticated } from '@platform/domain';
import type { ApiAccess } from '../../api-key/domain/api-access';
import { organizationCanSignIn, type Organization } from '../../organization/domain/organization';
import { effectivePermissions, type UserAccess } from '../../role/domain/role';
import { userCanSignIn, type User } from '../../user/domain/user';
import { FREE_STANDING, permissionsForSeat, type SeatStanding } from './seats';

/** A signed-in user's credential, as the gateway verified it from an access token. */
export interface UserCredential {
  type: 'user';
  /** The organization the token acts in. */
  organizationId: string;
  userId: string;
  /** Agencies: the user's own organization, when the token acts in a client organization. */
  actingFromOrganizationId?: string | null;
  /** The sign-in session of the token (`sid`); an ended session stands for nobody. */
  sessionId?: string | null;
}

/** A partner's API key, as sent (the gateway checks nothing but its presence). */
export interface ApiKeyCredential {
  type: 'api_key';
  key: string;
}

export type Credential = UserCredential | ApiKeyCredential;

export interface Principal {
  organizationId: string;
  userId: string;
  apiKeyId: string | null;
  actingFromOrganizationId: string | null;
  roles: string[];
  permissions: string[];
  /** A suspended organization reads; its writes are refused. */
  organizationStatus: 'active' | 'suspended';
  /**
   * An API key bound to an operation manifest: the ids (SHA-256 hex) of the only operations it may
   * run. Null: any operation (users, and keys without a manifest).
   */
  operationSafelist: string[] | null;
  /**
   * An API key's: what its organization's plan lets keys do (billing's entitlements; read_only keys are
   * refused every mutation at the gateway). Null for users: a plan never limits a signed-in user so.
   */
  apiAccess: ApiAccess | null;
}

const NO_LONGER_VALID = 'The session is no longer valid; sign in again';

/**
 * The principal of a user: refused (UNAUTHENTICATED) when the user is gone or not active, or their
 * organization is cancelled. On a plan priced per seat a user without a seat reads only (seats.ts).
 */
export function userPrincipal(
  user: User | null,
  organization: Organization | null,
  access: UserAccess | null,
  seat: SeatStanding = FREE_STANDING,
): Principal {
  if (!user || !organization || !access || !userCanSignIn(user) || !organizationCanSignIn(organization)) {
    throw unauthenticated(NO_LONGER_VALID);
  }
  return {
    organizationId: organization.id,
    userId: user.id,
    apiKeyId: null,
    actingFromOrganizationId: null,
    roles: user.roles,
    permissions: permissionsForSeat(effectivePermissions(access), seat),
    organizationStatus: organization.status === 'suspended' ? 'suspended' : 'active',
    operationSafelist: null,
    apiAccess: null,
  };
}

/** What an agency user may not do inside a client organization: manage clients of it, or its status. */
export const AGENCY_ONLY_PERMISSIONS: readonly string[] = [
  'organizations:manage_clients',
  'organizations:manage_status',
];

/**
 * The principal of an agency user acting inside a client organization: the user must be active in the
 * agency, hold organizations:manage_clients there, and the client must be one of the agency's and not
 * cancelled. They act with their agency permissions minus AGENCY_ONLY_PERMISSIONS (their seat is the
 * agency's: `seat` is their standing there).
 */
export function agencyPrincipal(
  user: User | null,
  agency: Organization | null,
  access: UserAccess | null,
  client: Organization | null,
  seat: SeatStanding = FREE_STANDING,
): Principal {
  const home = userPrincipal(user, agency, access, seat);
  if (!home.permissions.includes('organizations:manage_clients')) throw unauthenticated(NO_LONGER_VALID);
  if (!client || client.parentOrganizationId !== home.organizationId || !organizationCanSignIn(client)) {
    throw unauthenticated(NO_LONGER_VALID);
  }
  return {
    ...home,
    organizationId: client.id,
    actingFromOrganizationId: home.organizationId,
    permissions: home.permissions.filter((permission) => !AGENCY_ONLY_PERMISSIONS.includes(permission)),
    organizationStatus: client.status === 'suspended' ? 'suspended' : 'active',
    operationSafelist: null,
    apiAccess: null,
  };
}
