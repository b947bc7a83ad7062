import { withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { startCrmService } from '../../src/service';
import { crmOptions, entitlementsChanged, publishEntitlements } from '../support';

// crm's copy of billing's entitlements against real PostgreSQL and Kafka: billing.entitlements.changed.v1
// published to billing's topic as billing would, the newest version kept, and a downgrade's lower limits
// applied to the next creation with nothing deleted.

const IMPORT = `mutation ($contacts: [CreateContactInput!]!) { importContacts(contacts: $contacts) { id } }`;
const CREATE = `mutation ($input: CreateContactInput!) { createContact(input: $input) { id } }`;
const UPDATE = `mutation ($id: ID!, $version: Int!, $input: UpdateContactInput!) {
  updateContact(id: $id, expectedVersion: $version, input: $input) { id givenName }
}`;
const CONTACTS = `{ contacts(first: 1) { totalCount edges { node { id version } } } }`;
const CREATE_FIELD = `mutation ($input: CreateCustomFieldDefinitionInput!) {
  createCustomFieldDefinition(input: $input) { id }
}`;
const FIELDS = `{ customFieldDefinitions { totalCount } }`;

interface Refusal {
  code?: string;
  details?: unknown;
}

describe('entitlements from billing', () => {
  const subject = serviceUnderTest('crm', (env) => startCrmService(crmOptions(env.startOptions())));

  const publish = (...events: Array<ReturnType<typeof entitlementsChanged>>) =>
    publishEntitlements(subject.service, subject.env.kafka.topicPrefix, ...events);

  async function call<T>(auth: TestTenant, query: string, variables: Record<string, unknown> = {}) {
    const { env, service: crm } = subject;
    return env.graphql<T>(crm.graphqlUrl, query, variables, await env.headersFor(auth));
  }

  const refusalOf = (answer: { errors?: Array<{ extensions?: Record<string, unknown> }> }): Refusal => {
    const extensions = answer.errors?.[0]?.extensions;
    const code = extensions?.['code'];
    return { code: typeof code === 'string' ? code : undefined, details: extensions?.['details'] };
  };

  const createContact = (auth: TestTenant, givenName: string) =>
    call<{ createContact: { id: string } }>(auth, CREATE, { input: { givenName } });

  async function contacts(auth: TestTenant) {
    const { data } = await call<{
      contacts: { totalCount: number; edges: Array<{ node: { id: string; version: number } }> };
    }>(auth, CONTACTS);
    return { total: data?.contacts.totalCount, first: data?.contacts.edges[0]?.node };
  }

  const stored = (auth: TestTenant) =>
    withTenant(subject.service.database, auth.organizationId, (tx) =>
      tx.organizationEntitlements.findUnique({ where: { organizationId: auth.organizationId } }),
    );

  it('after a downgrade from Pro to Free, an organization with 150 contacts keeps them all and can add none', async () => {
    const auth = newTenant();
    await publish(entitlementsChanged(auth.organizationId, 'pro', 1));
    const rows = Array.from({ length: 150 }, (_, index) => ({ givenName: `Client${index}` }));
    expect((await call(auth, IMPORT, { contacts: rows })).errors).toBeUndefined();
    expect((await contacts(auth)).total).toBe(150);

    // billing revokes the premium features: Free's 100 contacts.
    await publish(entitlementsChanged(auth.organizationId, 'free', 2));
    expect(refusalOf(await createContact(auth, 'The 151st'))).toEqual({
      code: 'PLAN_LIMIT_REACHED',
      details: { limit: 'contacts', maximum: 100, current: 150 },
    });
    expect(refusalOf(await call(auth, IMPORT, { contacts: [{ givenName: 'Imported' }] }))).toMatchObject({
      code: 'PLAN_LIMIT_REACHED',
    });
    // Nothing was deleted, and what is there can still be changed.
    const { total, first } = await contacts(auth);
    expect(total).toBe(150);
    const updated = await call<{ updateContact: { givenName: string } }>(auth, UPDATE, {
      id: first?.id,
      version: first?.version,
      input: { givenName: 'Renamed' },
    });
    expect(updated.errors).toBeUndefined();
    expect(updated.data?.updateContact.givenName).toBe('Renamed');

    // The Pro event redelivered late, or another event of an equal version, changes nothing.
    await publish(
      entitlementsChanged(auth.organizationId, 'pro', 1),
      entitlementsChanged(auth.organizationId, 'pro', 2),
    );
    expect(await stored(auth)).toMatchObject({
      planId: 'free',
      contactLimit: 100,
      customFieldLimit: 5,
      version: 2,
    });
    expect(refusalOf(await createContact(auth, 'Still no room')).code).toBe('PLAN_LIMIT_REACHED');

    // Upgraded again: the next creation goes through.
    await publish(entitlementsChanged(auth.organizationId, 'basic', 3));
    expect((await createContact(auth, 'Welcome back')).errors).toBeUndefined();
    expect((await contacts(auth)).total).toBe(151);
  });

  it('applies the first limit below the organization’s custom fields to the next definition, keeping the live ones', async () => {
    const auth = newTenant();
    await publish(entitlementsChanged(auth.organizationId, 'basic', 1));
    for (let index = 0; index < 7; index += 1) {
      const created = await call(auth, CREATE_FIELD, {
        input: { entityType: 'contact', key: `field_${index}`, label: `Field ${index}`, dataType: 'text' },
      });
      expect(created.errors).toBeUndefined();
    }
    await publish(entitlementsChanged(auth.organizationId, 'free', 2));
    const eighth = await call(auth, CREATE_FIELD, {
      input: { entityType: 'company', key: 'field_7', label: 'Field 7', dataType: 'text' },
    });
    expect(refusalOf(eighth)).toEqual({
      code: 'PLAN_LIMIT_REACHED',
      details: { limit: 'customFields', maximum: 5, current: 7 },
    });
    const { data } = await call<{ customFieldDefinitions: { totalCount: number } }>(auth, FIELDS);
    expect(data?.customFieldDefinitions.totalCount).toBe(7);
  });

  it('keeps the newest version whatever order the events arrive in', async () => {
    const auth = newTenant();
    // Out of order in one batch: version 3 first, then the older 2 and 1.
    await publish(
      entitlementsChanged(auth.organizationId, 'enterprise', 3),
      entitlementsChanged(auth.organizationId, 'free', 2),
      entitlementsChanged(auth.organizationId, 'basic', 1),
    );
    expect(await stored(auth)).toMatchObject({
      planId: 'enterprise',
      contactLimit: null,
      customFieldLimit: null,
      version: 3,
    });
  });

  it('replaces a row kept from billing.subscription.activated.v1 (version 0) with the first versioned event', async () => {
    const auth = newTenant();
    await withTenant(
      subject.service.database,
      auth.organizationId,
      (tx) =>
        tx.$executeRaw`INSERT INTO organization_entitlements
        (organization_id, plan_id, contact_limit, custom_field_limit, subscription_id, effective_at)
        VALUES (${auth.organizationId}::uuid, 'basic', 1000, 20, gen_random_uuid(), now())`,
    );
    const changedAt = new Date('2026-06-01T08:00:00.000Z');
    const event = entitlementsChanged(auth.organizationId, 'free', 1, { at: changedAt });
    await publish(event);
    expect(await stored(auth)).toEqual({
      organizationId: auth.organizationId,
      planId: 'free',
      contactLimit: 100,
      customFieldLimit: 5,
      subscriptionId: event.data.subscriptionId,
      effectiveAt: changedAt,
      version: 1,
    });
  });
});
