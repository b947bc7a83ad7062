import type { AutomationContext } from '../context';
import type { Workflow } from '../domain/workflow';

export const Query = {
  workflows: (_parent: unknown, _args: unknown, context: AutomationContext): Promise<Workflow[]> =>
    context.workflows.list(context.auth),
  workflow: (_parent: unknown, args: { id: string }, context: AutomationContext): Promise<Workflow> =>
    context.workflows.get(context.auth, args.id, (id) => context.workflowById.load(id)),
};
