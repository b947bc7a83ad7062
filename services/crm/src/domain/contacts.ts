import { randomUUID } from 'node:crypto';
import { DomainError, isUuid } from '@platform/service-kit';
import { newContact, type Contact, type NewContact, type NewContactInput } from './contact';
import { pageRequest, toPage, type Page, type PageRequest } from '@platform/service-kit';

/** Who acts: the organization and user from the gateway's internal context. */
export interface Actor {
  organizationId: string | null;
  userId: string | null;
}

/** What the contact operations need from storage (src/infra implements it). */
export interface ContactStorePort {
  create(contact: NewContact): Promise<Contact>;
  byIds(organizationId: string, ids: readonly string[]): Promise<(Contact | null)[]>;
  ofOrganization(
    organizationId: string,
    request: PageRequest,
  ): Promise<{ rows: Contact[]; totalCount: number }>;
  ownedBy(
    organizationId: string,
    ownerId: string,
    request: PageRequest,
  ): Promise<{ rows: Contact[]; totalCount: number }>;
}

function organizationOf(actor: Actor): string {
  if (!actor.organizationId) throw new DomainError('UNAUTHENTICATED', 'Sign in to work with contacts');
  return actor.organizationId;
}

const EMPTY_PAGE: Page<Contact> = {
  edges: [],
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
  totalCount: 0,
};

export function createContactOperations(store: ContactStorePort) {
  return {
    async create(actor: Actor, input: NewContactInput): Promise<Contact> {
      const organizationId = organizationOf(actor);
      return store.create(newContact(randomUUID(), organizationId, input, actor.userId));
    },

    /** Missing, deleted and other organizations' contacts are all simply "not found". */
    async get(actor: Actor, id: string, load: (id: string) => Promise<Contact | null>): Promise<Contact> {
      organizationOf(actor);
      const contact = await load(id);
      if (!contact) throw new DomainError('NOT_FOUND', `Contact ${id} not found`, { entity: 'Contact', id });
      return contact;
    },

    /** An organization's contacts; another organization's list reads as empty. */
    async ofOrganization(
      actor: Actor,
      organizationId: string,
      first: number | null | undefined,
      after: string | null | undefined,
    ): Promise<Page<Contact>> {
      const request = pageRequest(first, after);
      if (organizationOf(actor) !== organizationId) return EMPTY_PAGE;
      const { rows, totalCount } = await store.ofOrganization(organizationId, request);
      return toPage(rows, request, totalCount);
    },

    async ownedBy(
      actor: Actor,
      ownerId: string,
      first: number | null | undefined,
      after: string | null | undefined,
    ): Promise<Page<Contact>> {
      const request = pageRequest(first, after);
      const organizationId = organizationOf(actor);
      if (!isUuid(ownerId)) return EMPTY_PAGE;
      const { rows, totalCount } = await store.ownedBy(organizationId, ownerId, request);
      return toPage(rows, request, totalCount);
    },
  };
}

export type ContactOperations = ReturnType<typeof createContactOperations>;
