import { randomUUID } from 'node:crypto';
import { conflict, notFound, organizationOf, type Actor } from '@platform/domain';
import {
  changeStatus,
  createWorkflow,
  TRIGGER_EVENT_TYPES,
  type NewWorkflowInput,
  type Workflow,
  type WorkflowStatus,
} from './workflow';
import type { WorkflowRepository } from './workflow-repository';

const SIGN_IN = 'Sign in to work with workflows';

/** The workflow use cases: who may do what, and what it changes. */
export function workflowOperations(
  repository: WorkflowRepository,
  {
    triggerEventTypes = TRIGGER_EVENT_TYPES,
    clock = () => new Date(),
  }: { triggerEventTypes?: readonly string[]; clock?: () => Date } = {},
) {
  /** Missing and other organizations' workflows are both simply "not found". */
  async function get(
    actor: Actor,
    id: string,
    load: (id: string) => Promise<Workflow | null>,
  ): Promise<Workflow> {
    organizationOf(actor, SIGN_IN);
    const workflow = await load(id);
    if (!workflow) throw notFound('Workflow', id);
    return workflow;
  }

  return {
    get,

    async create(actor: Actor, input: NewWorkflowInput): Promise<Workflow> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const { workflow, events } = createWorkflow(
        { id: randomUUID(), organizationId, createdBy: actor.userId },
        input,
        triggerEventTypes,
        clock(),
      );
      return repository.create(workflow, events);
    },

    async list(actor: Actor): Promise<Workflow[]> {
      return repository.list(organizationOf(actor, SIGN_IN));
    },

    /**
     * Moves the workflow along its lifecycle, reading it fresh (not from a request's cache). The same
     * status again writes nothing; a change that raced with another one is refused as CONFLICT.
     */
    async setStatus(actor: Actor, id: string, status: WorkflowStatus): Promise<Workflow> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const current = await get(
        actor,
        id,
        async (key) => (await repository.byIds(organizationId, [key]))[0] ?? null,
      );
      const { workflow, events } = changeStatus(current, status, actor.userId, clock());
      if (events.length === 0) return current;
      const saved = await repository.update(workflow, current.version, events);
      if (!saved)
        throw conflict(`Workflow ${id} changed meanwhile; read it again`, { entity: 'Workflow', id });
      return saved;
    },
  };
}

export type WorkflowOperations = ReturnType<typeof workflowOperations>;
