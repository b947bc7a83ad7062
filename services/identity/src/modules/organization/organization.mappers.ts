// What the generated resolver types use as parents (see @platform/codegen).
import type { Organization } from './domain/organization';

export type OrganizationMapper = Organization;
export { OrganizationStatus, Vertical } from './domain/organization';
