import type { ListSpec } from '@platform/service-kit';

/**
 * How the deal list filters and sorts (the API's DealFilter and DealOrderField, see deal.graphql) over
 * the deals table: one statement per page whatever the filter and order (the kit's listPage).
 */
export const DEAL_LIST_SPEC: ListSpec = {
  table: 'deals',
  where: 't.deleted_at IS NULL',
  customFieldsColumn: 'custom_fields',
  customFieldSort: 'CUSTOM_FIELD',
  filters: {
    id: { column: 'id', type: 'uuid' },
    name: { column: 'name', type: 'text' },
    pipelineId: { column: 'pipeline_id', type: 'uuid' },
    stageId: { column: 'stage_id', type: 'uuid' },
    status: { column: 'status', type: 'enum' },
    ownerId: { column: 'owner_id', type: 'uuid', nullable: true },
    contactId: { column: 'contact_id', type: 'uuid', nullable: true },
    companyId: { column: 'company_id', type: 'uuid', nullable: true },
    amount: { column: 'amount', type: 'numeric', nullable: true },
    currency: { column: 'currency', type: 'text' },
    probability: { column: 'probability', type: 'int' },
    expectedCloseDate: { column: 'expected_close_date', type: 'date', nullable: true },
    actualCloseDate: { column: 'actual_close_date', type: 'date', nullable: true },
    tags: { column: 'tags', type: 'text[]' },
    createdAt: { column: 'created_at', type: 'timestamptz' },
    updatedAt: { column: 'updated_at', type: 'timestamptz' },
  },
  sorts: {
    CREATED_AT: { column: 'created_at', type: 'timestamptz' },
    UPDATED_AT: { column: 'updated_at', type: 'timestamptz' },
    NAME: { column: 'name', type: 'text' },
    AMOUNT: { column: 'amount', type: 'numeric', nullable: true },
    EXPECTED_CLOSE_DATE: { column: 'expected_close_date', type: 'date', nullable: true },
    PROBABILITY: { column: 'probability', type: 'int' },
  },
};
