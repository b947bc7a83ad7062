import type { EventConsumer, EventHandler } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import type { TriggerEventType } from '../modules/workflow/domain/workflow';
import { startRuns } from '../modules/workflow-run/domain/workflow-run-operations';
import { workflowRunTransaction } from '../modules/workflow-run/infra/workflow-run-repository';
import type { AutomationDependencies } from '../service';

/** Consumer group of workflow triggers; also its key in processed_events. */
export const TRIGGER_GROUP = 'automation.triggers';

type Transaction = Prisma.TransactionClient;

/** Any trigger event: its run starts are decided by the domain and stored in the handler's transaction. */
const startRunsFor: EventHandler<TriggerEventType, Transaction> = async (event, tx) => {
  await startRuns(workflowRunTransaction(tx), {
    eventId: event.id,
    eventType: event.type,
    subjectId: event.subject,
    organizationId: event.tenantid,
    at: new Date(),
  });
};

/** One handler per trigger event type: the type checks that the list and the subscriptions agree. */
const handlers: { readonly [T in TriggerEventType]: EventHandler<T, Transaction> } = {
  'crm.contact.created.v1': startRunsFor,
};

/** Domain events become workflow runs: one run per active workflow whose trigger matches. */
export function startTriggerConsumer(
  dependencies: AutomationDependencies,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  return startTenantConsumer<Transaction>(dependencies, messaging, options, {
    groupId: TRIGGER_GROUP,
    actor: 'workflow',
    handlers,
  });
}
