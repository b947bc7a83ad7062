import type { ListSpec } from '@platform/service-kit';

/**
 * How interaction lists filter and sort (the API's InteractionFilter and InteractionOrderField, see
 * interaction.graphql) over the interactions table: the organization's list through `listPage`, a
 * contact's timeline through `pagesByParent` with the same filter. Only interactions of live contacts
 * are listed (a deleted contact's timeline goes with it); the live interactions, or with `deleted` the
 * deleted ones (to restore them). Subject and content are encrypted, so no filter or sort reads them.
 */
export function interactionListSpec(options: { deleted: boolean }): ListSpec {
  return {
    table: 'interactions',
    where: `t.deleted_at IS ${options.deleted ? 'NOT NULL' : 'NULL'}
      AND t.contact_id IN (SELECT c.id FROM contacts c WHERE c.deleted_at IS NULL)`,
    customFieldsColumn: 'custom_fields',
    customFieldSort: 'CUSTOM_FIELD',
    filters: {
      id: { column: 'id', type: 'uuid' },
      contactId: { column: 'contact_id', type: 'uuid' },
      threadId: { column: 'thread_id', type: 'uuid' },
      parentInteractionId: { column: 'parent_interaction_id', type: 'uuid', nullable: true },
      type: { column: 'type', type: 'enum' },
      channel: { column: 'channel', type: 'enum' },
      direction: { column: 'direction', type: 'enum' },
      status: { column: 'status', type: 'enum' },
      priority: { column: 'priority', type: 'enum' },
      privacyLevel: { column: 'privacy_level', type: 'enum' },
      sentimentLabel: { column: 'sentiment_label', type: 'enum', nullable: true },
      assignedToId: { column: 'assigned_to_id', type: 'uuid', nullable: true },
      createdById: { column: 'created_by_id', type: 'uuid' },
      companyId: { column: 'company_id', type: 'uuid', nullable: true },
      dealId: { column: 'deal_id', type: 'uuid', nullable: true },
      tags: { column: 'tags', type: 'text[]' },
      occurredAt: { column: 'occurred_at', type: 'timestamptz' },
      scheduledFor: { column: 'scheduled_for', type: 'timestamptz', nullable: true },
      followUpBy: { column: 'follow_up_by', type: 'timestamptz', nullable: true },
      durationSeconds: { column: 'duration_seconds', type: 'int', nullable: true },
      createdAt: { column: 'created_at', type: 'timestamptz' },
      updatedAt: { column: 'updated_at', type: 'timestamptz' },
    },
    sorts: {
      OCCURRED_AT: { column: 'occurred_at', type: 'timestamptz' },
      CREATED_AT: { column: 'created_at', type: 'timestamptz' },
      UPDATED_AT: { column: 'updated_at', type: 'timestamptz' },
      SCHEDULED_FOR: { column: 'scheduled_for', type: 'timestamptz', nullable: true },
      FOLLOW_UP_BY: { column: 'follow_up_by', type: 'timestamptz', nullable: true },
      DURATION_SECONDS: { column: 'duration_seconds', type: 'int', nullable: true },
    },
  };
}
