import { randomUUID } from 'node:crypto';
import {
  InputIssues,
  isUuid,
  notFound,
  organizationOf,
  pageOf,
  signedInUser,
  type Actor,
  type Page,
  type PageRequest,
} from '@platform/domain';
import {
  archiveDefinition,
  createDefinition,
  draftDefinition,
  restoreDefinition,
  updateDefinition,
  type CreateCustomFieldDefinitionInput,
  type CustomFieldDefinition,
  type UpdateCustomFieldDefinitionInput,
} from './custom-field';
import type { CustomFieldFilter, CustomFieldRepository } from './custom-field-repository';

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

    /** A page of the organization's definitions (live ones unless archived ones are asked for too). */
    async list(
      actor: Actor,
      filter: CustomFieldFilter,
      request: PageRequest,
    ): Promise<Page<CustomFieldDefinition>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const { rows, totalCount } = await repository.list(organizationId, filter, request);
      return pageOf(rows, request, totalCount);
    },
  };
}

export type CustomFieldOperations = ReturnType<typeof customFieldOperations>;
