import { randomUUID } from 'node:crypto';
import { createEvent, toKafkaMessage, topicName, type CatalogEvent } from '@platform/events';
import {
  fieldCipher,
  generateFieldKeyring,
  parseFieldKeyring,
  type ServiceStartOptions,
} from '@platform/service-kit';
import { ENTITLEMENTS_GROUP } from '../src/consumers/entitlements';
import { sealContact, type SealedContactColumns } from '../src/modules/contact/infra/contact-pii';
import type { CrmService, CrmServiceOptions } from '../src/service';

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
 * billing.entitlements.changed.v1 would (for tests about something else than the event; the row keeps
 * version 0, so any event replaces it).
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

/** The plans' entitlements as billing publishes them (billing's plans table; seats its defaults). */
const PLAN_ENTITLEMENTS = {
  free: {
    ...PLAN_LIMITS.free,
    storageGb: 1,
    aiInsights: 'none',
    apiAccess: 'read_only',
    interactionTracking: 'limited',
    support: 'community',
    seats: 3,
  },
  basic: {
    ...PLAN_LIMITS.basic,
    storageGb: 10,
    aiInsights: 'basic',
    apiAccess: 'full',
    interactionTracking: 'full',
    support: 'email',
    seats: 10,
  },
  pro: {
    ...PLAN_LIMITS.pro,
    storageGb: 100,
    aiInsights: 'advanced',
    apiAccess: 'full',
    interactionTracking: 'full',
    support: 'priority',
    seats: 50,
  },
  enterprise: {
    ...PLAN_LIMITS.enterprise,
    storageGb: null,
    aiInsights: 'custom',
    apiAccess: 'full',
    interactionTracking: 'full',
    support: 'dedicated',
    seats: null,
  },
} as const;

/**
 * billing.entitlements.changed.v1 for the organization, as billing publishes it: the plan's
 * entitlements (limits overridable) at `version`.
 */
export function entitlementsChanged(
  organizationId: string,
  plan: keyof typeof PLAN_ENTITLEMENTS,
  version: number,
  overrides: { customFieldLimit?: number | null; contactLimit?: number | null; at?: Date } = {},
): CatalogEvent<'billing.entitlements.changed.v1'> {
  const { at = new Date(), ...limits } = overrides;
  return createEvent('billing.entitlements.changed.v1', {
    source: '/services/billing',
    subject: organizationId,
    tenantId: organizationId,
    time: at,
    data: {
      organizationId,
      subscriptionId: randomUUID(),
      planId: plan,
      status: plan === 'free' ? 'canceled' : 'active',
      version,
      entitlements: { ...PLAN_ENTITLEMENTS[plan], ...limits },
      changedAt: at.toISOString(),
    },
  });
}

/**
 * Publishes billing's entitlements events to the topic crm's consumer reads (keyed by organization, as
 * billing's relay does) and waits until each is handled.
 */
export async function publishEntitlements(
  crm: CrmService,
  topicPrefix: string,
  ...events: Array<CatalogEvent<'billing.entitlements.changed.v1'>>
): Promise<void> {
  await crm.messaging.producer.send(
    topicName('billing.entitlements', topicPrefix),
    events.map(toKafkaMessage),
  );
  for (const event of events) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const row = await crm.database.processedEvent.findUnique({
        where: { consumerGroup_eventId: { consumerGroup: ENTITLEMENTS_GROUP, eventId: event.id } },
      });
      if (row) break;
      if (Date.now() > deadline) throw new Error(`event ${event.id} was not handled within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
