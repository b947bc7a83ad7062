import type { EventConsumer } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import { startTenantConsumer, type FieldCipher, type ServiceStartOptions } from '@platform/service-kit';
import type { Prisma } from '../generated/prisma/client';
import {
  applyLeadScore,
  openLeadPayload,
  recordLeadMessage,
  replayParkedLeads,
} from '../modules/contact/infra/lead-capture';
import { applyEntitlements } from '../modules/custom-field/infra/entitlements';
import type { CrmDependencies } from '../service';

/** Consumer group of leads from conversations; also its key in processed_events. */
export const LEADS_GROUP = 'crm.leads';

type Transaction = Prisma.TransactionClient;

/**
 * Leads from conversations (topic conversations.lead, keyed by conversation, so a conversation's
 * messages and scores come in order): each conversations.lead.message.v1 is opened with the transit
 * keyring and becomes the conversation's contact (matched or created as a Lead) and an interaction on
 * its timeline; each conversations.lead.scored.v1 puts hot/warm/cold and the signal codes on that
 * contact. Idempotent per event (processed_events) and per message (lead_message_interactions). Leads
 * parked at the plan's contact limit are replayed when billing's entitlements change.
 */
export function startLeadsConsumer(
  dependencies: CrmDependencies,
  transit: FieldCipher,
  messaging: Messaging,
  options: ServiceStartOptions,
): Promise<EventConsumer> {
  const logger = dependencies.logger.child({ component: 'leads' });
  return startTenantConsumer<Transaction>(dependencies, messaging, options, {
    groupId: LEADS_GROUP,
    handlers: {
      'conversations.lead.message.v1': async (event, tx) => {
        const payload = openLeadPayload(transit, event.data.organizationId, event.id, event.data.sealed);
        const result = await recordLeadMessage(tx, dependencies.cipher, {
          id: event.id,
          data: event.data,
          payload,
        });
        if (result.outcome === 'parked') {
          // Counted and kept (parked_lead_events), never dropped: the organization is at its plan's limit.
          logger.warn(
            { eventId: event.id, conversationId: event.data.conversationId, reason: result.reason },
            'lead parked',
          );
        }
      },
      'conversations.lead.scored.v1': async (event, tx) => {
        await applyLeadScore(tx, event.data, logger);
      },
      // A plan change may make room for parked leads. The entitlements are applied here too (idempotent
      // by version, whichever group comes first), so the replay sees the new limit.
      'billing.entitlements.changed.v1': async (event, tx) => {
        await applyEntitlements(tx, {
          organizationId: event.data.organizationId,
          subscriptionId: event.data.subscriptionId,
          planId: event.data.planId,
          contactLimit: event.data.entitlements.contactLimit,
          customFieldLimit: event.data.entitlements.customFieldLimit,
          version: event.data.version,
          at: new Date(event.data.changedAt),
        });
        const replayed = await replayParkedLeads(
          tx,
          dependencies.cipher,
          transit,
          event.data.organizationId,
          logger,
        );
        if (replayed > 0)
          logger.info({ organizationId: event.data.organizationId, replayed }, 'parked leads replayed');
      },
    },
  });
}
