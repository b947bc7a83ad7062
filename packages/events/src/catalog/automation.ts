import { z } from 'zod';
import { aiUsageRecordedData } from './ai-usage';
import { auditEntry } from './audit';
import { entry, timestamp, uuid } from './schema';

/** Events automation publishes, and the enums they carry (its domain uses these values). */

export const WORKFLOW_STATUSES = ['draft', 'active', 'paused', 'archived'] as const;

const workflowCreatedData = z
  .object({
    workflowId: uuid(),
    organizationId: uuid(),
    triggerEventType: z.string().min(1).describe('The event type that starts a run.'),
    status: z.enum(WORKFLOW_STATUSES),
    version: z.number().int().positive(),
    createdBy: uuid().nullable().describe('The user who created it, if a user did.'),
    createdAt: timestamp(),
  })
  .describe('A workflow was created.');

const workflowStatusChangedData = z
  .object({
    workflowId: uuid(),
    organizationId: uuid(),
    from: z.enum(WORKFLOW_STATUSES).describe('The status before.'),
    to: z.enum(WORKFLOW_STATUSES).describe('The status after.'),
    version: z.number().int().positive().describe('The workflow version after the change.'),
    changedBy: uuid().nullable().describe('The user who changed it, if a user did.'),
    changedAt: timestamp(),
  })
  .describe('A workflow moved along its lifecycle (draft → active ⇄ paused → archived).');

export const automationEvents = {
  'automation.workflow.created.v1': entry(
    'automation.workflow.created.v1',
    'automation.workflow',
    'A workflow was created. Published by automation.',
    workflowCreatedData,
  ),
  'automation.workflow.status_changed.v1': entry(
    'automation.workflow.status_changed.v1',
    'automation.workflow',
    "A workflow's status changed. Published by automation.",
    workflowStatusChangedData,
  ),
  'automation.ai_usage.recorded.v1': entry(
    'automation.ai_usage.recorded.v1',
    'automation.ai_usage',
    'An AI task of an agent or a workflow ended: its tokens, provider and model. No content. Published by automation.',
    aiUsageRecordedData,
  ),
  'automation.audit.recorded.v1': auditEntry('automation'),
} as const;
