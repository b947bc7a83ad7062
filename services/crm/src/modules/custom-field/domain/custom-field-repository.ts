import type { ListPage, ListRequest } from '@platform/domain';
import type {
  CreationFacts,
  CustomFieldDefinition,
  CustomFieldDraft,
  CustomFieldEvent,
  RestoreFacts,
} from './custom-field';

/** What the operations decide once the storing transaction has what they need. */
export interface Decided<T> {
  value: T;
  events: readonly CustomFieldEvent[];
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
  /**
   * A page of the organization's definitions matching the request's filter, in its order (live ones
   * only unless `includeArchived`).
   */
  list(
    organizationId: string,
    request: ListRequest,
    options: { includeArchived: boolean },
  ): Promise<ListPage<CustomFieldDefinition>>;
}
