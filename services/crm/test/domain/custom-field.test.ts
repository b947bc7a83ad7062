import { InputIssues } from '@platform/domain';
import { domainErrorOf } from '@platform/domain/testing';
import {
  archiveDefinition,
  createDefinition,
  draftDefinition,
  restoreDefinition,
  updateDefinition,
  type CreateCustomFieldDefinitionInput,
  type CreationFacts,
  type CustomFieldDefinition,
  type UpdateCustomFieldDefinitionInput,
} from '../../src/modules/custom-field/domain/custom-field';
import { checkPlanLimit, FREE_PLAN_ENTITLEMENTS } from '../../src/modules/custom-field/domain/entitlements';

// Custom field definitions: what a definition may say for each data type, the key and plan-limit rules
// of creation, what updates may change, archive and restore, and the events (no labels or options).

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const ADMIN = '5d1e8c3a-7b24-4f6e-9c0d-1a2b3c4d5e6f';
const OTHER_ADMIN = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const FIELD = '7f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190';
const EARLIER_FIELD = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const CREATED = new Date('2026-11-30T09:30:00.000Z');
const LATER = new Date('2026-11-30T11:00:00.000Z');

const ROOM: CreationFacts = { limit: 5, liveCount: 0, sameKey: [], nextPosition: 3 };

function drafted(input: Partial<CreateCustomFieldDefinitionInput> = {}) {
  const issues = new InputIssues();
  const draft = draftDefinition(
    { id: FIELD, organizationId: ORGANIZATION, createdBy: ADMIN },
    { entityType: 'contact', key: 'budget', label: 'Budget', dataType: 'number', ...input },
    CREATED,
    issues,
  );
  return { draft, issues: issues.list.map(({ path, message }) => ({ path, message })) };
}

const paths = (input: Partial<CreateCustomFieldDefinitionInput>) =>
  drafted(input).issues.map(({ path }) => path);

function defined(input: Partial<CreateCustomFieldDefinitionInput> = {}): CustomFieldDefinition {
  const { draft, issues } = drafted(input);
  expect(issues).toEqual([]);
  return createDefinition(draft, ROOM).definition;
}

function updated(current: CustomFieldDefinition, input: UpdateCustomFieldDefinitionInput) {
  const issues = new InputIssues();
  const result = updateDefinition(current, input, OTHER_ADMIN, LATER, issues);
  return { ...result, issues: issues.list.map(({ path, message }) => ({ path, message })) };
}

describe('custom field definitions', () => {
  describe('drafting', () => {
    it('drafts a live field with trimmed texts and no rules', () => {
      const { draft, issues } = drafted({ label: '  Budget ', description: '  ' });
      expect(issues).toEqual([]);
      expect(draft).toMatchObject({
        entityType: 'contact',
        key: 'budget',
        label: 'Budget',
        description: null,
        dataType: 'number',
        isArray: false,
        currencyCode: null,
        options: [],
        defaultValue: null,
        position: null,
        archivedAt: null,
        validation: { required: false, unique: false, min: null, max: null, regex: null },
      });
    });

    it('takes only slugs as keys', () => {
      for (const key of ['budget', 'b', 'budget_2026', `a${'b'.repeat(62)}`])
        expect(paths({ key })).toEqual([]);
      for (const key of [
        'Budget',
        '2026_budget',
        '_budget',
        'budget-eur',
        'budget eur',
        '',
        `a${'b'.repeat(63)}`,
      ])
        expect(paths({ key })).toEqual(['key']);
    });

    it('keeps each rule to the data types it applies to', () => {
      expect(paths({ dataType: 'text', validation: { min: '1', minDate: new Date('2026-01-01') } })).toEqual([
        'validation.min',
        'validation.minDate',
      ]);
      expect(paths({ dataType: 'number', validation: { maxLength: 3, regex: '\\d+' } })).toEqual([
        'validation.maxLength',
        'validation.regex',
      ]);
      expect(
        paths({ dataType: 'date', validation: { minDateTime: new Date('2026-01-01T00:00:00Z') } }),
      ).toEqual(['validation.minDateTime']);
      expect(paths({ dataType: 'boolean', validation: { unique: true }, isArray: true })).toEqual([
        'isArray',
        'validation.unique',
      ]);
      expect(paths({ dataType: 'text', isArray: true, validation: { unique: true } })).toEqual([
        'validation.unique',
      ]);
      expect(paths({ dataType: 'number', options: [{ value: 'a', label: 'A' }] })).toEqual(['options']);
      expect(paths({ dataType: 'number', currencyCode: 'EUR' })).toEqual(['currencyCode']);
    });

    it('stores bounds in their canonical forms, and refuses them out of order', () => {
      const { draft } = drafted({ validation: { min: '1.50', max: '10' } });
      expect(draft.validation).toMatchObject({ min: '1.5', max: '10' });
      const dates = drafted({
        dataType: 'date',
        validation: { minDate: new Date('2026-01-01T00:00:00Z'), maxDate: new Date('2026-12-31T00:00:00Z') },
      }).draft;
      expect(dates.validation).toMatchObject({ minDate: '2026-01-01', maxDate: '2026-12-31' });
      expect(paths({ validation: { min: '10', max: '9.99' } })).toEqual(['validation.max']);
      expect(paths({ dataType: 'text', validation: { minLength: 5, maxLength: 4 } })).toEqual([
        'validation.maxLength',
      ]);
      expect(paths({ dataType: 'text', validation: { maxLength: 1_001 } })).toEqual(['validation.maxLength']);
      expect(paths({ dataType: 'long_text', validation: { maxLength: 10_000 } })).toEqual([]);
    });

    it('refuses regular expressions RE2 cannot run, too long or empty', () => {
      expect(paths({ dataType: 'text', validation: { regex: '[A-Z]{3}-\\d+' } })).toEqual([]);
      const invalid = drafted({ dataType: 'text', validation: { regex: '(unclosed' } }).issues;
      expect(invalid).toHaveLength(1);
      expect(invalid[0]?.message).toMatch(/is not a valid regular expression \(RE2 syntax/);
      // Backreferences and lookaround need backtracking: RE2 has neither.
      expect(paths({ dataType: 'text', validation: { regex: '(a)\\1' } })).toEqual(['validation.regex']);
      expect(paths({ dataType: 'text', validation: { regex: '(?=a)a' } })).toEqual(['validation.regex']);
      expect(paths({ dataType: 'text', validation: { regex: 'a'.repeat(501) } })).toEqual([
        'validation.regex',
      ]);
      expect(paths({ dataType: 'text', validation: { regex: '' } })).toEqual(['validation.regex']);
    });

    it('needs options for select and multiselect, distinct and non-empty', () => {
      expect(paths({ dataType: 'select' })).toEqual(['options']);
      expect(
        paths({
          dataType: 'multiselect',
          options: [
            { value: ' red ', label: 'Red' },
            { value: 'red', label: 'Also red' },
            { value: 'blue', label: ' ' },
          ],
        }),
      ).toEqual(['options.1.value', 'options.2.label']);
      expect(
        drafted({ dataType: 'select', options: [{ value: ' red ', label: ' Red ' }] }).draft.options,
      ).toEqual([{ value: 'red', label: 'Red' }]);
    });

    it('needs a known currency code for currency fields', () => {
      expect(drafted({ dataType: 'currency', currencyCode: ' eur ' }).draft.currencyCode).toBe('EUR');
      expect(paths({ dataType: 'currency' })).toEqual(['currencyCode']);
      expect(paths({ dataType: 'currency', currencyCode: 'XYZ' })).toEqual(['currencyCode']);
    });

    it('checks the default value against the field, and allows none on a unique field', () => {
      const color = {
        dataType: 'select' as const,
        options: [
          { value: 'red', label: 'Red' },
          { value: 'blue', label: 'Blue' },
        ],
      };
      expect(drafted({ ...color, defaultValue: ' blue ' }).draft.defaultValue).toBe('blue');
      expect(drafted({ ...color, defaultValue: 'green' }).issues).toEqual([
        { path: 'defaultValue', message: 'must be one of the options: red, blue' },
      ]);
      expect(paths({ validation: { min: '10' }, defaultValue: 5 })).toEqual(['defaultValue']);
      expect(paths({ dataType: 'text', validation: { unique: true }, defaultValue: 'x' })).toEqual([
        'defaultValue',
      ]);
      expect(drafted({ dataType: 'number', isArray: true, defaultValue: [1, 2] }).draft.defaultValue).toEqual(
        [1, 2],
      );
    });

    it('reports every problem at once', () => {
      expect(
        paths({ key: 'Bad Key', label: '', dataType: 'select', position: -1, validation: { min: 'x' } }),
      ).toEqual(['key', 'label', 'validation.min', 'options', 'position']);
    });
  });

  describe('creating', () => {
    it('places the field after the entity type’s last one unless a position is given, and implies its event', () => {
      const { draft } = drafted({ validation: { required: true } });
      const { definition, events } = createDefinition(draft, ROOM);
      expect(definition.position).toBe(3);
      expect(createDefinition(drafted({ position: 0 }).draft, ROOM).definition.position).toBe(0);
      expect(events.map((event) => [event.type, event.subject, event.tenantid])).toEqual([
        ['crm.custom_field.created.v1', FIELD, ORGANIZATION],
      ]);
      expect(events[0].data).toEqual({
        definitionId: FIELD,
        organizationId: ORGANIZATION,
        entityType: 'contact',
        key: 'budget',
        dataType: 'number',
        isArray: false,
        required: true,
        unique: false,
        position: 3,
        createdBy: ADMIN,
        createdAt: CREATED.toISOString(),
      });
    });

    it('refuses a key a live field of the entity type has', () => {
      const live = { ...defined(), id: EARLIER_FIELD };
      const error = domainErrorOf(() => createDefinition(drafted().draft, { ...ROOM, sameKey: [live] }));
      expect(error.code).toBe('CONFLICT');
      expect(error.details).toMatchObject({ field: 'key', key: 'budget' });
    });

    it('takes an archived field’s key only with the same value shape', () => {
      const archived = { ...defined(), id: EARLIER_FIELD, archivedAt: CREATED, archivedBy: ADMIN };
      expect(createDefinition(drafted().draft, { ...ROOM, sameKey: [archived] }).definition.key).toBe(
        'budget',
      );
      const error = domainErrorOf(() =>
        createDefinition(drafted({ dataType: 'text' }).draft, { ...ROOM, sameKey: [archived] }),
      );
      expect(error.code).toBe('CONFLICT');
      expect(error.details).toMatchObject({ key: 'budget', definitionId: EARLIER_FIELD });
      expect(() =>
        createDefinition(drafted({ isArray: true }).draft, { ...ROOM, sameKey: [archived] }),
      ).toThrow(/archived custom field had the key budget/);
    });

    it('refuses a field beyond the plan’s limit, naming the limit', () => {
      const error = domainErrorOf(() =>
        createDefinition(drafted().draft, { ...ROOM, limit: 5, liveCount: 5 }),
      );
      expect(error.code).toBe('PLAN_LIMIT_REACHED');
      expect(error.details).toEqual({ limit: 'customFields', maximum: 5, current: 5 });
      expect(createDefinition(drafted().draft, { ...ROOM, limit: 5, liveCount: 4 }).definition.id).toBe(
        FIELD,
      );
      expect(
        createDefinition(drafted().draft, { ...ROOM, limit: null, liveCount: 10_000 }).definition.id,
      ).toBe(FIELD);
    });
  });

  describe('updating', () => {
    it('changes the parts given and names them in its event', () => {
      const current = defined({ dataType: 'text' });
      const { definition, events, issues, becameUnique } = updated(current, {
        label: ' Nick ',
        description: 'What friends say',
        validation: { required: true, maxLength: 20 },
        position: 9,
      });
      expect(issues).toEqual([]);
      expect(becameUnique).toBe(false);
      expect(definition).toMatchObject({
        key: 'budget',
        dataType: 'text',
        label: 'Nick',
        description: 'What friends say',
        validation: { required: true, maxLength: 20 },
        position: 9,
        updatedBy: OTHER_ADMIN,
        updatedAt: LATER,
      });
      expect(events.map((event) => event.data.changedFields)).toEqual([
        ['label', 'description', 'validation', 'position'],
      ]);
    });

    it('changes nothing and implies no event when nothing differs', () => {
      const current = defined();
      const { definition, events } = updated(current, { label: 'Budget', validation: {} });
      expect(definition).toBe(current);
      expect(events).toEqual([]);
    });

    it('re-checks the default value against the rules as they will be', () => {
      const current = defined({ validation: { min: '0' }, defaultValue: 5 });
      expect(updated(current, { validation: { min: '10' } }).issues).toEqual([
        { path: 'defaultValue', message: 'must be at least 10' },
      ]);
      const cleared = updated(current, { validation: { min: '10' }, defaultValue: null });
      expect(cleared.issues).toEqual([]);
      expect(cleared.definition.defaultValue).toBeNull();
      expect(cleared.events[0]?.data.changedFields).toEqual(['validation', 'defaultValue']);
    });

    it('says when a field becomes unique, so that stored values are checked', () => {
      const current = defined({ dataType: 'text' });
      expect(updated(current, { validation: { unique: true } }).becameUnique).toBe(true);
      const unique = defined({ dataType: 'text', validation: { unique: true } });
      expect(updated(unique, { validation: { unique: true, required: true } }).becameUnique).toBe(false);
    });

    it('refuses to clear the label or the position, and options for other types', () => {
      expect(
        updated(defined(), { label: null, position: null, options: [{ value: 'a', label: 'A' }] }).issues,
      ).toEqual([
        { path: 'label', message: 'cannot be cleared' },
        { path: 'options', message: 'apply to select and multiselect fields only' },
        { path: 'position', message: 'cannot be cleared' },
      ]);
    });

    it('refuses to change an archived field', () => {
      const { definition: archived } = archiveDefinition(defined(), ADMIN, LATER);
      expect(domainErrorOf(() => updated(archived, { label: 'New' })).code).toBe('CONFLICT');
    });
  });

  describe('archiving and restoring', () => {
    it('archives a live field once, recording who and when', () => {
      const { definition, events } = archiveDefinition(defined(), OTHER_ADMIN, LATER);
      expect(definition).toMatchObject({ archivedAt: LATER, archivedBy: OTHER_ADMIN });
      expect(events[0].data).toEqual({
        definitionId: FIELD,
        organizationId: ORGANIZATION,
        entityType: 'contact',
        key: 'budget',
        archivedBy: OTHER_ADMIN,
        archivedAt: LATER.toISOString(),
      });
      expect(domainErrorOf(() => archiveDefinition(definition, ADMIN, LATER)).code).toBe('CONFLICT');
    });

    it('restores an archived field unless its key is taken or the plan is full', () => {
      const { definition: archived } = archiveDefinition(defined(), ADMIN, CREATED);
      const facts = { limit: 5, liveCount: 4, keyTaken: false };
      const { definition, events } = restoreDefinition(archived, facts, OTHER_ADMIN, LATER);
      expect(definition).toMatchObject({ archivedAt: null, archivedBy: null });
      expect(events.map((event) => event.type)).toEqual(['crm.custom_field.restored.v1']);
      expect(domainErrorOf(() => restoreDefinition(definition, facts, ADMIN, LATER)).code).toBe('CONFLICT');
      expect(
        domainErrorOf(() => restoreDefinition(archived, { ...facts, keyTaken: true }, ADMIN, LATER)).code,
      ).toBe('CONFLICT');
      expect(
        domainErrorOf(() => restoreDefinition(archived, { ...facts, liveCount: 5 }, ADMIN, LATER)).details,
      ).toEqual({ limit: 'customFields', maximum: 5, current: 5 });
    });
  });

  describe('plan limits', () => {
    it('starts organizations on the Free plan’s limits', () => {
      expect(FREE_PLAN_ENTITLEMENTS).toEqual({ planId: 'free', contactLimit: 100, customFieldLimit: 5 });
    });

    it('refuses what would pass the maximum, imports included; null is unlimited', () => {
      expect(() => checkPlanLimit('contacts', 100, 99)).not.toThrow();
      const error = domainErrorOf(() => checkPlanLimit('contacts', 100, 95, 10));
      expect(error.code).toBe('PLAN_LIMIT_REACHED');
      expect(error.details).toEqual({ limit: 'contacts', maximum: 100, current: 95 });
      expect(error.message).toBe(
        "The organization's plan allows 100 contacts; it has 95 and 10 more would pass it",
      );
      expect(() => checkPlanLimit('customFields', null, 1_000_000, 50)).not.toThrow();
    });
  });
});
