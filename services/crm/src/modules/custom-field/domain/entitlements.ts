/**
 * The organization's plan entitlements as crm enforces them (spec 000's feature matrix; billing's Plan
 * is the only source, its billing.entitlements.changed.v1 events bring them, the newest version
 * winning), and the rule every limited creation follows. No Prisma or GraphQL here.
 */
import { planLimitReached } from '@platform/domain';

/** What crm enforces of the organization's plan. A null limit is unlimited. */
export interface OrganizationEntitlements {
  /** Billing's plan id (free, basic, pro, enterprise; a plan billing adds later passes through as is). */
  planId: string;
  /** Most contacts (live, not deleted) the organization may keep. */
  contactLimit: number | null;
  /** Most live (not archived) custom field definitions, all entity types together. */
  customFieldLimit: number | null;
}

/**
 * The Free plan's limits (spec 000: 100 contacts, 5 custom fields): what an organization has until
 * billing's event arrives. Every organization starts on the Free plan (billing provisions it from
 * identity.organization.created.v1), so the Free limits are what it is entitled to meanwhile; assuming
 * more would let a new organization exceed its plan in the moments before the event, and nothing could
 * take those records back.
 */
export const FREE_PLAN_ENTITLEMENTS: OrganizationEntitlements = Object.freeze({
  planId: 'free',
  contactLimit: 100,
  customFieldLimit: 5,
});

/** The organization's entitlements as crm knows them (the Free plan's until an event says otherwise). */
export interface Entitlements {
  of(organizationId: string): Promise<OrganizationEntitlements>;
}

/** The limits crm enforces, as PLAN_LIMIT_REACHED names them (`details.limit`). */
export type PlanLimit = 'contacts' | 'customFields';

const LIMIT_NOUNS: Record<PlanLimit, string> = { contacts: 'contacts', customFields: 'custom fields' };

/** The plan's maximum for `limit`. */
export function maximumOf(entitlements: OrganizationEntitlements, limit: PlanLimit): number | null {
  return limit === 'contacts' ? entitlements.contactLimit : entitlements.customFieldLimit;
}

/**
 * Refuses adding `adding` (1, or an import's size) to the `current` count when that would pass the
 * plan's `maximum`: PLAN_LIMIT_REACHED with the limit's name, its maximum and the current count, so a
 * client can offer the upgrade. Null is unlimited.
 */
export function checkPlanLimit(limit: PlanLimit, maximum: number | null, current: number, adding = 1): void {
  if (maximum === null || current + adding <= maximum) return;
  const noun = LIMIT_NOUNS[limit];
  throw planLimitReached(
    `The organization's plan allows ${maximum.toLocaleString('en')} ${noun}; it has ${current.toLocaleString('en')}` +
      (adding > 1 ? ` and ${adding.toLocaleString('en')} more would pass it` : ''),
    { limit, maximum, current },
  );
}
