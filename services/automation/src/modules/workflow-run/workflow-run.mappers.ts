// What the generated resolver types use as parents (see @platform/codegen).
import type { WorkflowRun } from './domain/workflow-run';

export type WorkflowRunMapper = WorkflowRun;
/** Contacts are crm's; automation resolves its field on them from the id alone. */
export type ContactMapper = { id: string };
export { WorkflowRunStatus } from './domain/workflow-run';
