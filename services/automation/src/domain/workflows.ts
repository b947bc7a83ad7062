import { DomainError } from '@platform/service-kit';
import {
  assertTransition,
  newWorkflow,
  type NewWorkflow,
  type Workflow,
  type WorkflowStatus,
} from './workflow';

export interface Actor {
  organizationId: string | null;
  userId: string | null;
}

export interface WorkflowStorePort {
  create(workflow: NewWorkflow): Promise<Workflow>;
  list(organizationId: string): Promise<Workflow[]>;
  setStatus(organizationId: string, id: string, status: WorkflowStatus): Promise<Workflow>;
}

function organizationOf(actor: Actor): string {
  if (!actor.organizationId) throw new DomainError('UNAUTHENTICATED', 'Sign in to work with workflows');
  return actor.organizationId;
}

export function createWorkflowOperations(store: WorkflowStorePort, triggerEventTypes: readonly string[]) {
  async function get(
    actor: Actor,
    id: string,
    load: (id: string) => Promise<Workflow | null>,
  ): Promise<Workflow> {
    organizationOf(actor);
    const workflow = await load(id);
    if (!workflow) throw new DomainError('NOT_FOUND', `Workflow ${id} not found`, { entity: 'Workflow', id });
    return workflow;
  }
  return {
    create(
      actor: Actor,
      input: {
        name: string;
        description?: string | null;
        triggerEventType: string;
        status?: WorkflowStatus | null;
      },
    ): Promise<Workflow> {
      return store.create(newWorkflow(organizationOf(actor), actor.userId, input, triggerEventTypes));
    },
    list: (actor: Actor) => store.list(organizationOf(actor)),
    get,
    async setStatus(
      actor: Actor,
      id: string,
      status: WorkflowStatus,
      load: (id: string) => Promise<Workflow | null>,
    ): Promise<Workflow> {
      const workflow = await get(actor, id, load);
      assertTransition(workflow.status, status);
      return workflow.status === status ? workflow : store.setStatus(workflow.organizationId, id, status);
    },
  };
}

export type WorkflowOperations = ReturnType<typeof createWorkflowOperations>;
