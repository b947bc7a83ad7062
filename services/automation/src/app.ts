import {
  DataLoader,
  orderByKeys,
  loadSchema,
  startServiceRuntime,
  type ServiceRuntime,
  type ServiceStartOptions,
} from '@platform/service-kit';
import type { AutomationContext } from './context';
import type { Workflow, WorkflowRun } from './domain/workflow';
import { createWorkflowOperations } from './domain/workflows';
import { startTriggerConsumer, TRIGGER_EVENT_TYPES } from './events/consumers';
import { createDatabase, type Database } from './infra/database';
import { createWorkflowStore } from './infra/workflows';
import { resolvers } from './resolvers';

const typeDefs = loadSchema(__dirname);

/** Contact.workflowRuns returns at most this many runs, newest first. */
const RUNS_PER_CONTACT = 100;

export type AutomationServiceOptions = ServiceStartOptions;

export interface AutomationService extends ServiceRuntime {
  database: Database;
}

/** Starts automation: its subgraph, its outbox relay and the workflow trigger consumer. */
export async function startAutomationService(options: AutomationServiceOptions): Promise<AutomationService> {
  const database = createDatabase(options.databaseUrl);
  const store = createWorkflowStore(database);
  const workflows = createWorkflowOperations(store, TRIGGER_EVENT_TYPES);
  const runtime = await startServiceRuntime<AutomationContext>({
    service: 'automation',
    start: options,
    typeDefs,
    resolvers,
    context: (base) => {
      const { organizationId } = base.auth;
      return {
        ...base,
        workflows,
        workflowById: new DataLoader<string, Workflow | null>(async (ids) =>
          organizationId
            ? orderByKeys(ids, await store.byIds(organizationId, ids), (workflow) => workflow.id)
            : ids.map(() => null),
        ),
        runsBySubject: new DataLoader<string, WorkflowRun[]>(async (ids) =>
          organizationId ? store.runsForSubjects(organizationId, ids, RUNS_PER_CONTACT) : ids.map(() => []),
        ),
      };
    },
    consumers: async (messaging) => [
      await startTriggerConsumer({ messaging, database, store, topicPrefix: options.kafka.topicPrefix }),
    ],
    onClose: () => database.$disconnect(),
  });
  return { ...runtime, database };
}
