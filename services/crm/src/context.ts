import type { DataLoader, RequestContext } from '@platform/service-kit';
import type { Contact } from './domain/contact';
import type { ContactOperations } from './domain/contacts';

export interface CrmContext extends RequestContext {
  contacts: ContactOperations;
  /** Contacts of the caller's organization by id (one query per batch). */
  contactById: DataLoader<string, Contact | null>;
}
