/**
 * Message retention (issue #11, 001): raw messages older than the organization's retention are archived
 * (one archive per organization and month) and deleted, and monthly partitions that no organization
 * needs any more are dropped. The rules here; no Prisma, storage or Kafka.
 */
import { createEvent, type CloudEvent, type EventData } from '@platform/events/catalog';
import { EVENT_SOURCE } from '../../conversation/domain/conversation';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The moment before which an organization's messages are past retention at `now`: the start of now's
 * UTC day minus the retention in days. Whole days, so an hourly job archives a month's new slice once a
 * day (not every hour), and a message is kept at least `days` days and less than `days + 1`.
 */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(dayStart - retentionDays * DAY_MS);
}

/** The first instant of the UTC month of `date`. */
export function monthOf(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
}

/** The first instant of the month after `month`'s. */
export function nextMonth(month: Date): Date {
  return new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1));
}

/** `2019-07`: how a month is named in keys and in the graph. */
export function periodName(month: Date): string {
  return `${month.getUTCFullYear()}-${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * Which of a month's messages are past retention: those sent in [from, to), to = the earlier of the
 * month's end and the cutoff. Null when none of the month is (it starts at or after the cutoff).
 */
export function archiveSlice(month: Date, cutoff: Date): { from: Date; to: Date } | null {
  const from = monthOf(month);
  if (from.getTime() >= cutoff.getTime()) return null;
  const end = nextMonth(from);
  return { from, to: end.getTime() < cutoff.getTime() ? end : cutoff };
}

/** Where a month's archive of an organization lives in object storage (under the organization's prefix). */
export function archiveKey(organizationId: string, month: Date): string {
  return `${organizationId}/archives/messages/${periodName(month)}.jsonl.gz`;
}

const PARTITION = /^messages_(\d{4})_(\d{2})$/;

/** The month a `messages_yyyy_mm` partition holds, or null for any other name. */
export function partitionMonth(name: string): Date | null {
  const match = PARTITION.exec(name);
  if (!match) return null;
  const month = Number(match[2]);
  if (month < 1 || month > 12) return null;
  return new Date(Date.UTC(Number(match[1]), month - 1, 1));
}

/**
 * The partitions the job may try to drop at `now`: whole months that end at or before the cutoff of the
 * longest retention in use, oldest first. Whether one is empty for every organization is the database's
 * to check (drop_message_partition locks it, looks, and keeps it otherwise).
 */
export function droppablePartitions(
  names: readonly string[],
  now: Date,
  longestRetentionDays: number,
): Date[] {
  const bound = retentionCutoff(now, longestRetentionDays).getTime();
  return names
    .map(partitionMonth)
    .filter((month): month is Date => month !== null && nextMonth(month).getTime() <= bound)
    .sort((a, b) => a.getTime() - b.getTime());
}

/** A month of an organization's messages archived to object storage. */
export interface MessageArchive {
  id: string;
  organizationId: string;
  /** The first instant of the month (UTC). */
  period: Date;
  messageCount: number;
  sizeBytes: number;
  storageKey: string;
  /** SHA-256 of the stored object, hex. */
  checksum: string;
  createdAt: Date;
  updatedAt: Date;
}

export type StorageObjectChanged = CloudEvent<
  'conversations.storage_object.changed.v1',
  EventData<'conversations.storage_object.changed.v1'>
>;

/** conversations.storage_object.changed.v1 for an archive stored or grown: its size now (billing meters it). */
export function archiveStoredEvent(archive: MessageArchive, now: Date): StorageObjectChanged {
  return createEvent('conversations.storage_object.changed.v1', {
    source: EVENT_SOURCE,
    subject: archive.id,
    tenantId: archive.organizationId,
    time: now,
    data: {
      objectId: archive.id,
      organizationId: archive.organizationId,
      kind: 'archive',
      sizeBytes: archive.sizeBytes,
      deleted: false,
      changedAt: now.toISOString(),
    },
  });
}
