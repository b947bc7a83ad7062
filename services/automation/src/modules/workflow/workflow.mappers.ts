// What the generated resolver types use as parents (see @platform/codegen).
import type { Workflow } from './domain/workflow';

export type WorkflowMapper = Workflow;
export { WorkflowStatus } from './domain/workflow';
