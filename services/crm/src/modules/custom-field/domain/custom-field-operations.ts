import { randomUUID } from 'node:crypto';
import {
  InputIssues,
  isUuid,
  notFound,
  listRequest,
  organizationOf,
  signedInUser,
  type Actor,
  type ListFilter,
  type ListPage,
  type SortKeyInput,
} from '@platform/domain';
import {
  archiveDefinition,
  createDefinition,
  DEFAULT_DEFINITION_ORDER,
  draftDefinition,
  restoreDefinition,
  updateDefinition,
  type CreateCustomFieldDefinitionInput,
  type CustomFieldDefinition,
  type UpdateCustomFieldDefinitionInput,
} from './custom-field';
import type { CustomFieldRepository } from './custom-field-repository';

const SIGN_IN = 'Sign in to work with custom fields';

/** The custom field definition use cases: who may do what, and what it changes. */
export function customFieldOperations(
  repository: CustomFieldRepository,
  clock: () => Date = () => new Date(),
) {
  /** Missing definitions and other organizations' definitions are all simply "not found". */
  const missing = (id: string) => notFound('CustomFieldDefinition', id);

  return {
    async create(actor: Actor, input: CreateCustomFieldDefinitionInput): Promise<CustomFieldDefinition> {
      const caller = signedInUser(actor, SIGN_IN);
      const issues = new InputIssues();
      const draft = draftDefinition(
        { id: randomUUID(), organizationId: caller.organizationId, createdBy: caller.userId },
        input,
        clock(),
        issues,
      );
      issues.throwIfAny();
      return repository.create(draft, (facts) => {
        const { definition, events } = createDefinition(draft, facts);
        return { value: definition, events };
      });
    },

    async update(
      actor: Actor,
      id: string,
      input: UpdateCustomFieldDefinitionInput,
    ): Promise<CustomFieldDefinition> {
      const caller = signedInUser(actor, SIGN_IN);
      if (!isUuid(id)) throw missing(id);
      const now = clock();
      const changed = await repository.change(caller.organizationId, id, (current) => {
        const issues = new InputIssues();
        const { definition, events, becameUnique } = updateDefinition(
          current,
          input,
          caller.userId,
          now,
          issues,
        );
        issues.throwIfAny();
        return { value: definition, events, becameUnique };
      });
      if (!changed) throw missing(id);
      return changed;
    },

    async archive(actor: Actor, id: string): Promise<CustomFieldDefinition> {
      const caller = signedInUser(actor, SIGN_IN);
      if (!isUuid(id)) throw missing(id);
      const now = clock();
      const archived = await repository.archive(caller.organizationId, id, (current) => {
        const { definition, events } = archiveDefinition(current, caller.userId, now);
        return { value: definition, events };
      });
      if (!archived) throw missing(id);
      return archived;
    },

    async restore(actor: Actor, id: string): Promise<CustomFieldDefinition> {
      const caller = signedInUser(actor, SIGN_IN);
      if (!isUuid(id)) throw missing(id);
      const now = clock();
      const restored = await repository.restore(caller.organizationId, id, (current, facts) => {
        const { definition, events } = restoreDefinition(current, facts, caller.userId, now);
        return { value: definition, events };
      });
      if (!restored) throw missing(id);
      return restored;
    },

    async get(
      actor: Actor,
      id: string,
      load: (id: string) => Promise<CustomFieldDefinition | null>,
    ): Promise<CustomFieldDefinition> {
      organizationOf(actor, SIGN_IN);
      const definition = await load(id);
      if (!definition) throw missing(id);
      return definition;
    },

    /**
     * The organization's definitions matching `filter`, in `orderBy` (by entity type, position and age
     * by default), a page after `after`; live ones only unless `includeArchived`. BAD_USER_INPUT for a
     * bad page size, order or cursor.
     */
    async list(
      actor: Actor,
      args: {
        first?: number | null;
        after?: string | null;
        filter?: ListFilter | null;
        orderBy?: readonly SortKeyInput[] | null;
        includeArchived?: boolean | null;
      },
    ): Promise<ListPage<CustomFieldDefinition>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return repository.list(organizationId, listRequest(args, DEFAULT_DEFINITION_ORDER), {
        includeArchived: args.includeArchived ?? false,
      });
    },
  };
}

export type CustomFieldOperations = ReturnType<typeof customFieldOperations>;
