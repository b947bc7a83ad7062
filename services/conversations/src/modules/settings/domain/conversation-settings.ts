/** Conversation settings per organization: message retention and the auto-send threshold. No Prisma or GraphQL. */
import { InputIssues } from '@platform/domain';

/** 001: raw social messages are kept 90 days unless the organization says otherwise. */
export const DEFAULT_MESSAGE_RETENTION_DAYS = 90;
export const MIN_MESSAGE_RETENTION_DAYS = 1;
/** Ten years: longer is not retention any more. */
export const MAX_MESSAGE_RETENTION_DAYS = 3650;

export interface ConversationSettings {
  organizationId: string;
  /** Raw messages older than this many days are archived to object storage and deleted. */
  messageRetentionDays: number;
  /**
   * Drafted replies whose confidence is at least this (0..1, hundredths) are approved and sent without a
   * person; null: drafted replies are never sent automatically.
   */
  autoSendThreshold: number | null;
  /** Null while the organization runs on the defaults. */
  updatedAt: Date | null;
  updatedBy: string | null;
}

/** The settings of an organization that never changed them. */
export function defaultConversationSettings(organizationId: string): ConversationSettings {
  return {
    organizationId,
    messageRetentionDays: DEFAULT_MESSAGE_RETENTION_DAYS,
    autoSendThreshold: null,
    updatedAt: null,
    updatedBy: null,
  };
}

/** A change: an absent field stays as it is; `autoSendThreshold: null` turns auto-sending off. */
export interface ConversationSettingsChange {
  messageRetentionDays?: number | null;
  autoSendThreshold?: number | null;
}

/**
 * Applies a change, every out-of-range field reported at once (BAD_USER_INPUT). The threshold is kept
 * in hundredths (the column is numeric(3,2)): 0.855 is refused rather than silently rounded.
 */
export function changeConversationSettings(
  current: ConversationSettings,
  change: ConversationSettingsChange,
  userId: string | null,
  now: Date,
): ConversationSettings {
  const issues = new InputIssues();
  let retention = current.messageRetentionDays;
  if (change.messageRetentionDays !== undefined) {
    const days = change.messageRetentionDays;
    if (
      days === null ||
      !Number.isInteger(days) ||
      days < MIN_MESSAGE_RETENTION_DAYS ||
      days > MAX_MESSAGE_RETENTION_DAYS
    ) {
      issues.add(
        'messageRetentionDays',
        `must be a whole number of days, ${MIN_MESSAGE_RETENTION_DAYS}–${MAX_MESSAGE_RETENTION_DAYS}`,
      );
    } else {
      retention = days;
    }
  }
  let threshold = current.autoSendThreshold;
  if (change.autoSendThreshold !== undefined) {
    const value = change.autoSendThreshold;
    if (value === null) {
      threshold = null;
    } else if (!Number.isFinite(value) || value < 0 || value > 1) {
      issues.add('autoSendThreshold', 'must be between 0 and 1 (or null: never send automatically)');
    } else if (Math.abs(value * 100 - Math.round(value * 100)) > 1e-9) {
      issues.add('autoSendThreshold', 'must have at most two decimals');
    } else {
      threshold = Math.round(value * 100) / 100;
    }
  }
  issues.throwIfAny();
  return {
    organizationId: current.organizationId,
    messageRetentionDays: retention,
    autoSendThreshold: threshold,
    updatedAt: now,
    updatedBy: userId,
  };
}
