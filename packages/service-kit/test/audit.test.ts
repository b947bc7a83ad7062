import { randomUUID } from 'node:crypto';
import { createEvent, REDACTED } from '@platform/events';
import { badUserInput, forbidden, organizationSuspended } from '@platform/domain';
import { GraphQLError } from 'graphql';
import {
  actorOf,
  auditEventsForWrite,
  auditOutcomeOf,
  redactedData,
  requestAuditScope,
  systemAuditScope,
} from '../src/audit';
import { callerContext } from '../src/testing';

const organizationId = randomUUID();
const userId = randomUUID();

const userCreated = () =>
  createEvent('identity.user.created.v1', {
    subject: userId,
    tenantId: organizationId,
    source: '/services/identity',
    data: {
      userId,
      organizationId,
      email: 'ada@example.com',
      type: 'human',
      status: 'invited',
      roles: ['agent'],
      givenName: 'Ada',
      familyName: null,
      createdAt: new Date().toISOString(),
    },
  });

describe('audit entries of a write', () => {
  it('one per domain event: its aggregate, its data with personal fields redacted, the scope’s caller', () => {
    const auth = callerContext({ organizationId, userId });
    const scope = requestAuditScope({ requestId: 'req-7', auth }, 'inviteUser');
    const [entry, ...rest] = auditEventsForWrite('identity', organizationId, [userCreated()], scope);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      type: 'identity.audit.recorded.v1',
      subject: organizationId,
      tenantid: organizationId,
    });
    expect(entry?.data).toMatchObject({
      action: 'identity.user.created',
      operation: 'inviteUser',
      entityType: 'user',
      entityId: userId,
      requestId: 'req-7',
      outcome: 'success',
      actor: { type: 'user', userId },
      changes: { email: REDACTED, givenName: REDACTED, familyName: null, roles: ['agent'] },
    });
    expect(JSON.stringify(entry)).not.toContain('ada@example.com');
  });

  it('one for the operation when a write publishes no event, once per scope; none outside an operation', () => {
    const auth = callerContext({ organizationId, userId });
    const scope = requestAuditScope({ requestId: 'r', auth }, 'setMyPreference');
    const [entry] = auditEventsForWrite('identity', organizationId, [], scope);
    expect(entry?.data).toMatchObject({
      action: 'identity.setMyPreference',
      entityType: null,
      entityId: null,
    });
    scope.recorded = true;
    expect(auditEventsForWrite('identity', organizationId, [], scope)).toEqual([]);
    expect(auditEventsForWrite('identity', organizationId, [], systemAuditScope())).toEqual([]);
    expect(auditEventsForWrite('identity', organizationId, [], undefined)).toEqual([]);
  });

  it('never audits audit entries', () => {
    const [entry] = auditEventsForWrite('identity', organizationId, [userCreated()], undefined);
    expect(entry).toBeDefined();
    expect(auditEventsForWrite('identity', organizationId, entry ? [entry] : [], undefined)).toEqual([]);
  });

  it('attributes consumer work to the system or a workflow, with the causing event', () => {
    const cause = randomUUID();
    const [entry] = auditEventsForWrite(
      'identity',
      organizationId,
      [userCreated()],
      systemAuditScope({ actor: 'workflow', causationEventId: cause }),
    );
    expect(entry?.data).toMatchObject({
      actor: { type: 'workflow', userId: null },
      details: { causationEventId: cause },
      requestId: null,
    });
  });
});

describe('who acted', () => {
  it('names an API key, a user, an agency user acting in a client, or nobody', () => {
    const apiKeyId = randomUUID();
    const agency = randomUUID();
    expect(actorOf(callerContext({ organizationId, userId, apiKeyId }))).toMatchObject({
      type: 'api_key',
      userId,
      apiKeyId,
    });
    expect(
      actorOf(callerContext({ organizationId, userId, actingFromOrganizationId: agency })),
    ).toMatchObject({
      type: 'user',
      actingFromOrganizationId: agency,
    });
    expect(actorOf(callerContext({})).type).toBe('anonymous');
  });
});

describe('outcomes', () => {
  it.each([
    [forbidden(), 'denied', 'FORBIDDEN'],
    [organizationSuspended(), 'denied', 'ORGANIZATION_SUSPENDED'],
    [badUserInput('no'), 'failure', 'BAD_USER_INPUT'],
    [
      new GraphQLError('x', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }),
      'failure',
      'PERSISTED_QUERY_NOT_FOUND',
    ],
    [new Error('boom'), 'failure', 'INTERNAL_SERVER_ERROR'],
  ])('%s is %s with %s', (error, outcome, errorCode) => {
    expect(auditOutcomeOf(error)).toEqual({ outcome, errorCode });
  });
});

describe('redactedData', () => {
  it('leaves events without personal data as they are', () => {
    const event = createEvent('crm.contact.created.v1', {
      subject: randomUUID(),
      tenantId: organizationId,
      source: '/services/crm',
      data: {
        contactId: randomUUID(),
        organizationId,
        ownerId: null,
        companyId: null,
        relationshipState: 'Lead',
        tags: [],
        createdAt: new Date().toISOString(),
      },
    });
    expect(redactedData(event)).toEqual(event.data);
  });
});
