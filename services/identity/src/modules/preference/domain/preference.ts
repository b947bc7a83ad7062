/** A user's preferences (spec 002 UserPreference; spec 004's notification settings by category). */
import { conflict, InputIssues } from '@platform/domain';

export interface Preference {
  userId: string;
  organizationId: string;
  category: string;
  key: string;
  value: unknown;
  updatedAt: Date;
}

export const CATEGORY_PATTERN = /^[a-z][a-z0-9_]{0,49}$/;
export const KEY_PATTERN = /^[a-z][a-z0-9_.-]{0,99}$/;
export const VALUE_MAX_BYTES = 4 * 1024;
export const PREFERENCES_MAX = 200;

/** Checks a preference; every problem at once, by field. A user keeps at most PREFERENCES_MAX. */
export function checkedPreference(
  input: { category: string; key: string; value: unknown },
  existingKeys: readonly string[],
): { category: string; key: string; value: unknown } {
  const issues = new InputIssues();
  const category = input.category.trim();
  const key = input.key.trim();
  if (!CATEGORY_PATTERN.test(category)) {
    issues.add(
      'category',
      '1–50 characters: lower-case letters, digits, underscores, starting with a letter',
    );
  }
  if (!KEY_PATTERN.test(key)) {
    issues.add(
      'key',
      '1–100 characters: lower-case letters, digits, dots, hyphens, underscores, starting with a letter',
    );
  }
  if (input.value === undefined || Buffer.byteLength(JSON.stringify(input.value)) > VALUE_MAX_BYTES) {
    issues.add('value', `must be JSON of at most ${VALUE_MAX_BYTES} bytes`);
  }
  issues.throwIfAny();
  if (!existingKeys.includes(key) && existingKeys.length >= PREFERENCES_MAX) {
    throw conflict(`A user keeps at most ${PREFERENCES_MAX} preferences`);
  }
  return { category, key, value: input.value };
}
