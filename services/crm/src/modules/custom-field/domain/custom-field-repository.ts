import type { PageRequest } from '@platform/domain';
import type {
  CreationFacts,
  CustomFieldDefinition,
  CustomFieldDraft,
  CustomFieldEvent,
  RestoreFacts,
} from './custom-field';
import type { CustomFieldEntityType } from './data-types';

/** What the operations decide once the storing transaction has what they need. */
export interface Decided<T> {
  value: T;
  events: readonly CustomFieldEvent[];
}

/** Which of an organization's definitions a list asks for. */
export interface CustomFieldFilter {
  entityType?: CustomFieldEntityType | null;
  /** Archived definitions too (default: live ones only). */
  includeArchived?: boolean | null;
}

/** Up to `first + 1` rows after the cursor, and how many there are in all. */
export interface Rows<T> {
  rows: T[];
  totalCount: number;
}

/**
 * What the definition operations need of storage (infra/custom-field-repository.ts implements it).
 * Creations and restores run under the organization's custom-field lock, so the plan's limit and the
 * key's uniqueness are decided on counts no concurrent write can change; changes lock the definition's
 * row, which every record write holds shared while it checks values against it.
 */
export interface CustomFieldRepository {
  /** Stores a new definition; `decide` gets the facts its creation depends on. */
  create(
    draft: CustomFieldDraft,
    decide: (facts: CreationFacts) => Decided<CustomFieldDefinition>,
  ): Promise<CustomFieldDefinition>;
  /**
   * Changes a definition: `decide` gets it as it is (locked). When the change makes it unique, the live
   * records' stored values are checked first (CONFLICT when two share one). Null when there is none.
   */
  change(
    organizationId: string,
    id: string,
    decide: (current: CustomFieldDefinition) => Decided<CustomFieldDefinition> & { becameUnique: boolean },
  ): Promise<CustomFieldDefinition | null>;
  /** Archives a definition (row locked); null when there is none. */
  archive(
    organizationId: string,
    id: string,
    decide: (current: CustomFieldDefinition) => Decided<CustomFieldDefinition>,
  ): Promise<CustomFieldDefinition | null>;
  /** Restores a definition under the organization's lock; null when there is none. */
  restore(
    organizationId: string,
    id: string,
    decide: (current: CustomFieldDefinition, facts: RestoreFacts) => Decided<CustomFieldDefinition>,
  ): Promise<CustomFieldDefinition | null>;
  /** The organization's definitions with these ids (archived ones too), in id order (null where none). */
  byIds(organizationId: string, ids: readonly string[]): Promise<Array<CustomFieldDefinition | null>>;
  /** A page of the organization's definitions, by entity type, position, creation. */
  list(
    organizationId: string,
    filter: CustomFieldFilter,
    request: PageRequest,
  ): Promise<Rows<CustomFieldDefinition>>;
}
