/** Organization configuration (spec 002's TenantConfig): typed key/value entries. */
import { enumObject, InputIssues } from '@platform/domain';

export const CONFIGURATION_VALUE_TYPES = ['string', 'number', 'boolean', 'json'] as const;
export const ConfigurationValueType = enumObject(CONFIGURATION_VALUE_TYPES);
export type ConfigurationValueType = (typeof CONFIGURATION_VALUE_TYPES)[number];

export interface ConfigurationEntry {
  organizationId: string;
  key: string;
  value: unknown;
  valueType: ConfigurationValueType;
  updatedById: string | null;
  updatedAt: Date;
}

export const CONFIGURATION_KEY_PATTERN = /^[a-z][a-z0-9_.-]{0,99}$/;
export const CONFIGURATION_MAX_ENTRIES = 200;
export const CONFIGURATION_STRING_MAX_LENGTH = 4_000;
export const CONFIGURATION_JSON_MAX_BYTES = 16 * 1024;

/** Checks a key and a value against the type it is stored as; every problem by field. */
export function checkedEntry(
  key: string,
  value: unknown,
  valueType: ConfigurationValueType,
): { key: string; value: unknown } {
  const issues = new InputIssues();
  const trimmed = key.trim();
  if (!CONFIGURATION_KEY_PATTERN.test(trimmed)) {
    issues.add(
      'key',
      'must be 1–100 characters: lower-case letters, digits, dots, hyphens, underscores, starting with a letter',
    );
  }
  switch (valueType) {
    case 'string':
      if (typeof value !== 'string') issues.add('value', 'must be a string');
      else if (value.length > CONFIGURATION_STRING_MAX_LENGTH) {
        issues.add('value', `must be at most ${CONFIGURATION_STRING_MAX_LENGTH} characters`);
      }
      break;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) issues.add('value', 'must be a number');
      break;
    case 'boolean':
      if (typeof value !== 'boolean') issues.add('value', 'must be true or false');
      break;
    case 'json':
      if (typeof value !== 'object' || value === null) issues.add('value', 'must be a JSON object or array');
      else if (Buffer.byteLength(JSON.stringify(value)) > CONFIGURATION_JSON_MAX_BYTES) {
        issues.add('value', `must be at most ${CONFIGURATION_JSON_MAX_BYTES} bytes of JSON`);
      }
      break;
  }
  issues.throwIfAny();
  return { key: trimmed, value };
}
