// What the generated resolver types use as parents (see @platform/codegen).
import type { Preference } from './domain/preference';

export type UserPreferenceMapper = Preference;
