// What the generated resolver types use as parents (see @platform/codegen).
import type { AdPerformance } from './domain/ad-performance';
import type { CompanyAssignment } from './domain/assignment';
import type { Company, CompanyStageEvent } from './domain/company';

export type CompanyMapper = Company;
export type CompanyStageEventMapper = CompanyStageEvent;
export type CompanyAssignmentMapper = CompanyAssignment;
export type AdPerformanceMapper = AdPerformance;
export { AdPlatform } from './domain/ad-performance';
export { CompanyAssignmentRole } from './domain/assignment';
export { CompanyOrderField, CompanySize } from './domain/company';
export { CompanyHealth } from './domain/pipeline';
