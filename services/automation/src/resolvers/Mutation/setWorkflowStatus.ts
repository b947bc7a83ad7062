import { parseInput } from '@platform/service-kit';
import { z } from 'zod';
import type { AutomationContext } from '../../context';
import { WORKFLOW_STATUSES, type Workflow } from '../../domain/workflow';

const SetWorkflowStatusArgs = z.object({ id: z.uuid(), status: z.enum(WORKFLOW_STATUSES) });

export function setWorkflowStatus(
  _parent: unknown,
  args: unknown,
  context: AutomationContext,
): Promise<Workflow> {
  const { id, status } = parseInput(SetWorkflowStatusArgs, args);
  return context.workflows.setStatus(context.auth, id, status, (workflowId) =>
    context.workflowById.load(workflowId),
  );
}
