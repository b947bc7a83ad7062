import {
  fieldCipher,
  generateFieldKeyring,
  parseFieldKeyring,
  type ServiceStartOptions,
} from '@platform/service-kit';
import { sealContact, type SealedContactColumns } from '../src/modules/contact/infra/contact-pii';
import type { CrmServiceOptions } from '../src/service';

/** A keyring of this test file's own (what CRM_PII_KEYRING holds in a deployment). */
export const piiKeyring = parseFieldKeyring(generateFieldKeyring());
export const cipher = fieldCipher(piiKeyring);

/** crm's start options for a test: the kit's, this file's keyring, and no key-rotation runs but the first. */
export const crmOptions = (options: ServiceStartOptions): CrmServiceOptions => ({
  ...options,
  piiKeyring,
  piiRotationIntervalMs: 3_600_000,
});

/** A contact's personal columns as crm stores them (for rows a test writes directly). */
export function sealed(contact: {
  id: string;
  organizationId: string;
  givenName: string;
  familyName?: string | null;
  email?: string | null;
  phone?: string | null;
}): SealedContactColumns {
  return sealContact(cipher, {
    id: contact.id,
    organizationId: contact.organizationId,
    givenName: contact.givenName,
    familyName: contact.familyName ?? null,
    middleName: null,
    email: contact.email ?? null,
    phone: contact.phone ?? null,
    dateOfBirth: null,
    emails: contact.email
      ? [{ address: contact.email, type: 'other', isPrimary: true, verified: false }]
      : [],
    phones: contact.phone ? [{ number: contact.phone, type: 'other', isPrimary: true, verified: false }] : [],
    addresses: [],
  });
}
