import { InputIssues, type InputIssue } from '@platform/domain';
import {
  NO_VALIDATION,
  type CustomFieldDefinition,
  type CustomFieldValidation,
} from '../../src/modules/custom-field/domain/custom-field';
import {
  checkCustomFieldValues,
  checkValue,
  visibleCustomFieldValues,
  type ValueCheckOptions,
} from '../../src/modules/custom-field/domain/custom-field-values';
import type { CustomFieldValues } from '../../src/modules/custom-field/domain/data-types';

// The values records hold, checked against their definitions: every data type's accepted and refused
// values, the rules (required, min/max, lengths, regex, options), lists, defaults on creation, unknown
// and archived keys, and every issue reported at once.

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const ADMIN = '5d1e8c3a-7b24-4f6e-9c0d-1a2b3c4d5e6f';
const AT = new Date('2026-11-30T09:00:00.000Z');
let sequence = 0;

function field(
  key: string,
  dataType: CustomFieldDefinition['dataType'],
  overrides: Omit<Partial<CustomFieldDefinition>, 'validation'> & {
    validation?: Partial<CustomFieldValidation>;
  } = {},
): CustomFieldDefinition {
  sequence += 1;
  const { validation, ...rest } = overrides;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    organizationId: ORGANIZATION,
    entityType: 'contact',
    key,
    label: key,
    description: null,
    dataType,
    isArray: false,
    currencyCode: null,
    options: [],
    defaultValue: null,
    position: sequence,
    createdBy: ADMIN,
    updatedBy: ADMIN,
    createdAt: AT,
    updatedAt: AT,
    archivedAt: null,
    archivedBy: null,
    ...rest,
    validation: { ...NO_VALIDATION, ...validation },
  };
}

/** One value checked against one field: the value as stored, or the issues' messages. */
function one(definition: CustomFieldDefinition, raw: unknown): { value: unknown; issues: InputIssue[] } {
  const issues = new InputIssues();
  const value = checkValue(definition, raw, `customFields.${definition.key}`, issues);
  return { value, issues: [...issues.list] };
}

const accepts = (definition: CustomFieldDefinition, raw: unknown, stored: unknown = raw) => {
  const result = one(definition, raw);
  expect(result.issues).toEqual([]);
  expect(result.value).toEqual(stored);
};

const refuses = (definition: CustomFieldDefinition, raw: unknown, message: string | RegExp) => {
  const result = one(definition, raw);
  expect(result.value).toBeUndefined();
  expect(result.issues).toHaveLength(1);
  expect(result.issues[0]?.message).toMatch(message);
};

function record(
  definitions: readonly CustomFieldDefinition[],
  input: CustomFieldValues,
  options: ValueCheckOptions = { creating: true },
) {
  const issues = new InputIssues();
  const values = checkCustomFieldValues('contact', definitions, input, options, issues);
  return { values, issues: issues.list.map(({ path, code }) => ({ path, code })) };
}

describe('custom field values', () => {
  describe('each data type', () => {
    it('text: a trimmed string within its lengths; an empty one is no value', () => {
      const text = field('nickname', 'text', { validation: { minLength: 2, maxLength: 5 } });
      accepts(text, '  Ada ', 'Ada');
      accepts(text, '   ', null);
      refuses(text, 42, 'must be a string');
      refuses(text, 'A', 'must be at least 2 characters');
      refuses(text, 'Adelaide', 'must be at most 5 characters');
      refuses(field('plain', 'text'), 'x'.repeat(1_001), 'must be at most 1,000 characters');
    });

    it('long text: up to 10,000 characters', () => {
      const notes = field('notes', 'long_text');
      accepts(notes, 'line one\nline two');
      refuses(notes, 'x'.repeat(10_001), 'must be at most 10,000 characters');
    });

    it('number: a finite JSON number within min and max', () => {
      const budget = field('budget', 'number', { validation: { min: '0', max: '1000000.5' } });
      accepts(budget, 500_000);
      accepts(budget, 1_000_000.5);
      refuses(budget, '500000', 'must be a number');
      refuses(budget, -1, 'must be at least 0');
      refuses(budget, 1_000_001, 'must be at most 1000000.5');
    });

    it('decimal: exact, from a string or a number, stored as a number that survives any JSON parser', () => {
      const rate = field('rate', 'decimal', { validation: { min: '-10', max: '99.9999' } });
      accepts(rate, '12.3400', 12.34);
      accepts(rate, 7.5, 7.5);
      accepts(rate, '-0.0', 0);
      refuses(rate, '1e3', /decimal number/);
      refuses(rate, '12.34567', /at most 15 significant digits and 4 decimals/);
      refuses(rate, '100', 'must be at most 99.9999');
      refuses(rate, '-10.0001', 'must be at least -10');
      const large = field('large', 'decimal');
      accepts(large, '12345678901.2345', 12345678901.2345);
      refuses(large, '123456789012.3456', /at most 15 significant digits/);
    });

    it('currency: a decimal with at most the currency’s decimals', () => {
      const euros = field('price', 'currency', { currencyCode: 'EUR' });
      const yen = field('price_jpy', 'currency', { currencyCode: 'JPY' });
      accepts(euros, '19.90', 19.9);
      refuses(euros, '19.999', 'must have at most 2 decimals (EUR)');
      accepts(yen, 1500, 1500);
      refuses(yen, '1500.5', 'must have at most 0 decimals (JPY)');
    });

    it('boolean: true or false only', () => {
      const vip = field('vip', 'boolean');
      accepts(vip, true);
      accepts(vip, false);
      refuses(vip, 'true', 'must be true or false');
      refuses(vip, 1, 'must be true or false');
    });

    it('date: a real calendar day within minDate and maxDate', () => {
      const birthday = field('birthday', 'date', {
        validation: { minDate: '1900-01-01', maxDate: '2026-12-31' },
      });
      accepts(birthday, '1984-02-29');
      refuses(birthday, '1983-02-29', /calendar date/);
      refuses(birthday, '2026-13-01', /calendar date/);
      refuses(birthday, '1984-02-29T00:00:00Z', /calendar date/);
      refuses(birthday, '1899-12-31', 'must be at least 1900-01-01');
      refuses(birthday, '2027-01-01', 'must be at most 2026-12-31');
    });

    it('datetime: an instant with its offset, stored in UTC, within its bounds', () => {
      const meeting = field('meeting', 'datetime', {
        validation: { minDateTime: '2026-01-01T00:00:00.000Z', maxDateTime: '2026-12-31T23:59:59.999Z' },
      });
      accepts(meeting, '2026-12-01T10:30:00+01:00', '2026-12-01T09:30:00.000Z');
      refuses(meeting, '2026-12-01T10:30:00', /with its offset/);
      refuses(meeting, 'tomorrow', /with its offset/);
      refuses(meeting, '2025-12-31T23:00:00Z', 'must be at least 2026-01-01T00:00:00.000Z');
    });

    it('select: one of the options, by value', () => {
      const color = field('color', 'select', {
        options: [
          { value: 'red', label: 'Red' },
          { value: 'blue', label: 'Blue' },
        ],
      });
      accepts(color, ' blue ', 'blue');
      refuses(color, 'green', 'must be one of the options: red, blue');
      refuses(color, ['red'], 'must be a single value, not a list');
    });

    it('multiselect: distinct options; an empty list is no value', () => {
      const areas = field('areas', 'multiselect', {
        options: [
          { value: 'downtown', label: 'Downtown' },
          { value: 'midtown', label: 'Midtown' },
        ],
      });
      accepts(areas, ['midtown', 'downtown']);
      accepts(areas, [], null);
      refuses(areas, 'downtown', 'must be a list');
      refuses(areas, ['downtown', 'downtown'], 'must not name an option twice');
      const unknown = one(areas, ['downtown', 'uptown']);
      expect(unknown.issues).toEqual([
        {
          path: 'customFields.areas.1',
          message: 'must be one of the options: downtown, midtown',
          code: 'invalid',
        },
      ]);
    });

    it('email: an address, lower-cased', () => {
      const work = field('work_email', 'email');
      accepts(work, ' Ada@Example.COM ', 'ada@example.com');
      refuses(work, 'ada-at-example', 'must be an email address');
    });

    it('phone: E.164 without separators', () => {
      const mobile = field('mobile', 'phone');
      accepts(mobile, '+1 (555) 123-4567', '+15551234567');
      refuses(mobile, '555 1234', /E\.164/);
    });

    it('url: an absolute http or https URL', () => {
      const site = field('website', 'url');
      accepts(site, 'https://example.com/path?q=1');
      refuses(site, 'example.com', 'must be an absolute http or https URL');
      refuses(site, 'javascript:alert(1)', 'must be an absolute http or https URL');
    });
  });

  describe('regex', () => {
    it('must match the whole value', () => {
      const code = field('code', 'text', { validation: { regex: '[A-Z]{3}-\\d+' } });
      accepts(code, 'ABC-12');
      refuses(code, 'xABC-12', 'must match the pattern [A-Z]{3}-\\d+');
      refuses(code, 'ABC-', 'must match the pattern [A-Z]{3}-\\d+');
    });

    it('runs in linear time on patterns that make backtracking engines explode', () => {
      const evil = field('evil', 'text', { validation: { regex: '(a+)+$' } });
      const started = Date.now();
      refuses(evil, `${'a'.repeat(900)}!`, /must match the pattern/);
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it('applies to every item of an array field', () => {
      const codes = field('codes', 'text', { isArray: true, validation: { regex: '[a-z]+' } });
      const result = one(codes, ['abc', 'ABC', 'def']);
      expect(result.value).toBeUndefined();
      expect(result.issues.map((issue) => issue.path)).toEqual(['customFields.codes.1']);
    });
  });

  describe('arrays', () => {
    const scores = field('scores', 'number', { isArray: true, validation: { min: '0' } });

    it('checks each item and keeps the list', () => {
      accepts(scores, [1, 2.5, 3]);
      accepts(scores, [], null);
    });

    it('refuses a single value, empty items and too many items', () => {
      refuses(scores, 3, 'must be a list');
      const result = one(scores, [1, null, -2]);
      expect(result.issues).toEqual([
        { path: 'customFields.scores.1', message: 'must not be empty', code: 'invalid' },
        { path: 'customFields.scores.2', message: 'must be at least 0', code: 'invalid' },
      ]);
      refuses(
        scores,
        Array.from({ length: 101 }, () => 1),
        'must have at most 100 items',
      );
    });
  });

  describe('a record’s values', () => {
    const budget = field('budget', 'number', { validation: { required: true } });
    const source = field('source', 'select', {
      options: [
        { value: 'web', label: 'Website' },
        { value: 'referral', label: 'Referral' },
      ],
      defaultValue: 'web',
    });
    const nickname = field('nickname', 'text');
    const retired = field('old_score', 'number', { archivedAt: AT, archivedBy: ADMIN });

    it('applies default values on creation to the fields it was given no value for', () => {
      expect(record([budget, source, nickname], { budget: 10 })).toEqual({
        values: { budget: 10, source: 'web' },
        issues: [],
      });
      // An explicit null is "no value", not "the default".
      expect(record([budget, source], { budget: 10, source: null }).values).toEqual({ budget: 10 });
    });

    it('applies no defaults on updates: values are replaced as a whole', () => {
      expect(record([budget, source], { budget: 10 }, { creating: false }).values).toEqual({ budget: 10 });
    });

    it('requires required fields, on creation and on updates', () => {
      expect(record([budget, source], {}).issues).toEqual([
        { path: 'customFields.budget', code: 'required' },
      ]);
      expect(record([budget], { budget: null }, { creating: false }).issues).toEqual([
        { path: 'customFields.budget', code: 'required' },
      ]);
    });

    it('refuses keys no live field has, archived fields’ keys included', () => {
      expect(record([budget, retired], { budget: 1, colour: 'red', old_score: 3 }).issues).toEqual([
        { path: 'customFields.colour', code: 'unknown' },
        { path: 'customFields.old_score', code: 'archived' },
      ]);
    });

    it('carries archived fields’ stored values over untouched', () => {
      const { values, issues } = record(
        [budget, retired],
        { budget: 2 },
        { creating: false, stored: { budget: 1, old_score: 7, legacy: 'x' } },
      );
      expect(issues).toEqual([]);
      expect(values).toEqual({ budget: 2, old_score: 7 });
    });

    it('reports every problem at once', () => {
      const { values, issues } = record([budget, source, nickname], {
        budget: 'lots',
        source: 'tv',
        nickname: 12,
        mystery: true,
      });
      expect(values).toEqual({});
      expect(issues).toEqual([
        { path: 'customFields.mystery', code: 'unknown' },
        { path: 'customFields.budget', code: 'invalid' },
        { path: 'customFields.source', code: 'invalid' },
        { path: 'customFields.nickname', code: 'invalid' },
      ]);
    });

    it('a field that took an archived field’s key is the live one', () => {
      const successor = field('old_score', 'number');
      expect(
        record([retired, successor], { old_score: 4 }, { creating: false, stored: { old_score: 7 } }),
      ).toEqual({
        values: { old_score: 4 },
        issues: [],
      });
    });

    it('shows live fields’ values and hides archived ones’', () => {
      expect(visibleCustomFieldValues([budget, retired], { budget: 1, old_score: 7, legacy: 'x' })).toEqual({
        budget: 1,
        legacy: 'x',
      });
    });
  });
});
