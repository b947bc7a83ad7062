import { randomUUID } from 'node:crypto';
import {
  forbidden,
  InputIssues,
  listRequest,
  mapListPage,
  isUuid,
  notFound,
  organizationOf,
  pagesOf,
  signedInUser,
  type Actor,
  type ListFilter,
  type ListPage,
  type Page,
  type PageRequest,
  type SortKey,
  type SortKeyInput,
} from '@platform/domain';
import { assigneeProblem, type KnownUsers } from '../../contact/domain/owners';
import {
  asSeenBy,
  checkInteractionFields,
  deleteInteraction,
  draftInteraction,
  InteractionOrderField,
  mayReadContent,
  recordInteraction,
  restoreInteraction,
  updateInteraction,
  type CreateInteractionInput,
  type Interaction,
  type InteractionEvent,
  type InteractionFieldsInput,
  type InteractionView,
  type Reader,
} from './interaction';
import type { InteractionRepository, InteractionSelection } from './interaction-repository';

/** The organization's list, newest occurredAt first unless asked otherwise. */
export const DEFAULT_INTERACTION_ORDER: readonly SortKey[] = [
  { field: InteractionOrderField.OCCURRED_AT, direction: 'DESC' },
];

const SIGN_IN = 'Sign in to work with interactions';

const readerOf = (actor: Actor): Reader => ({ userId: actor.userId, permissions: actor.permissions ?? [] });

/** The interaction use cases: who may do what and read what, and what it changes. */
export function interactionOperations(
  repository: InteractionRepository,
  users: KnownUsers,
  clock: () => Date = () => new Date(),
) {
  /** Missing interactions, other organizations' and those of deleted contacts are all "not found". */
  const missing = (id: string) => notFound('Interaction', id);

  /** The assignee a write names must be able to hold records (contact/domain/owners.ts). */
  async function checkAssignee(
    caller: { organizationId: string; userId: string },
    assignedToId: string | null | undefined,
    issues: InputIssues,
  ): Promise<void> {
    if (!assignedToId || !isUuid(assignedToId)) return;
    const known =
      assignedToId === caller.userId ? null : await users.find(caller.organizationId, assignedToId);
    const problem = assigneeProblem(assignedToId, caller, known);
    if (problem) issues.add('assignedToId', problem);
  }

  async function change(
    actor: Actor,
    id: string,
    withDeleted: boolean,
    decide: (
      current: Interaction,
      by: string,
      now: Date,
    ) => { interaction: Interaction; events: InteractionEvent[] },
  ): Promise<InteractionView> {
    const caller = signedInUser(actor, SIGN_IN);
    if (!isUuid(id)) throw missing(id);
    const now = clock();
    const changed = await repository.change(caller.organizationId, id, { withDeleted }, (current) => {
      const { interaction, events } = decide(current, caller.userId, now);
      return { value: interaction, events };
    });
    if (!changed) throw missing(id);
    return asSeenBy(readerOf(actor), changed);
  }

  return {
    /** Records an interaction on a live contact's timeline (a reply joins its parent's thread). */
    async create(actor: Actor, input: CreateInteractionInput): Promise<InteractionView> {
      const caller = signedInUser(actor, SIGN_IN);
      const issues = new InputIssues();
      const parentId = input.parentInteractionId;
      const [parent, liveContact] = await Promise.all([
        parentId && isUuid(parentId)
          ? repository.find(caller.organizationId, parentId)
          : Promise.resolve(null),
        isUuid(input.contactId)
          ? repository.hasLiveContact(caller.organizationId, input.contactId)
          : Promise.resolve(true),
        checkAssignee(caller, input.assignedToId, issues),
      ]);
      const draft = draftInteraction(
        { id: randomUUID(), organizationId: caller.organizationId, createdById: caller.userId },
        input,
        parent,
        clock(),
        issues,
      );
      if (!liveContact) issues.add('contactId', 'is not a contact of the organization');
      issues.throwIfAny();
      const { interaction, events } = recordInteraction(draft);
      return asSeenBy(readerOf(actor), await repository.create(interaction, events));
    },

    /**
     * Changes an interaction read at `expectedVersion` (CONFLICT when it has moved on). Only someone
     * who may read its content may change it (FORBIDDEN otherwise): a change is made knowing what it
     * changes.
     */
    async update(
      actor: Actor,
      id: string,
      expectedVersion: number,
      input: InteractionFieldsInput,
    ): Promise<InteractionView> {
      const caller = signedInUser(actor, SIGN_IN);
      const issues = new InputIssues();
      const changes = checkInteractionFields(input, issues);
      await checkAssignee(caller, input.assignedToId, issues);
      issues.throwIfAny();
      return change(actor, id, false, (current, by, now) => {
        if (!mayReadContent(readerOf(actor), current))
          throw forbidden('Only those who may read an interaction’s content may change it');
        return updateInteraction(current, changes, expectedVersion, by, now, new InputIssues());
      });
    },

    /** Soft-deletes an interaction (restorable); NOT_FOUND when it is not there or already deleted. */
    async remove(actor: Actor, id: string): Promise<InteractionView> {
      return change(actor, id, false, deleteInteraction);
    },

    /** Restores a deleted interaction; CONFLICT when it is not deleted. */
    async restore(actor: Actor, id: string): Promise<InteractionView> {
      return change(actor, id, true, restoreInteraction);
    },

    async get(
      actor: Actor,
      id: string,
      load: (id: string) => Promise<InteractionView | null>,
    ): Promise<InteractionView> {
      organizationOf(actor, SIGN_IN);
      const interaction = await load(id);
      if (!interaction) throw missing(id);
      return interaction;
    },

    /** The organization's live interactions by id, as the caller may see them (null where none). */
    async byIds(actor: Actor, ids: readonly string[]): Promise<Array<InteractionView | null>> {
      if (!actor.organizationId) return ids.map(() => null);
      const reader = readerOf(actor);
      const found = await repository.byIds(actor.organizationId, ids);
      return found.map((interaction) => (interaction ? asSeenBy(reader, interaction) : null));
    },

    /**
     * A page of the organization's interactions: the filter tree, the order (newest occurredAt first by
     * default) and the cursor are checked and compiled by the list framework.
     */
    async list(
      actor: Actor,
      args: {
        first?: number | null;
        after?: string | null;
        filter?: ListFilter | null;
        orderBy?: readonly SortKeyInput[] | null;
        deleted?: boolean | null;
      },
    ): Promise<ListPage<InteractionView>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const reader = readerOf(actor);
      const page = await repository.list(
        organizationId,
        listRequest(args, DEFAULT_INTERACTION_ORDER),
        args.deleted ?? false,
      );
      return mapListPage(page, (row) => asSeenBy(reader, row));
    },

    /** Pages of many contacts' timelines at once, in the order asked. */
    async ofContacts(
      actor: Actor,
      contactIds: readonly string[],
      selection: InteractionSelection,
      request: PageRequest,
    ): Promise<Array<Page<InteractionView>>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const reader = readerOf(actor);
      const pages = await pagesOf(contactIds, request, (ids) =>
        repository.ofContacts(organizationId, ids, selection, request),
      );
      return pages.map((page) => ({ ...page, items: page.items.map((row) => asSeenBy(reader, row)) }));
    },

    /** Pages of many interactions' replies at once, in the order asked. */
    async repliesTo(
      actor: Actor,
      parentIds: readonly string[],
      request: PageRequest,
    ): Promise<Array<Page<InteractionView>>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const reader = readerOf(actor);
      const pages = await pagesOf(parentIds, request, (ids) =>
        repository.repliesTo(organizationId, ids, request),
      );
      return pages.map((page) => ({ ...page, items: page.items.map((row) => asSeenBy(reader, row)) }));
    },
  };
}

export type InteractionOperations = ReturnType<typeof interactionOperations>;
