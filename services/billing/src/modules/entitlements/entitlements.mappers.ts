// What the generated resolver types use as parents (see @platform/codegen).
import type { OrganizationEntitlements } from './domain/entitlements';

export type EntitlementsMapper = OrganizationEntitlements;
