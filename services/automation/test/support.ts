import { randomUUID } from 'node:crypto';
import { withTenant } from '@platform/service-kit';
import type { WorkflowStatus } from '../src/modules/workflow/domain/workflow';
import type { AutomationService } from '../src/service';

/** The trigger the stored workflows and runs use. */
export const TRIGGER = 'crm.contact.created.v1';

/**
 * Rows written straight into automation's database (in the tenant's transaction), for tests that need
 * workflows and runs in a given state without going through the operations that make them.
 */
export function storedRows(database: () => AutomationService['database']) {
  return {
    /** A workflow (active unless told otherwise); returns its id. */
    seedWorkflow: async (
      organizationId: string,
      name: string,
      status: WorkflowStatus = 'active',
      version = 1,
    ): Promise<string> => {
      const id = randomUUID();
      await withTenant(database(), organizationId, (tx) =>
        tx.workflow.create({
          data: { id, organizationId, name, triggerEventType: TRIGGER, status, version },
        }),
      );
      return id;
    },

    /** Runs of `workflowId` about `subjectId`, one minute apart, the first one oldest; returns their ids. */
    seedRuns: async (
      organizationId: string,
      workflowId: string,
      subjectId: string,
      count: number,
    ): Promise<string[]> => {
      const start = Date.now() - 24 * 3_600_000;
      const rows = Array.from({ length: count }, (_, index) => ({
        id: randomUUID(),
        organizationId,
        workflowId,
        workflowVersion: 1,
        triggerEventId: randomUUID(),
        triggerEventType: TRIGGER,
        subjectId,
        startedAt: new Date(start + index * 60_000),
      }));
      await withTenant(database(), organizationId, (tx) => tx.workflowRun.createMany({ data: rows }));
      return rows.map((row) => row.id);
    },
  };
}
