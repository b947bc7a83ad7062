import type { Page } from '@platform/domain';
import { DataLoader, defineModule, pageLoader, type PageKey } from '@platform/service-kit';
import type { CrmDependencies } from '../../service';
import type { Contact as ContactModel } from './domain/contact';
import { contactOperations, type ContactOperations } from './domain/contact-operations';
import { contactRepository } from './infra/contact-repository';
import { userReferences } from './infra/user-references';
import { Company } from './resolvers/Company';
import { Contact } from './resolvers/Contact';
import { createContact } from './resolvers/Mutation/createContact';
import { deleteContact } from './resolvers/Mutation/deleteContact';
import { importContacts } from './resolvers/Mutation/importContacts';
import { mergeContacts } from './resolvers/Mutation/mergeContacts';
import { restoreContact } from './resolvers/Mutation/restoreContact';
import { updateContact } from './resolvers/Mutation/updateContact';
import { Organization } from './resolvers/Organization';
import { contact } from './resolvers/Query/contact';
import { contactByEmail } from './resolvers/Query/contactByEmail';
import { contactByPhone } from './resolvers/Query/contactByPhone';
import { contacts as contactList } from './resolvers/Query/contacts';
import { User } from './resolvers/User';

export interface ContactModuleContext {
  contacts: ContactOperations;
  /** The caller's organization's contacts by id (one query per batch). */
  contactById: DataLoader<string, ContactModel | null>;
  /** Pages of contacts by organization (only the caller's has any). */
  contactsByOrganization: DataLoader<PageKey, Page<ContactModel>, string>;
  /** Pages of contacts by company: one query per batch (per distinct first/after). */
  contactsByCompany: DataLoader<PageKey, Page<ContactModel>, string>;
  /** Pages of contacts by owner: one query per batch (per distinct first/after). */
  contactsByOwner: DataLoader<PageKey, Page<ContactModel>, string>;
}

export const contactModule = defineModule<CrmDependencies, ContactModuleContext>({
  resolvers: {
    Query: { contact, contacts: contactList, contactByEmail, contactByPhone },
    Mutation: {
      createContact,
      importContacts,
      updateContact,
      mergeContacts,
      deleteContact,
      restoreContact,
    },
    Contact,
    Company,
    Organization,
    User,
  },
  context: ({ tenants, cipher }) => {
    const repository = contactRepository(tenants, cipher);
    const contacts = contactOperations(repository, userReferences(tenants));
    return ({ auth }) => ({
      contacts,
      contactsByOrganization: pageLoader((organizationIds, request) =>
        contacts.ofOrganizations(auth, organizationIds, request),
      ),
      contactsByOwner: pageLoader((ownerIds, request) => contacts.ownedBy(auth, ownerIds, request)),
      contactsByCompany: pageLoader((companyIds, request) => contacts.ofCompanies(auth, companyIds, request)),
      contactById: new DataLoader((ids: readonly string[]) =>
        auth.organizationId
          ? repository.byIds(auth.organizationId, ids)
          : Promise.resolve(ids.map(() => null)),
      ),
    });
  },
});
