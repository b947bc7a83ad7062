import { defineModule } from '@platform/service-kit';
import type { ConversationsDependencies } from '../../service';

/**
 * Leads: every message of a customer conversation goes to crm sealed (conversations.lead.message.v1),
 * where the participant becomes a contact (a Lead when new) and the message an entry of its timeline;
 * crm's answer (crm.contact.lead_linked.v1) sets the conversation's contact (src/consumers/lead-links.ts).
 * No graph of its own.
 */
export type LeadModuleContext = Record<never, never>;

export const leadModule = defineModule<ConversationsDependencies, LeadModuleContext>({
  resolvers: {},
  context: () => () => ({}),
});
