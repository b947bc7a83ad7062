import { randomUUID } from 'node:crypto';
import { withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest } from '@platform/service-kit/testing';
import { storedRows, TRIGGER } from './support';
import { startAutomationService } from '../src/service';

// The federation contract of automation's entities: Workflow (owned here) resolves to its row or
// null; WorkflowRun never resolves from a bare reference (runs are reached through their contact);
// Contact (owned by crm) resolves to the runs about that contact, scoped to the caller's organization.

const WORKFLOW = `... on Workflow { id name description triggerEventType status version createdAt }`;
const WORKFLOW_RUN = `... on WorkflowRun { id status }`;
const CONTACT = `... on Contact {
  id workflowRuns { id workflow { id name } workflowVersion triggerEventType status startedAt completedAt }
}`;

type Entity = Record<string, unknown> | null;

describe('automation _entities', () => {
  const subject = serviceUnderTest('automation', (env) => startAutomationService(env.startOptions()));
  const { seedWorkflow, seedRuns } = storedRows(() => subject.service.database);

  const entities = (
    selection: string,
    auth: { organizationId: string; userId: string },
    representations: Array<{ __typename: string; id: string }>,
  ): Promise<Entity[]> =>
    subject.env.entities<Record<string, unknown>>(
      subject.service.graphqlUrl,
      selection,
      auth,
      representations,
    );

  describe('Workflow', () => {
    it('resolves a representation of a workflow of the caller’s organization to its fields', async () => {
      const automation = subject.service;
      const caller = newTenant();
      const id = randomUUID();
      const createdAt = new Date('2026-06-01T07:45:00.000Z');
      await withTenant(automation.database, caller.organizationId, (tx) =>
        tx.workflow.create({
          data: {
            id,
            organizationId: caller.organizationId,
            name: 'Welcome new leads',
            description: 'Sends the welcome sequence',
            triggerEventType: TRIGGER,
            status: 'paused',
            version: 3,
            createdBy: caller.userId,
            createdAt,
          },
        }),
      );
      const [workflow] = await entities(WORKFLOW, caller, [{ __typename: 'Workflow', id }]);
      expect(workflow).toEqual({
        id,
        name: 'Welcome new leads',
        description: 'Sends the welcome sequence',
        triggerEventType: TRIGGER,
        status: 'paused',
        version: 3,
        createdAt: createdAt.toISOString(),
      });
    });

    it('answers several representations in request order', async () => {
      const caller = newTenant();
      const first = await seedWorkflow(caller.organizationId, 'First');
      const second = await seedWorkflow(caller.organizationId, 'Second');
      const third = await seedWorkflow(caller.organizationId, 'Third');
      const result = await entities(
        WORKFLOW,
        caller,
        [second, third, first, second].map((id) => ({ __typename: 'Workflow', id })),
      );
      expect(result.map((workflow) => workflow?.name)).toEqual(['Second', 'Third', 'First', 'Second']);
    });

    it('resolves a workflow of another organization, or an unknown or malformed id, to null', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const foreign = await seedWorkflow(other.organizationId, 'Foreign');
      const own = await seedWorkflow(caller.organizationId, 'Own');
      const result = await entities(
        WORKFLOW,
        caller,
        [foreign, randomUUID(), 'not-a-uuid', own].map((id) => ({ __typename: 'Workflow', id })),
      );
      expect(result.map((workflow) => workflow?.name ?? null)).toEqual([null, null, null, 'Own']);
      const [seen] = await entities(WORKFLOW, other, [{ __typename: 'Workflow', id: foreign }]);
      expect(seen?.name).toBe('Foreign');
    });
  });

  describe('WorkflowRun', () => {
    it('resolves every representation to null by design, even the caller’s own runs: runs are reachable only through Contact.workflowRuns', async () => {
      const caller = newTenant();
      const workflowId = await seedWorkflow(caller.organizationId, 'Runs');
      const contactId = randomUUID();
      const runs = await seedRuns(caller.organizationId, workflowId, contactId, 2);
      const result = await entities(
        WORKFLOW_RUN,
        caller,
        [...runs, randomUUID()].map((id) => ({ __typename: 'WorkflowRun', id })),
      );
      expect(result).toEqual([null, null, null]);
      // The runs exist and are reachable the supported way.
      const [contact] = await entities(CONTACT, caller, [{ __typename: 'Contact', id: contactId }]);
      expect((contact?.workflowRuns as unknown[]).length).toBe(2);
    });
  });

  describe('Contact', () => {
    it('resolves a contact to the runs about it, newest first, with their workflow', async () => {
      const automation = subject.service;
      const caller = newTenant();
      const workflowId = await seedWorkflow(caller.organizationId, 'Welcome');
      const contactId = randomUUID();
      const [older, newer] = await seedRuns(caller.organizationId, workflowId, contactId, 2);
      await seedRuns(caller.organizationId, workflowId, randomUUID(), 1);
      const [contact] = await entities(CONTACT, caller, [{ __typename: 'Contact', id: contactId }]);
      const stored = await withTenant(automation.database, caller.organizationId, (tx) =>
        tx.workflowRun.findMany({ where: { subjectId: contactId }, orderBy: { startedAt: 'desc' } }),
      );
      expect(contact).toEqual({
        id: contactId,
        workflowRuns: stored.map((run) => ({
          id: run.id,
          workflow: { id: workflowId, name: 'Welcome' },
          workflowVersion: 1,
          triggerEventType: TRIGGER,
          status: 'started',
          startedAt: run.startedAt.toISOString(),
          completedAt: null,
        })),
      });
      expect(stored.map((run) => run.id)).toEqual([newer, older]);
    });

    it('answers several representations in request order', async () => {
      const caller = newTenant();
      const workflowId = await seedWorkflow(caller.organizationId, 'Order');
      const [ada, grace, nobody] = [randomUUID(), randomUUID(), randomUUID()];
      const adaRuns = await seedRuns(caller.organizationId, workflowId, ada, 1);
      const graceRuns = await seedRuns(caller.organizationId, workflowId, grace, 2);
      const result = await entities(
        CONTACT,
        caller,
        [grace, nobody, ada].map((id) => ({ __typename: 'Contact', id })),
      );
      expect(result.map((contact) => contact?.id)).toEqual([grace, nobody, ada]);
      const runIds = result.map((contact) =>
        (contact?.workflowRuns as Array<{ id: string }>).map((run) => run.id),
      );
      expect(runIds).toEqual([[...graceRuns].reverse(), [], adaRuns]);
    });

    it('resolves a contact of another organization with no runs: theirs stay hidden', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      const contactId = randomUUID();
      const workflowId = await seedWorkflow(other.organizationId, 'Foreign');
      await seedRuns(other.organizationId, workflowId, contactId, 2);
      const [contact] = await entities(CONTACT, caller, [{ __typename: 'Contact', id: contactId }]);
      expect(contact).toEqual({ id: contactId, workflowRuns: [] });
      const [own] = await entities(CONTACT, other, [{ __typename: 'Contact', id: contactId }]);
      expect((own?.workflowRuns as unknown[]).length).toBe(2);
    });
  });
});
