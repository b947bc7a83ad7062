import { Client } from 'pg';
import type { CatalogEvent } from '@platform/events';
import { withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { startCrmService } from '../../src/service';
import { crmOptions, entitlementsChanged, publishEntitlements } from '../support';

// Custom fields against real PostgreSQL and Kafka through crm's subgraph: definitions created, changed,
// archived, restored and listed; each data type's values accepted and refused on contact writes (with
// defaults, required, unique and the values of archived fields); the plan's limit of live fields, taken
// by concurrent creations one at a time and lifted by billing's event; events that carry no labels.

const FIELDS = `id entityType key label description dataType isArray currencyCode position archived archivedAt
  archivedBy { id } createdBy { id } defaultValue options { value label }
  validation { required unique min max minDate maxDate minDateTime maxDateTime minLength maxLength regex }`;
const CREATE = `mutation ($input: CreateCustomFieldDefinitionInput!) {
  createCustomFieldDefinition(input: $input) { ${FIELDS} }
}`;
const UPDATE = `mutation ($id: ID!, $input: UpdateCustomFieldDefinitionInput!) {
  updateCustomFieldDefinition(id: $id, input: $input) { ${FIELDS} }
}`;
const ARCHIVE = `mutation ($id: ID!) { archiveCustomFieldDefinition(id: $id) { ${FIELDS} } }`;
const RESTORE = `mutation ($id: ID!) { restoreCustomFieldDefinition(id: $id) { ${FIELDS} } }`;
const READ = `query ($id: ID!) { customFieldDefinition(id: $id) { ${FIELDS} } }`;
const LIST = `query ($first: Int, $after: String, $filter: CustomFieldDefinitionFilter,
  $orderBy: [CustomFieldDefinitionOrder!], $includeArchived: Boolean) {
  customFieldDefinitions(first: $first, after: $after, filter: $filter, orderBy: $orderBy,
    includeArchived: $includeArchived) {
    edges { cursor node { id key entityType position archived } }
    totalCount
    pageInfo { hasNextPage endCursor }
  }
}`;
const CREATE_CONTACT = `mutation ($input: CreateContactInput!) {
  createContact(input: $input) { id version customFields }
}`;
const UPDATE_CONTACT = `mutation ($id: ID!, $version: Int!, $input: UpdateContactInput!) {
  updateContact(id: $id, expectedVersion: $version, input: $input) { id version customFields }
}`;

interface Definition {
  id: string;
  key: string;
  label: string;
  dataType: string;
  position: number;
  archived: boolean;
  [field: string]: unknown;
}
interface Issue {
  path: string;
  code: string;
}
interface ContactView {
  id: string;
  version: number;
  customFields: Record<string, unknown>;
}

describe('custom fields', () => {
  const subject = serviceUnderTest('crm', (env) => startCrmService(crmOptions(env.startOptions())));

  async function call<T>(auth: TestTenant & { permissions?: string[] }, query: string, variables = {}) {
    const { env, service: crm } = subject;
    return env.graphql<T>(crm.graphqlUrl, query, variables, await env.headersFor(auth));
  }

  const create = (auth: TestTenant, input: Record<string, unknown>) =>
    call<{ createCustomFieldDefinition: Definition }>(auth, CREATE, {
      input: { entityType: 'contact', ...input },
    });

  async function defined(auth: TestTenant, input: Record<string, unknown>): Promise<Definition> {
    const { data, errors } = await create(auth, { label: String(input.key), ...input });
    expect(errors).toBeUndefined();
    if (!data) throw new Error('no definition');
    return data.createCustomFieldDefinition;
  }

  /** The error's code and, for BAD_USER_INPUT, the issues' paths and codes. */
  function refusal(result: { errors?: Array<{ extensions?: Record<string, unknown> }> }) {
    const extensions = result.errors?.[0]?.extensions ?? {};
    const details = extensions.details as { issues?: Issue[] } | undefined;
    const issues = details?.issues ?? [];
    return { code: extensions.code, issues: issues.map(({ path, code }) => ({ path, code })) };
  }

  const contact = (auth: TestTenant, customFields: Record<string, unknown>) =>
    call<{ createContact: ContactView }>(auth, CREATE_CONTACT, { input: { givenName: 'Ada', customFields } });

  async function contactWith(auth: TestTenant, customFields: Record<string, unknown>): Promise<ContactView> {
    const { data, errors } = await contact(auth, customFields);
    expect(errors).toBeUndefined();
    if (!data) throw new Error('no contact');
    return data.createContact;
  }

  /** The domain events about one definition in the outbox, with their data. */
  async function eventsOf(
    definitionId: string,
  ): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
    const client = new Client({ connectionString: subject.env.database.ownerUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ payload: { type: string; data: Record<string, unknown> } }>(
        `select payload from outbox_events where partition_key = $1 and topic = 'crm.custom_field' order by seq`,
        [definitionId],
      );
      return rows.map(({ payload }) => ({ type: payload.type, data: payload.data }));
    } finally {
      await client.end();
    }
  }

  /** billing's entitlements events, published as billing does; waits until crm handled them. */
  const publish = (...events: Array<CatalogEvent<'billing.entitlements.changed.v1'>>) =>
    publishEntitlements(subject.service, subject.env.kafka.topicPrefix, ...events);

  describe('definitions', () => {
    it('defines a field, reads, changes, archives and restores it, with events that carry no labels', async () => {
      const caller = newTenant();
      const field = await defined(caller, {
        key: 'favorite_color',
        label: '  Favorite color ',
        description: 'The contact’s preferred color',
        dataType: 'select',
        options: [
          { value: 'red', label: 'Red' },
          { value: 'blue', label: 'Blue' },
        ],
        defaultValue: 'blue',
        validation: { required: true },
      });
      expect(field).toMatchObject({
        entityType: 'contact',
        key: 'favorite_color',
        label: 'Favorite color',
        dataType: 'select',
        isArray: false,
        currencyCode: null,
        position: 0,
        archived: false,
        archivedAt: null,
        createdBy: { id: caller.userId },
        defaultValue: 'blue',
        options: [
          { value: 'red', label: 'Red' },
          { value: 'blue', label: 'Blue' },
        ],
        validation: { required: true, unique: false, min: null, regex: null },
      });
      const read = await call<{ customFieldDefinition: Definition }>(caller, READ, { id: field.id });
      expect(read.data?.customFieldDefinition).toEqual(field);

      const changed = await call<{ updateCustomFieldDefinition: Definition }>(caller, UPDATE, {
        id: field.id,
        input: { label: 'Colour', options: [{ value: 'red', label: 'Red' }], defaultValue: null },
      });
      expect(changed.errors).toBeUndefined();
      expect(changed.data?.updateCustomFieldDefinition).toMatchObject({
        key: 'favorite_color',
        label: 'Colour',
        options: [{ value: 'red', label: 'Red' }],
        defaultValue: null,
      });
      // The default must stay one of the options: an update that would orphan it names it.
      const orphaned = await call(caller, UPDATE, {
        id: field.id,
        input: { defaultValue: 'blue' },
      });
      expect(refusal(orphaned)).toEqual({
        code: 'BAD_USER_INPUT',
        issues: [{ path: 'defaultValue', code: 'invalid' }],
      });

      const archived = await call<{ archiveCustomFieldDefinition: Definition }>(caller, ARCHIVE, {
        id: field.id,
      });
      expect(archived.data?.archiveCustomFieldDefinition).toMatchObject({
        archived: true,
        archivedBy: { id: caller.userId },
      });
      expect(refusal(await call(caller, ARCHIVE, { id: field.id })).code).toBe('CONFLICT');
      expect(refusal(await call(caller, UPDATE, { id: field.id, input: { label: 'x' } })).code).toBe(
        'CONFLICT',
      );
      const restored = await call<{ restoreCustomFieldDefinition: Definition }>(caller, RESTORE, {
        id: field.id,
      });
      expect(restored.data?.restoreCustomFieldDefinition).toMatchObject({
        archived: false,
        archivedAt: null,
      });
      expect(refusal(await call(caller, RESTORE, { id: field.id })).code).toBe('CONFLICT');

      const events = await eventsOf(field.id);
      expect(events.map((event) => event.type)).toEqual([
        'crm.custom_field.created.v1',
        'crm.custom_field.updated.v1',
        'crm.custom_field.archived.v1',
        'crm.custom_field.restored.v1',
      ]);
      expect(events[0]?.data).toEqual({
        definitionId: field.id,
        organizationId: caller.organizationId,
        entityType: 'contact',
        key: 'favorite_color',
        dataType: 'select',
        isArray: false,
        required: true,
        unique: false,
        position: 0,
        createdBy: caller.userId,
        createdAt: events[0]?.data.createdAt,
      });
      expect(events[1]?.data.changedFields).toEqual(['label', 'options', 'defaultValue']);
      const text = JSON.stringify(events);
      for (const secret of ['Colour', 'Favorite color', 'preferred', 'Red', 'Blue'])
        expect(text).not.toContain(secret);
    });

    it('reports every problem of a definition at once, by field', async () => {
      const caller = newTenant();
      const result = await create(caller, {
        key: 'Not A Slug',
        label: '',
        dataType: 'number',
        isArray: true,
        currencyCode: 'EUR',
        options: [{ value: 'a', label: 'A' }],
        validation: { min: '10', max: '1', maxLength: 5, regex: '(a)\\1' },
        defaultValue: 'ten',
      });
      expect(refusal(result)).toEqual({
        code: 'BAD_USER_INPUT',
        issues: [
          { path: 'key', code: 'invalid' },
          { path: 'label', code: 'invalid' },
          { path: 'currencyCode', code: 'invalid' },
          { path: 'validation.max', code: 'invalid' },
          { path: 'validation.maxLength', code: 'invalid' },
          { path: 'validation.regex', code: 'invalid' },
          { path: 'options', code: 'invalid' },
          { path: 'defaultValue', code: 'invalid' },
        ],
      });
    });

    it('keeps keys unique among the live fields of an entity type; an archived key goes to a field of the same shape only', async () => {
      const caller = newTenant();
      const budget = await defined(caller, { key: 'budget', dataType: 'number' });
      expect(refusal(await create(caller, { key: 'budget', label: 'Budget', dataType: 'number' })).code).toBe(
        'CONFLICT',
      );
      // Another entity type has keys of its own.
      await defined(caller, { entityType: 'deal', key: 'budget', dataType: 'text' });
      await call(caller, ARCHIVE, { id: budget.id });
      expect(refusal(await create(caller, { key: 'budget', label: 'Budget', dataType: 'text' })).code).toBe(
        'CONFLICT',
      );
      const successor = await defined(caller, { key: 'budget', dataType: 'number' });
      // The archived one cannot come back while its key is taken.
      expect(refusal(await call(caller, RESTORE, { id: budget.id })).code).toBe('CONFLICT');
      await call(caller, ARCHIVE, { id: successor.id });
      const restored = await call<{ restoreCustomFieldDefinition: Definition }>(caller, RESTORE, {
        id: budget.id,
      });
      expect(restored.data?.restoreCustomFieldDefinition.archived).toBe(false);
    });

    it('answers NOT_FOUND for another organization’s field and FORBIDDEN without custom_fields:manage', async () => {
      const owner = newTenant();
      const stranger = newTenant();
      const field = await defined(owner, { key: 'budget', dataType: 'number' });
      for (const query of [READ, ARCHIVE, RESTORE]) {
        expect(refusal(await call(stranger, query, { id: field.id })).code).toBe('NOT_FOUND');
      }
      expect(refusal(await call(stranger, UPDATE, { id: field.id, input: { label: 'x' } })).code).toBe(
        'NOT_FOUND',
      );
      const reader = { ...owner, permissions: ['contacts:read'] };
      expect(
        refusal(
          await call(reader, CREATE, {
            input: { entityType: 'contact', key: 'x', label: 'X', dataType: 'text' },
          }),
        ).code,
      ).toBe('FORBIDDEN');
      const read = await call<{ customFieldDefinition: Definition }>(reader, READ, { id: field.id });
      expect(read.data?.customFieldDefinition.key).toBe('budget');
    });

    it('lists live fields by entity type and position, filters, sorts and pages', async () => {
      const caller = newTenant();
      await publish(entitlementsChanged(caller.organizationId, 'basic', 1));
      const score = await defined(caller, { key: 'score', dataType: 'number' });
      const region = await defined(caller, { key: 'region', dataType: 'text', position: 0 });
      const size = await defined(caller, { entityType: 'company', key: 'size', dataType: 'number' });
      const stage = await defined(caller, { entityType: 'deal', key: 'stage_note', dataType: 'long_text' });
      const retired = await defined(caller, { key: 'retired', dataType: 'boolean' });
      await call(caller, ARCHIVE, { id: retired.id });

      const keys = async (variables: Record<string, unknown>) => {
        const { data, errors } = await call<{
          customFieldDefinitions: { edges: Array<{ node: Definition }> };
        }>(caller, LIST, variables);
        expect(errors).toBeUndefined();
        return data?.customFieldDefinitions.edges.map((edge) => edge.node.key);
      };
      // company < contact < deal; within contact, score and region share position 0: the older first.
      expect(await keys({})).toEqual(['size', 'score', 'region', 'stage_note']);
      expect(score.position).toBe(0);
      expect(region.position).toBe(0);
      expect(size.position).toBe(0);
      expect(stage.position).toBe(0);
      expect(await keys({ filter: { entityType: { eq: 'contact' } }, orderBy: [{ field: 'KEY' }] })).toEqual([
        'region',
        'score',
      ]);
      expect(await keys({ includeArchived: true, filter: { archivedAt: { isNull: false } } })).toEqual([
        'retired',
      ]);
      expect(
        await keys({
          filter: { or: [{ dataType: { eq: 'number' } }, { key: { startsWith: 'STAGE' } }] },
          orderBy: [{ field: 'CREATED_AT', direction: 'DESC' }],
        }),
      ).toEqual(['stage_note', 'size', 'score']);

      const first = await call<{
        customFieldDefinitions: {
          edges: Array<{ node: Definition }>;
          totalCount: number;
          pageInfo: { hasNextPage: boolean; endCursor: string };
        };
      }>(caller, LIST, { first: 3 });
      expect(first.data?.customFieldDefinitions.totalCount).toBe(4);
      expect(first.data?.customFieldDefinitions.pageInfo.hasNextPage).toBe(true);
      const rest = await keys({ first: 3, after: first.data?.customFieldDefinitions.pageInfo.endCursor });
      expect(rest).toEqual(['stage_note']);
    });
  });

  describe('values on contact writes', () => {
    it('accepts each data type’s values, normalised, and refuses the wrong ones by path, all at once', async () => {
      const caller = newTenant();
      await publish(entitlementsChanged(caller.organizationId, 'pro', 1));
      const fields = [
        { key: 'nickname', dataType: 'text', validation: { maxLength: 10, regex: '[A-Za-z ]+' } },
        { key: 'notes', dataType: 'long_text' },
        { key: 'budget', dataType: 'number', validation: { min: '0' } },
        { key: 'rate', dataType: 'decimal' },
        { key: 'price', dataType: 'currency', currencyCode: 'EUR' },
        { key: 'vip', dataType: 'boolean' },
        { key: 'birthday', dataType: 'date', validation: { maxDate: '2026-12-31' } },
        { key: 'meeting', dataType: 'datetime' },
        {
          key: 'color',
          dataType: 'select',
          options: [
            { value: 'red', label: 'Red' },
            { value: 'blue', label: 'Blue' },
          ],
        },
        {
          key: 'areas',
          dataType: 'multiselect',
          options: [
            { value: 'north', label: 'North' },
            { value: 'south', label: 'South' },
          ],
        },
        { key: 'work_email', dataType: 'email' },
        { key: 'mobile', dataType: 'phone' },
        { key: 'website', dataType: 'url' },
        { key: 'scores', dataType: 'number', isArray: true },
      ];
      for (const field of fields) await defined(caller, field);

      const accepted = await contactWith(caller, {
        nickname: ' Ada ',
        notes: 'Met at the conference.\nFollow up.',
        budget: 500000,
        rate: '12.3400',
        price: 19.9,
        vip: true,
        birthday: '1815-12-10',
        meeting: '2026-12-01T10:30:00+01:00',
        color: 'blue',
        areas: ['south', 'north'],
        work_email: ' Ada@Example.COM ',
        mobile: '+44 20 7123 4567',
        website: 'https://example.com/ada',
        scores: [1, 2.5],
      });
      expect(accepted.customFields).toEqual({
        nickname: 'Ada',
        notes: 'Met at the conference.\nFollow up.',
        budget: 500000,
        rate: 12.34,
        price: 19.9,
        vip: true,
        birthday: '1815-12-10',
        meeting: '2026-12-01T09:30:00.000Z',
        color: 'blue',
        areas: ['south', 'north'],
        work_email: 'ada@example.com',
        mobile: '+442071234567',
        website: 'https://example.com/ada',
        scores: [1, 2.5],
      });

      const refused = await contact(caller, {
        nickname: 'Ada 1234567',
        budget: -1,
        rate: '1.23456',
        price: '19.999',
        vip: 'yes',
        birthday: '2027-01-01',
        meeting: '2026-12-01 10:30',
        color: 'green',
        areas: ['north', 'north'],
        work_email: 'ada',
        mobile: '12',
        website: 'ftp://example.com',
        scores: [1, 'two'],
        unknown_field: 1,
      });
      expect(refusal(refused)).toEqual({
        code: 'BAD_USER_INPUT',
        issues: [
          { path: 'customFields.unknown_field', code: 'unknown' },
          { path: 'customFields.nickname', code: 'invalid' },
          { path: 'customFields.nickname', code: 'invalid' },
          { path: 'customFields.budget', code: 'invalid' },
          { path: 'customFields.rate', code: 'invalid' },
          { path: 'customFields.price', code: 'invalid' },
          { path: 'customFields.vip', code: 'invalid' },
          { path: 'customFields.birthday', code: 'invalid' },
          { path: 'customFields.meeting', code: 'invalid' },
          { path: 'customFields.color', code: 'invalid' },
          { path: 'customFields.areas', code: 'invalid' },
          { path: 'customFields.work_email', code: 'invalid' },
          { path: 'customFields.mobile', code: 'invalid' },
          { path: 'customFields.website', code: 'invalid' },
          { path: 'customFields.scores.1', code: 'invalid' },
        ],
      });
    });

    it('applies defaults on creation, requires required fields, and checks values again when an update changes them', async () => {
      const caller = newTenant();
      await defined(caller, { key: 'source', dataType: 'text', defaultValue: 'website' });
      await defined(caller, { key: 'budget', dataType: 'number', validation: { required: true } });
      expect(refusal(await contact(caller, {}))).toEqual({
        code: 'BAD_USER_INPUT',
        issues: [{ path: 'customFields.budget', code: 'required' }],
      });
      const created = await contactWith(caller, { budget: 10 });
      expect(created.customFields).toEqual({ source: 'website', budget: 10 });

      const bad = await call(caller, UPDATE_CONTACT, {
        id: created.id,
        version: created.version,
        input: { customFields: { budget: 'ten' } },
      });
      expect(refusal(bad)).toEqual({
        code: 'BAD_USER_INPUT',
        issues: [{ path: 'customFields.budget', code: 'invalid' }],
      });
      const updated = await call<{ updateContact: ContactView }>(caller, UPDATE_CONTACT, {
        id: created.id,
        version: created.version,
        input: { customFields: { budget: 20 } },
      });
      expect(updated.errors).toBeUndefined();
      // Replaced as a whole: no default on updates.
      expect(updated.data?.updateContact.customFields).toEqual({ budget: 20 });
    });

    it('keeps an archived field’s values stored and hidden, refuses new ones, and shows them again on restore', async () => {
      const caller = newTenant();
      const budget = await defined(caller, { key: 'budget', dataType: 'number' });
      await defined(caller, { key: 'region', dataType: 'text' });
      const created = await contactWith(caller, { budget: 10, region: 'north' });
      const shown = async () => {
        const { data } = await call<{ contact: ContactView }>(
          caller,
          `query ($id: ID!) { contact(id: $id) { customFields } }`,
          { id: created.id },
        );
        return data?.contact.customFields;
      };
      const stored = async () =>
        (
          await withTenant(subject.service.database, caller.organizationId, (tx) =>
            tx.contact.findUniqueOrThrow({ where: { id: created.id }, select: { customFields: true } }),
          )
        ).customFields;
      await call(caller, ARCHIVE, { id: budget.id });
      expect(await shown()).toEqual({ region: 'north' });

      expect(refusal(await contact(caller, { budget: 5 }))).toEqual({
        code: 'BAD_USER_INPUT',
        issues: [{ path: 'customFields.budget', code: 'archived' }],
      });
      const updated = await call<{ updateContact: ContactView }>(caller, UPDATE_CONTACT, {
        id: created.id,
        version: created.version,
        input: { customFields: { region: 'south' } },
      });
      expect(updated.errors).toBeUndefined();
      expect(updated.data?.updateContact.customFields).toEqual({ region: 'south' });
      // Carried over by the update that replaced the values.
      expect(await stored()).toEqual({ region: 'south', budget: 10 });

      await call(caller, RESTORE, { id: budget.id });
      expect(await shown()).toEqual({ region: 'south', budget: 10 });
    });

    it('keeps unique values unique among live contacts, even under concurrent writes', async () => {
      const caller = newTenant();
      await defined(caller, { key: 'member_no', dataType: 'text', validation: { unique: true } });
      const first = await contactWith(caller, { member_no: 'M-1' });
      expect(refusal(await contact(caller, { member_no: 'M-1' }))).toEqual({
        code: 'BAD_USER_INPUT',
        issues: [{ path: 'customFields.member_no', code: 'not_unique' }],
      });
      // Its own value is no collision.
      const kept = await call<{ updateContact: ContactView }>(caller, UPDATE_CONTACT, {
        id: first.id,
        version: first.version,
        input: { customFields: { member_no: ' M-1 ' } },
      });
      expect(kept.errors).toBeUndefined();

      const racers = await Promise.all(
        Array.from({ length: 6 }, () => contact(caller, { member_no: 'M-2' })),
      );
      expect(racers.filter((result) => result.errors === undefined)).toHaveLength(1);
      expect(racers.filter((result) => refusal(result).code === 'BAD_USER_INPUT')).toHaveLength(5);

      // A deleted contact's value is free again.
      const deleted = await call(caller, `mutation ($id: ID!) { deleteContact(id: $id) { id } }`, {
        id: first.id,
      });
      expect(deleted.errors).toBeUndefined();
      await contactWith(caller, { member_no: 'M-1' });
    });

    it('checks every imported row’s values at once, unique values inside the batch too', async () => {
      const caller = newTenant();
      await defined(caller, { key: 'member_no', dataType: 'text', validation: { unique: true } });
      await defined(caller, {
        key: 'tier',
        dataType: 'select',
        options: [{ value: 'gold', label: 'Gold' }],
        defaultValue: 'gold',
      });
      await contactWith(caller, { member_no: 'M-1' });
      const IMPORT = `mutation ($contacts: [CreateContactInput!]!) { importContacts(contacts: $contacts) { id customFields } }`;
      const refused = await call(caller, IMPORT, {
        contacts: [
          { givenName: 'A', customFields: { member_no: 'M-1' } },
          { givenName: 'B', customFields: { member_no: 'M-2', tier: 'silver' } },
          { givenName: 'C', customFields: { member_no: 'M-2' } },
          { givenName: 'D', customFields: { colour: 'red' } },
        ],
      });
      expect(refusal(refused)).toEqual({
        code: 'BAD_USER_INPUT',
        issues: [
          { path: 'contacts.1.customFields.tier', code: 'invalid' },
          { path: 'contacts.3.customFields.colour', code: 'unknown' },
          { path: 'contacts.2.customFields.member_no', code: 'not_unique' },
          { path: 'contacts.0.customFields.member_no', code: 'not_unique' },
        ],
      });
      const imported = await call<{ importContacts: ContactView[] }>(caller, IMPORT, {
        contacts: [
          { givenName: 'B', customFields: { member_no: 'M-2' } },
          { givenName: 'C', customFields: {} },
        ],
      });
      expect(imported.errors).toBeUndefined();
      expect(imported.data?.importContacts.map((row) => row.customFields)).toEqual([
        { member_no: 'M-2', tier: 'gold' },
        { tier: 'gold' },
      ]);
    });

    it('makes a field unique only while no two live contacts share a value', async () => {
      const caller = newTenant();
      const code = await defined(caller, { key: 'code', dataType: 'text' });
      await contactWith(caller, { code: 'A' });
      await contactWith(caller, { code: 'A' });
      const refused = await call(caller, UPDATE, { id: code.id, input: { validation: { unique: true } } });
      expect(refusal(refused).code).toBe('CONFLICT');
      await defined(caller, { key: 'other', dataType: 'text' });
      const other = await call<{ customFieldDefinitions: { edges: Array<{ node: Definition }> } }>(
        caller,
        LIST,
        {
          filter: { key: { eq: 'other' } },
        },
      );
      const otherId = other.data?.customFieldDefinitions.edges[0]?.node.id;
      const unique = await call<{ updateCustomFieldDefinition: Definition }>(caller, UPDATE, {
        id: otherId,
        input: { validation: { unique: true } },
      });
      expect(unique.errors).toBeUndefined();
    });
  });

  describe('the plan’s limit', () => {
    it('allows the Free plan’s five live fields until billing’s event raises the limit', async () => {
      const caller = newTenant();
      const fields: Definition[] = [];
      for (const key of ['a1', 'a2', 'a3', 'a4'])
        fields.push(await defined(caller, { key, dataType: 'text' }));
      fields.push(await defined(caller, { entityType: 'deal', key: 'a5', dataType: 'number' }));

      const sixth = await create(caller, { entityType: 'company', key: 'a6', label: 'A6', dataType: 'text' });
      expect(sixth.errors?.[0]?.extensions).toMatchObject({
        code: 'PLAN_LIMIT_REACHED',
        details: { limit: 'customFields', maximum: 5, current: 5 },
      });
      // An archived field does not count; restoring it counts again.
      await call(caller, ARCHIVE, { id: fields[0]?.id });
      await defined(caller, { key: 'a6', dataType: 'text' });
      expect(refusal(await call(caller, RESTORE, { id: fields[0]?.id })).code).toBe('PLAN_LIMIT_REACHED');

      await publish(entitlementsChanged(caller.organizationId, 'basic', 2, { contactLimit: 1_000 }));
      await defined(caller, { key: 'a7', dataType: 'text' });
      expect(
        (await call<{ restoreCustomFieldDefinition: Definition }>(caller, RESTORE, { id: fields[0]?.id }))
          .data?.restoreCustomFieldDefinition.archived,
      ).toBe(false);

      // An older version arriving late changes nothing; enterprise (null) is unlimited.
      await publish(entitlementsChanged(caller.organizationId, 'free', 1));
      await defined(caller, { key: 'a8', dataType: 'text' });
      await publish(entitlementsChanged(caller.organizationId, 'enterprise', 3, { contactLimit: 1_000 }));
      for (const key of ['a9', 'a10', 'a11']) await defined(caller, { key, dataType: 'text' });
      const stored = await withTenant(subject.service.database, caller.organizationId, (tx) =>
        tx.organizationEntitlements.findUniqueOrThrow({ where: { organizationId: caller.organizationId } }),
      );
      expect(stored).toMatchObject({
        planId: 'enterprise',
        customFieldLimit: null,
        contactLimit: 1_000,
        version: 3,
      });
    });

    it('lets only one of concurrent creations take the last place', async () => {
      const caller = newTenant();
      for (const key of ['b1', 'b2', 'b3', 'b4']) await defined(caller, { key, dataType: 'text' });
      const racers = await Promise.all(
        ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((key) =>
          create(caller, { key, label: key, dataType: 'text' }),
        ),
      );
      expect(racers.filter((result) => result.errors === undefined)).toHaveLength(1);
      expect(racers.filter((result) => refusal(result).code === 'PLAN_LIMIT_REACHED')).toHaveLength(5);
      const live = await call<{ customFieldDefinitions: { totalCount: number } }>(caller, LIST, {});
      expect(live.data?.customFieldDefinitions.totalCount).toBe(5);
    });
  });
});
