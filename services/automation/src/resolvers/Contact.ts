import type { AutomationContext } from '../context';
import type { WorkflowRun } from '../domain/workflow';

export const Contact = {
  __resolveReference: (reference: { id: string }) => reference,
  workflowRuns: (
    contact: { id: string },
    _args: unknown,
    context: AutomationContext,
  ): Promise<WorkflowRun[]> => context.runsBySubject.load(contact.id),
};
