// What the generated resolver types use as parents (see @platform/codegen).
import type { Contact } from './domain/contact';

export type ContactMapper = Contact;
/** Organizations and users are identity's; crm resolves its fields on them from the id alone. */
export type OrganizationMapper = { id: string };
export type UserMapper = { id: string };
export {
  ContactStatus,
  LeadStatus,
  LifecycleStage,
  OrganizationRole,
  RelationshipState,
} from './domain/contact';
export {
  AddressType,
  ContactOrderField,
  EmailType,
  LeadScore,
  LeadTemperature,
  PhoneType,
  PrivacyLevel,
} from './domain/contact-details';
/** The shared list vocabulary (declared in crm's schema.graphql). */
export { SortDirection } from '@platform/domain';
