/**
 * The seat rule (billing's seats, issue #10): on a plan priced per seat (every plan but Free) a member
 * works only with a seat. A member without one keeps reading — every `…:read` and `…:read_pii`
 * permission their roles grant — and `billing:manage`, so whoever manages billing can still give seats
 * (themselves included) and nobody is locked out; every other write is gone from their principal, and
 * the service refuses it (FORBIDDEN) like any missing permission. Their own profile, password, second
 * factor and sessions need no permission (`@signedIn`) and stay theirs. On Free nobody needs a seat.
 * identity learns the plan and the seats from billing's events.
 */
import { SEATED_PLAN_IDS } from '@platform/events/catalog';

export interface SeatStanding {
  /** The organization's plan is priced per seat. */
  seatsRequired: boolean;
  /** The user holds a seat of it. */
  seated: boolean;
}

/** What a user stands on when billing has said nothing yet: Free (every organization starts there). */
export const FREE_STANDING: SeatStanding = { seatsRequired: false, seated: false };

/** Permissions a member without a seat keeps beyond reading. */
export const SEATLESS_KEEPS: readonly string[] = ['billing:manage'];

/** Whether members of `planId` need a seat to write. */
export function seatsRequiredBy(planId: string): boolean {
  return SEATED_PLAN_IDS.some((plan) => plan === planId);
}

function readsOnly(permission: string): boolean {
  const action = permission.slice(permission.indexOf(':') + 1);
  return action === 'read' || action === 'read_pii';
}

/** The permissions a user acts with, given their seat standing. */
export function permissionsForSeat(permissions: readonly string[], standing: SeatStanding): string[] {
  if (!standing.seatsRequired || standing.seated) return [...permissions];
  return permissions.filter((permission) => readsOnly(permission) || SEATLESS_KEEPS.includes(permission));
}
