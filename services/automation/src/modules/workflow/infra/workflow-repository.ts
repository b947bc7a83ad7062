import { orderByKeys, uuidsOnly, type TenantDatabase } from '@platform/service-kit';
import type { Prisma } from '../../../generated/prisma/client';
import type { Workflow } from '../domain/workflow';
import type { WorkflowRepository } from '../domain/workflow-repository';

type WorkflowRow = Prisma.WorkflowGetPayload<object>;

export function toWorkflow(row: WorkflowRow): Workflow {
  return {
    id: row.id,
    organizationId: row.organizationId,
    name: row.name,
    description: row.description,
    triggerEventType: row.triggerEventType,
    status: row.status,
    version: row.version,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Newest first, then by id: a stable order. */
const ORDER: Prisma.WorkflowOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];

/** Thrown inside a write to roll it back (its events with it) when the workflow moved on meanwhile. */
class StaleWorkflow extends Error {
  override readonly name = 'StaleWorkflow';
}

/**
 * Workflows over Prisma. Every call runs in the organization's tenant transaction (row-level security
 * backs up the explicit organization filter); writes store their events in that same transaction.
 */
export function workflowRepository(db: TenantDatabase<Prisma.TransactionClient>): WorkflowRepository {
  return {
    create: (workflow, events) =>
      db.write(workflow.organizationId, events, async (tx) =>
        toWorkflow(
          await tx.workflow.create({
            data: {
              id: workflow.id,
              organizationId: workflow.organizationId,
              name: workflow.name,
              description: workflow.description,
              triggerEventType: workflow.triggerEventType,
              status: workflow.status,
              version: workflow.version,
              createdBy: workflow.createdBy,
              createdAt: workflow.createdAt,
              updatedAt: workflow.updatedAt,
            },
          }),
        ),
      ),

    async byIds(organizationId, ids) {
      const rows = await db.read(organizationId, (tx) =>
        tx.workflow.findMany({ where: { organizationId, id: { in: uuidsOnly(ids) } } }),
      );
      return orderByKeys(ids, rows.map(toWorkflow), (workflow) => workflow.id);
    },

    list: (organizationId) =>
      db.read(organizationId, async (tx) =>
        (await tx.workflow.findMany({ where: { organizationId }, orderBy: ORDER })).map(toWorkflow),
      ),

    async update(workflow, expectedVersion, events) {
      try {
        return await db.write(workflow.organizationId, events, async (tx) => {
          // Compare-and-set on the version: the row lock orders concurrent writers, and the loser
          // matches no row.
          const { count } = await tx.workflow.updateMany({
            where: { id: workflow.id, organizationId: workflow.organizationId, version: expectedVersion },
            data: { status: workflow.status, version: workflow.version, updatedAt: workflow.updatedAt },
          });
          if (count === 0) throw new StaleWorkflow();
          return workflow;
        });
      } catch (error) {
        if (error instanceof StaleWorkflow) return null;
        throw error;
      }
    },
  };
}
