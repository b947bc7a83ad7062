import type { DataLoader, RequestContext } from '@platform/service-kit';
import type { Workflow, WorkflowRun } from './domain/workflow';
import type { WorkflowOperations } from './domain/workflows';

export interface AutomationContext extends RequestContext {
  workflows: WorkflowOperations;
  workflowById: DataLoader<string, Workflow | null>;
  /** Runs by subject (contact) id, newest first. */
  runsBySubject: DataLoader<string, WorkflowRun[]>;
}
