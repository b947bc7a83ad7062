import { randomUUID } from 'node:crypto';
import {
  emptyPage,
  notFound,
  organizationOf,
  pageOf,
  pagesOf,
  listRequest,
  type Actor,
  type ListFilter,
  type ListPage,
  type Page,
  type SortKey,
  type SortKeyInput,
  type PageRequest,
} from '@platform/domain';
import { DomainError, InputIssues, type InputIssue } from '@platform/domain';
import {
  createContact,
  deleteContact,
  mergeContacts,
  normalizeEmail,
  normalizePhone,
  restoreContact,
  updateContact,
  type Contact,
  type ContactPatch,
  type NewContactInput,
} from './contact';
import type { ContactRepository } from './contact-repository';
import { assigneeProblem, ensureOwner, type KnownUser } from './owners';

const SIGN_IN = 'Sign in to work with contacts';

/** At most this many contacts per import. */
export const MAX_IMPORT = 1000;

const issuesOf = (error: DomainError): readonly InputIssue[] => {
  const issues = error.details?.['issues'];
  return Array.isArray(issues)
    ? issues.filter(isIssue)
    : [{ path: '', message: error.message, code: 'invalid' }];
};

const isIssue = (value: unknown): value is InputIssue =>
  typeof value === 'object' &&
  value !== null &&
  'path' in value &&
  'message' in value &&
  typeof value.path === 'string' &&
  typeof value.message === 'string';

/** Newest first. */
export const DEFAULT_CONTACT_ORDER: readonly SortKey[] = [{ field: 'CREATED_AT', direction: 'DESC' }];

/** The contact use cases: who may do what, and what it changes. */
export function contactOperations(
  repository: ContactRepository,
  users: { find(organizationId: string, userId: string): Promise<KnownUser | null> },
  clock: () => Date = () => new Date(),
) {
  return {
    async create(actor: Actor, input: NewContactInput): Promise<Contact> {
      const organizationId = organizationOf(actor, SIGN_IN);
      // An agency user acting inside a client organization is not one of its users: no default owner.
      const defaultOwnerId = actor.actingFromOrganizationId ? null : actor.userId;
      const { contact, events } = createContact(
        { id: randomUUID(), organizationId, defaultOwnerId, createdById: actor.userId ?? null },
        input,
        clock(),
      );
      if (contact.ownerId) {
        const known =
          contact.ownerId === actor.userId ? null : await users.find(organizationId, contact.ownerId);
        ensureOwner(contact.ownerId, { organizationId, userId: defaultOwnerId }, known);
      }
      if (contact.assignedUserId) {
        const assignee = contact.assignedUserId;
        const known = assignee === defaultOwnerId ? null : await users.find(organizationId, assignee);
        ensureOwner(assignee, { organizationId, userId: defaultOwnerId }, known, 'assignedUserId');
      }
      return repository.create(contact, events);
    },

    /**
     * Imports up to MAX_IMPORT contacts at once, all or none: every problem of every row is reported at
     * once (paths `contacts.<n>.<field>`), emails and phones repeated inside the batch included;
     * CONFLICT names the rows whose email or phone another contact holds.
     */
    async import(actor: Actor, inputs: readonly NewContactInput[]): Promise<Contact[]> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const issues = new InputIssues();
      if (inputs.length < 1 || inputs.length > MAX_IMPORT) {
        issues.add('contacts', `must hold 1–${MAX_IMPORT} contacts`).throwIfAny();
      }
      const defaultOwnerId = actor.actingFromOrganizationId ? null : actor.userId;
      const now = clock();
      const made: Array<ReturnType<typeof createContact>> = [];
      inputs.forEach((input, index) => {
        try {
          made.push(
            createContact(
              { id: randomUUID(), organizationId, defaultOwnerId, createdById: actor.userId ?? null },
              input,
              now,
            ),
          );
        } catch (error) {
          if (!(error instanceof DomainError) || error.code !== 'BAD_USER_INPUT') throw error;
          for (const issue of issuesOf(error))
            issues.add(`contacts.${index}.${issue.path}`, issue.message, issue.code);
        }
      });
      issues.throwIfAny();
      const contacts = made.map(({ contact }) => contact);
      // The same email or phone twice in the batch.
      const firstHolder = new Map<string, number>();
      contacts.forEach((contact, index) => {
        const values = [
          ...contact.emails.map((entry) => `email:${entry.address}`),
          ...contact.phones.map((entry) => `phone:${entry.number}`),
        ];
        for (const value of values) {
          const holder = firstHolder.get(value);
          if (holder === undefined) firstHolder.set(value, index);
          else
            issues.add(
              `contacts.${index}.${value.split(':')[0] ?? ''}`,
              `is the same as contacts.${holder}'s`,
            );
        }
      });
      // Owners and assigned users: each distinct one looked up once.
      const people = new Set(contacts.flatMap((contact) => [contact.ownerId, contact.assignedUserId]));
      const known = new Map<string, KnownUser | null>();
      for (const userId of people) {
        if (userId && userId !== defaultOwnerId) known.set(userId, await users.find(organizationId, userId));
      }
      contacts.forEach((contact, index) => {
        for (const [field, userId] of [
          ['ownerId', contact.ownerId],
          ['assignedUserId', contact.assignedUserId],
        ] as const) {
          if (!userId) continue;
          const problem = assigneeProblem(
            userId,
            { organizationId, userId: defaultOwnerId },
            known.get(userId) ?? null,
          );
          if (problem) issues.add(`contacts.${index}.${field}`, problem);
        }
      });
      issues.throwIfAny();
      return repository.createMany(
        organizationId,
        contacts,
        made.flatMap(({ events }) => events),
      );
    },

    /**
     * Changes a contact read at `expectedVersion` (CONFLICT when it changed since); a new owner must be
     * a user of the organization, like a creator's choice.
     */
    async update(actor: Actor, id: string, patch: ContactPatch, expectedVersion: number): Promise<Contact> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const current = await repository.find(organizationId, id, { withDeleted: false });
      if (!current) throw notFound('Contact', id);
      const { contact, events, changedFields } = updateContact(
        current,
        patch,
        expectedVersion,
        actor.userId ?? null,
        clock(),
      );
      if (changedFields.length === 0) return contact;
      if (changedFields.includes('ownerId') && contact.ownerId) {
        const self = actor.actingFromOrganizationId ? null : actor.userId;
        const known = contact.ownerId === self ? null : await users.find(organizationId, contact.ownerId);
        ensureOwner(contact.ownerId, { organizationId, userId: self }, known);
      }
      if (changedFields.includes('assignedUserId') && contact.assignedUserId) {
        const self = actor.actingFromOrganizationId ? null : actor.userId;
        const assignee = contact.assignedUserId;
        const known = assignee === self ? null : await users.find(organizationId, assignee);
        ensureOwner(assignee, { organizationId, userId: self }, known, 'assignedUserId');
      }
      return repository.save(contact, current.version, events);
    },

    /**
     * Merges a duplicate into the contact kept (mergeContacts): both must be live contacts of the
     * organization (NOT_FOUND otherwise); a concurrent change to either is CONFLICT.
     */
    async merge(actor: Actor, keptId: string, mergedId: string): Promise<Contact> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const [kept, merged] = await Promise.all([
        repository.find(organizationId, keptId, { withDeleted: false }),
        repository.find(organizationId, mergedId, { withDeleted: false }),
      ]);
      if (!kept) throw notFound('Contact', keptId);
      if (!merged) throw notFound('Contact', mergedId);
      const result = mergeContacts(kept, merged, actor.userId ?? null, clock());
      return repository.merge(result.kept, kept.version, result.merged, merged.version, result.eventsFor);
    },

    /** Soft-deletes a contact (restorable); NOT_FOUND when it is not there or already deleted. */
    async delete(actor: Actor, id: string): Promise<Contact> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const current = await repository.find(organizationId, id, { withDeleted: false });
      if (!current) throw notFound('Contact', id);
      const { contact, events } = deleteContact(current, actor.userId ?? null, clock());
      return repository.save(contact, current.version, events);
    },

    /** Restores a deleted contact; CONFLICT when it is not deleted or its email/phone is taken now. */
    async restore(actor: Actor, id: string): Promise<Contact> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const current = await repository.find(organizationId, id, { withDeleted: true });
      if (!current) throw notFound('Contact', id);
      const { contact, events } = restoreContact(current, actor.userId ?? null, clock());
      return repository.save(contact, current.version, events);
    },

    /**
     * The organization's live contact with this email or phone (an equality lookup on its blind index;
     * the value is normalised as it is stored), or null.
     */
    async findByIdentifier(actor: Actor, kind: 'email' | 'phone', value: string): Promise<Contact | null> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const normalized = kind === 'email' ? normalizeEmail(value) : normalizePhone(value);
      if (normalized === null) {
        new InputIssues()
          .add(kind, kind === 'email' ? 'must be a valid email address' : 'must be in E.164 format')
          .throwIfAny();
      }
      return normalized === null ? null : repository.byIdentifier(organizationId, kind, normalized);
    },

    /** Missing, deleted and other organizations' contacts are all simply "not found". */
    async get(actor: Actor, id: string, load: (id: string) => Promise<Contact | null>): Promise<Contact> {
      organizationOf(actor, SIGN_IN);
      const contact = await load(id);
      if (!contact) throw notFound('Contact', id);
      return contact;
    },

    /**
     * Organizations' contacts (what a list of organizations asks for), in the order asked: only the
     * caller's own organization has any; another organization's list reads as empty.
     */
    async ofOrganizations(
      actor: Actor,
      organizationIds: readonly string[],
      request: PageRequest,
    ): Promise<Array<Page<Contact>>> {
      const own = organizationOf(actor, SIGN_IN);
      const page = organizationIds.includes(own)
        ? await repository
            .ofOrganization(own, request)
            .then(({ rows, totalCount }) => pageOf(rows, request, totalCount))
        : emptyPage<Contact>();
      return organizationIds.map((id) => (id === own ? page : emptyPage()));
    },

    /**
     * The organization's live contacts matching `filter`, in `orderBy` (newest first by default), a page
     * after `after`; BAD_USER_INPUT for a bad page size, order or cursor.
     */
    async list(
      actor: Actor,
      args: {
        first?: number | null;
        after?: string | null;
        filter?: ListFilter | null;
        orderBy?: readonly SortKeyInput[] | null;
      },
    ): Promise<ListPage<Contact>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return repository.list(organizationId, listRequest(args, DEFAULT_CONTACT_ORDER));
    },

    /** Pages of the contacts of many companies at once, newest first, in the order asked. */
    async ofCompanies(
      actor: Actor,
      companyIds: readonly string[],
      request: PageRequest,
    ): Promise<Array<Page<Contact>>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return pagesOf(companyIds, request, (ids) => repository.ofCompanies(organizationId, ids, request));
    },

    /** Pages of the contacts each user owns, for many users at once, in the order asked. */
    async ownedBy(
      actor: Actor,
      ownerIds: readonly string[],
      request: PageRequest,
    ): Promise<Array<Page<Contact>>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return pagesOf(ownerIds, request, (ids) => repository.ownedBy(organizationId, ids, request));
    },
  };
}

export type ContactOperations = ReturnType<typeof contactOperations>;
