import type { EventConsumer } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import type { ConversationsDependencies } from '../service';

/** Consumer group of the contact → company copy; also its key in processed_events. */
export const CONTACT_COMPANIES_GROUP = 'conversations.contact-companies';

/** Keeps a contact's company at its newest version (a late or redelivered event changes nothing). */
export async function applyContactCompany(
  tx: Prisma.TransactionClient,
  change: { organizationId: string; contactId: string; companyId: string | null; version: number; at: Date },
): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO contact_companies (organization_id, contact_id, company_id, version, updated_at)
    VALUES (${change.organizationId}::uuid, ${change.contactId}::uuid, ${change.companyId}::uuid, ${change.version}, ${change.at})
    ON CONFLICT (organization_id, contact_id) DO UPDATE
      SET company_id = EXCLUDED.company_id, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
      WHERE contact_companies.version < EXCLUDED.version`;
}

/**
 * The inbox's company filter needs to know which company each contact belongs to; crm owns that and
 * says it in `crm.contact.created.v1` (version 1) and `crm.contact.updated.v1` (with the version).
 */
export function startContactCompaniesConsumer(
  dependencies: ConversationsDependencies,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  return startTenantConsumer<Prisma.TransactionClient>(dependencies, messaging, options, {
    groupId: CONTACT_COMPANIES_GROUP,
    handlers: {
      'crm.contact.created.v1': async (event, tx) => {
        await applyContactCompany(tx, {
          organizationId: event.data.organizationId,
          contactId: event.data.contactId,
          companyId: event.data.companyId,
          version: 1,
          at: new Date(event.data.createdAt),
        });
      },
      'crm.contact.updated.v1': async (event, tx) => {
        await applyContactCompany(tx, {
          organizationId: event.data.organizationId,
          contactId: event.data.contactId,
          companyId: event.data.companyId,
          version: event.data.version,
          at: new Date(event.data.updatedAt),
        });
      },
    },
  });
}
