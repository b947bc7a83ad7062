import { randomUUID } from 'node:crypto';
import {
  emptyPage,
  notFound,
  organizationOf,
  pageOf,
  pagesOf,
  type Actor,
  type Page,
  type PageRequest,
} from '@platform/domain';
import { InputIssues } from '@platform/domain';
import { createContact, normalizeEmail, normalizePhone, type Contact, type NewContactInput } from './contact';
import type { ContactRepository } from './contact-repository';
import { ensureOwner, type KnownUser } from './owners';

const SIGN_IN = 'Sign in to work with contacts';

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
        { id: randomUUID(), organizationId, defaultOwnerId },
        input,
        clock(),
      );
      if (contact.ownerId) {
        const known =
          contact.ownerId === actor.userId ? null : await users.find(organizationId, contact.ownerId);
        ensureOwner(contact.ownerId, { organizationId, userId: defaultOwnerId }, known);
      }
      return repository.create(contact, events);
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
