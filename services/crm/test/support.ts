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

/** The plans' limits as billing's events carry them (contacts, custom field definitions). */
const PLAN_LIMITS = {
  free: { contactLimit: 100, customFieldLimit: 5 },
  basic: { contactLimit: 1_000, customFieldLimit: 20 },
  pro: { contactLimit: 10_000, customFieldLimit: 100 },
  enterprise: { contactLimit: null, customFieldLimit: null },
} as const;

/**
 * Puts an organization on a plan in crm's entitlements projection, as billing's
 * billing.subscription.activated.v1 would (for tests about something else than the event).
 */
export async function onPlan(
  database: { $executeRaw: (query: TemplateStringsArray, ...values: unknown[]) => Promise<number> },
  organizationId: string,
  plan: keyof typeof PLAN_LIMITS,
): Promise<void> {
  const { contactLimit, customFieldLimit } = PLAN_LIMITS[plan];
  await database.$executeRaw`
    INSERT INTO organization_entitlements (organization_id, plan_id, contact_limit, custom_field_limit, subscription_id, effective_at)
    VALUES (${organizationId}::uuid, ${plan}, ${contactLimit}::int, ${customFieldLimit}::int, gen_random_uuid(), now())
    ON CONFLICT (organization_id) DO UPDATE SET plan_id = EXCLUDED.plan_id, contact_limit = EXCLUDED.contact_limit,
      custom_field_limit = EXCLUDED.custom_field_limit, effective_at = EXCLUDED.effective_at`;
}
