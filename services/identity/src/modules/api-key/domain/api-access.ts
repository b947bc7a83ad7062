/**
 * What an organization's plan lets its API keys do: billing's entitlements decide it (UNIFICATION.md:
 * billing's Plan is the only source) and identity keeps a copy, which the principal of every API key
 * carries to the gateway. The gateway refuses a read-only organization's keys every mutation; signed-in
 * users are not limited by it. No Prisma or GraphQL here.
 */
import { API_ACCESS_LEVELS } from '@platform/events/catalog';
import { enumObject } from '@platform/domain';

export const ApiAccessLevel = enumObject(API_ACCESS_LEVELS);
export type ApiAccessLevel = (typeof API_ACCESS_LEVELS)[number];

export interface ApiAccess {
  /** read_only: queries only; full: queries and mutations. */
  level: ApiAccessLevel;
  /** The plan that grants it (free, basic, pro, enterprise), so a refusal can name it. */
  planId: string;
  /** billing's version of the organization's entitlements it comes from; 0 before billing's first event. */
  version: number;
}

/**
 * The Free plan's access (spec 000: API read-only): what an organization has until billing's event
 * arrives. Every organization starts on Free (billing provisions it at sign-up), and writing through a
 * key in that moment could not be taken back, while a refused write is retried once the event is in.
 */
export const FREE_API_ACCESS: ApiAccess = Object.freeze({
  level: ApiAccessLevel.read_only,
  planId: 'free',
  version: 0,
});
