import { parseInput } from '@platform/service-kit';
import { z } from 'zod';
import type { AutomationContext } from '../../context';
import { WORKFLOW_STATUSES, type Workflow } from '../../domain/workflow';

const CreateWorkflowInput = z.object({
  name: z.string(),
  description: z.string().nullish(),
  triggerEventType: z.string(),
  status: z.enum(WORKFLOW_STATUSES).nullish(),
});

export function createWorkflow(
  _parent: unknown,
  args: { input: unknown },
  context: AutomationContext,
): Promise<Workflow> {
  return context.workflows.create(context.auth, parseInput(CreateWorkflowInput, args.input));
}
