import { z } from 'zod';
import { auditEntry } from './audit';
import { entry, timestamp, uuid } from './schema';

/** Events crm publishes, and the enums they carry (crm's domain uses these values). */

export const RELATIONSHIP_STATES = [
  'Lead',
  'Prospect',
  'Client',
  'PastClient',
  'Vendor',
  'Partner',
  'Internal',
  'System',
] as const;

const contactCreatedData = z
  .object({
    contactId: uuid(),
    organizationId: uuid(),
    ownerId: uuid().nullable().describe('The user who owns the contact, if any.'),
    relationshipState: z
      .enum(RELATIONSHIP_STATES)
      .describe('Where the contact stands with the organization.'),
    tags: z.array(z.string().min(1)),
    createdAt: timestamp(),
  })
  .describe(
    'A contact was created. Carries no PII (no names, emails or phones): subscribers that need them ' +
      'fetch the contact through the graph, where entitlements and audit apply.',
  );

export const crmEvents = {
  'crm.contact.created.v1': entry(
    'crm.contact.created.v1',
    'crm.contact',
    'A contact was created. PII-free: names, emails and phones stay in crm. Published by crm.',
    contactCreatedData,
  ),
  'crm.audit.recorded.v1': auditEntry('crm'),
} as const;
