import { randomUUID } from 'node:crypto';
import { createEvent, toKafkaMessage, topicName, type CatalogEvent } from '@platform/events';
import { withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest } from '@platform/service-kit/testing';
import { TRIGGER_GROUP } from '../../src/consumers/triggers';
import { storedRows } from '../support';
import { startAutomationService } from '../../src/service';

// The workflow-run module against real PostgreSQL and Kafka: crm.contact.created.v1 starts one run per
// active workflow through the trigger consumer (once, however often it is delivered), and
// Contact.workflowRuns reads the runs of N contacts with one statement.

const RUNS = `... on Contact { id workflowRuns { id workflow { id name } workflowVersion triggerEventType status } }`;

interface ContactRuns {
  id: string;
  workflowRuns: Array<{
    id: string;
    workflow: { id: string; name: string };
    workflowVersion: number;
    status: string;
  }> | null;
}

describe('workflow-run module', () => {
  const statements: string[] = [];
  const subject = serviceUnderTest('automation', (env) =>
    startAutomationService({ ...env.startOptions(), onQuery: (sql) => statements.push(sql) }),
  );
  const { seedWorkflow, seedRuns } = storedRows(() => subject.service.database);

  function contactCreated(organizationId: string, contactId: string): CatalogEvent<'crm.contact.created.v1'> {
    return createEvent('crm.contact.created.v1', {
      source: '/services/crm',
      subject: contactId,
      tenantId: organizationId,
      data: {
        contactId,
        organizationId,
        ownerId: null,
        companyId: null,
        relationshipState: 'Lead',
        tags: [],
        createdAt: new Date().toISOString(),
      },
    });
  }

  async function publish(...events: CatalogEvent[]): Promise<void> {
    const { env, service: automation } = subject;
    await automation.messaging.producer.send(
      topicName('crm.contact', env.kafka.topicPrefix),
      events.map(toKafkaMessage),
    );
  }

  /** Waits until the trigger consumer has committed its handling of `eventId`. */
  async function handled(eventId: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const row = await subject.service.database.processedEvent.findUnique({
        where: { consumerGroup_eventId: { consumerGroup: TRIGGER_GROUP, eventId } },
      });
      if (row) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`event ${eventId} was not handled within 30 s`);
  }

  const runsOf = (organizationId: string, subjectId: string) =>
    withTenant(subject.service.database, organizationId, (tx) =>
      tx.workflowRun.findMany({ where: { subjectId } }),
    );

  describe('trigger consumer', () => {
    it('starts one run per active workflow triggered by crm.contact.created.v1, once however often it comes', async () => {
      const automation = subject.service;
      const caller = newTenant();
      const active = await seedWorkflow(caller.organizationId, 'Welcome', 'active', 4);
      const alsoActive = await seedWorkflow(caller.organizationId, 'Notify owner', 'active');
      await seedWorkflow(caller.organizationId, 'Paused', 'paused');
      await seedWorkflow(caller.organizationId, 'Draft', 'draft');
      const contactId = randomUUID();
      const event = contactCreated(caller.organizationId, contactId);
      await publish(event);
      await handled(event.id);

      const runs = await runsOf(caller.organizationId, contactId);
      expect(
        runs.map((run) => [run.workflowId, run.workflowVersion, run.triggerEventId, run.status]).sort(),
      ).toEqual(
        [
          [active, 4, event.id, 'started'],
          [alsoActive, 1, event.id, 'started'],
        ].sort(),
      );

      // Redelivered (same key, same partition): once the next event is handled, the copy was too.
      const next = contactCreated(caller.organizationId, contactId);
      await publish(event, next);
      await handled(next.id);
      const after = await runsOf(caller.organizationId, contactId);
      expect(after.filter((run) => run.triggerEventId === event.id)).toHaveLength(2);
      expect(after.filter((run) => run.triggerEventId === next.id)).toHaveLength(2);
      // Runs imply no event: nothing of theirs is in the outbox.
      expect(await automation.database.outboxEvent.count()).toBe(0);
    });

    it('starts nothing in another organization', async () => {
      const [caller, other] = [newTenant(), newTenant()];
      await seedWorkflow(other.organizationId, 'Foreign', 'active');
      const contactId = randomUUID();
      const event = contactCreated(caller.organizationId, contactId);
      await publish(event);
      await handled(event.id);
      expect(await runsOf(caller.organizationId, contactId)).toEqual([]);
      expect(await runsOf(other.organizationId, contactId)).toEqual([]);
    });
  });

  describe('Contact.workflowRuns', () => {
    it('reads the runs of N contacts with one statement, and their workflows with one more', async () => {
      const { env, service: automation } = subject;
      const caller = newTenant();
      const [welcome, notify] = [
        await seedWorkflow(caller.organizationId, 'Welcome', 'active'),
        await seedWorkflow(caller.organizationId, 'Notify', 'active'),
      ];
      const [ada, grace, nobody, edsger] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      const seeded = [
        await seedRuns(caller.organizationId, welcome, ada, 2),
        await seedRuns(caller.organizationId, notify, grace, 1),
        [],
        await seedRuns(caller.organizationId, welcome, edsger, 3),
      ];
      statements.length = 0;
      const result = await env.entities<ContactRuns>(
        automation.graphqlUrl,
        RUNS,
        caller,
        [ada, grace, nobody, edsger, 'not-a-uuid'].map((id) => ({ __typename: 'Contact', id })),
      );
      expect(result.map((contact) => contact?.workflowRuns?.map((run) => run.id))).toEqual([
        ...seeded.map((ids) => [...ids].reverse()),
        [],
      ]);
      expect(result[1]?.workflowRuns?.[0]?.workflow).toEqual({ id: notify, name: 'Notify' });
      const selects = statements.filter((sql) => /^\s*select/i.test(sql));
      expect(selects.filter((sql) => sql.includes('workflow_runs'))).toHaveLength(1);
      expect(selects.filter((sql) => sql.includes('"workflows"'))).toHaveLength(1);
    });

    it('answers at most the newest 100 runs of a contact', async () => {
      const { env, service: automation } = subject;
      const caller = newTenant();
      const workflowId = await seedWorkflow(caller.organizationId, 'Busy', 'active');
      const contactId = randomUUID();
      const ids = await seedRuns(caller.organizationId, workflowId, contactId, 105);
      const [contact] = await env.entities<ContactRuns>(automation.graphqlUrl, RUNS, caller, [
        { __typename: 'Contact', id: contactId },
      ]);
      expect(contact?.workflowRuns?.map((run) => run.id)).toEqual([...ids].reverse().slice(0, 100));
    });

    it('shows anonymous callers and callers without workflows:read no runs: the field reads null', async () => {
      const { env, service: automation } = subject;
      const caller = newTenant();
      const workflowId = await seedWorkflow(caller.organizationId, 'Hidden', 'active');
      const contactId = randomUUID();
      await seedRuns(caller.organizationId, workflowId, contactId, 1);
      for (const auth of [{}, { ...caller, permissions: ['contacts:read'] }]) {
        const [contact] = await env.entities<ContactRuns>(automation.graphqlUrl, RUNS, auth, [
          { __typename: 'Contact', id: contactId },
        ]);
        expect(contact).toEqual({ id: contactId, workflowRuns: null });
      }
    });
  });
});
