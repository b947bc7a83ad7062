import { randomUUID } from 'node:crypto';
import { isDomainError } from '@platform/domain';
import {
  archiveKey,
  archiveSlice,
  archiveStoredEvent,
  droppablePartitions,
  partitionMonth,
  periodName,
  retentionCutoff,
} from '../../src/modules/retention/domain/retention';
import {
  decodeArchive,
  encodeArchive,
  mergeArchivedRows,
  sha256Hex,
} from '../../src/modules/retention/infra/archive-codec';
import {
  changeConversationSettings,
  defaultConversationSettings,
} from '../../src/modules/settings/domain/conversation-settings';

const utc = (iso: string) => new Date(iso);

describe('retention rules', () => {
  it('cuts off at the start of the UTC day minus the retention in whole days', () => {
    expect(retentionCutoff(utc('2012-01-15T10:30:00Z'), 30)).toEqual(utc('2011-12-16T00:00:00Z'));
    expect(retentionCutoff(utc('2012-01-15T00:00:00Z'), 90)).toEqual(utc('2011-10-17T00:00:00Z'));
    // Late in the day or just after midnight: the same cutoff all day long.
    expect(retentionCutoff(utc('2012-01-15T23:59:59.999Z'), 1)).toEqual(utc('2012-01-14T00:00:00Z'));
    // Leap day counted.
    expect(retentionCutoff(utc('2012-03-01T12:00:00Z'), 1)).toEqual(utc('2012-02-29T00:00:00Z'));
  });

  it('archives a month whole when it ended before the cutoff, up to the cutoff when the cutoff falls in it', () => {
    const cutoff = utc('2011-12-16T00:00:00Z');
    expect(archiveSlice(utc('2011-07-01T00:00:00Z'), cutoff)).toEqual({
      from: utc('2011-07-01T00:00:00Z'),
      to: utc('2011-08-01T00:00:00Z'),
    });
    expect(archiveSlice(utc('2011-12-01T00:00:00Z'), cutoff)).toEqual({
      from: utc('2011-12-01T00:00:00Z'),
      to: cutoff,
    });
    expect(archiveSlice(utc('2011-12-16T00:00:00Z'), utc('2011-12-16T00:00:00Z'))).toEqual({
      from: utc('2011-12-01T00:00:00Z'),
      to: utc('2011-12-16T00:00:00Z'),
    });
    expect(archiveSlice(utc('2012-01-01T00:00:00Z'), cutoff)).toBeNull();
    expect(archiveSlice(utc('2011-12-01T00:00:00Z'), utc('2011-12-01T00:00:00Z'))).toBeNull();
  });

  it('names months and keys under the organization’s prefix', () => {
    const organization = randomUUID();
    expect(periodName(utc('2011-07-01T00:00:00Z'))).toBe('2011-07');
    expect(archiveKey(organization, utc('2011-12-01T00:00:00Z'))).toBe(
      `${organization}/archives/messages/2011-12.jsonl.gz`,
    );
  });

  it('reads partition months from their names and ignores anything else', () => {
    expect(partitionMonth('messages_2011_07')).toEqual(utc('2011-07-01T00:00:00Z'));
    expect(partitionMonth('messages_2011_13')).toBeNull();
    expect(partitionMonth('messages_default')).toBeNull();
    expect(partitionMonth('message_keys')).toBeNull();
  });

  it('lets only whole months older than the longest retention go, oldest first', () => {
    const names = [
      'messages_2011_11',
      'messages_2011_07',
      'messages_2011_09',
      'messages_2011_10',
      'messages_x',
    ];
    // Longest 90 days at 2012-01-15: bound 2011-10-17 — September ended before it, October did not.
    expect(droppablePartitions(names, utc('2012-01-15T10:00:00Z'), 90).map(periodName)).toEqual([
      '2011-07',
      '2011-09',
    ]);
    // A longer retention somewhere keeps them all.
    expect(droppablePartitions(names, utc('2012-01-15T10:00:00Z'), 365)).toEqual([]);
    // The month ending exactly at the bound may go.
    expect(
      droppablePartitions(['messages_2011_09'], utc('2011-10-31T08:00:00Z'), 30).map(periodName),
    ).toEqual(['2011-09']);
  });

  it('announces a stored archive with its size now, kind archive, no names', () => {
    const organizationId = randomUUID();
    const archive = {
      id: randomUUID(),
      organizationId,
      period: utc('2011-07-01T00:00:00Z'),
      messageCount: 3,
      sizeBytes: 512,
      storageKey: archiveKey(organizationId, utc('2011-07-01T00:00:00Z')),
      checksum: 'a'.repeat(64),
      createdAt: utc('2012-01-15T10:00:00Z'),
      updatedAt: utc('2012-01-15T10:00:00Z'),
    };
    const event = archiveStoredEvent(archive, utc('2012-01-15T10:00:00Z'));
    expect(event).toMatchObject({
      type: 'conversations.storage_object.changed.v1',
      subject: archive.id,
      tenantid: organizationId,
      data: { objectId: archive.id, organizationId, kind: 'archive', sizeBytes: 512, deleted: false },
    });
    expect(JSON.stringify(event.data)).not.toContain('archives/');
  });
});

describe('archive format', () => {
  const row = (id: string, sentAt: string, text = 'hi') => ({
    id,
    sent_at: sentAt,
    text,
    extra_column: { sealed: 'v1:abc' },
  });

  it('round-trips rows as gzip JSON Lines, every column kept, with a checksum of the bytes', async () => {
    const rows = [
      row(randomUUID(), '2011-07-05T10:00:00+00:00'),
      row(randomUUID(), '2011-07-20T10:00:00+00:00', 'ünïcode ✓'),
    ];
    const { body, checksum } = await encodeArchive(rows);
    expect(body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(checksum).toBe(sha256Hex(body));
    expect(await decodeArchive(body)).toEqual(rows);
  });

  it('refuses bytes that are not an archive', async () => {
    await expect(decodeArchive(Buffer.from('plain'))).rejects.toThrow('not gzip');
    const { body } = await encodeArchive([]);
    expect(await decodeArchive(body)).toEqual([]);
  });

  it('merges new rows into an archive once per id, in (sent_at, id) order', () => {
    const a = row('00000000-0000-4000-8000-000000000001', '2011-07-05T10:00:00+00:00');
    const b = row('00000000-0000-4000-8000-000000000002', '2011-07-01T10:00:00+00:00');
    const c = row('00000000-0000-4000-8000-000000000003', '2011-07-05T10:00:00+00:00');
    const again = { ...a, text: 'as stored now' };
    expect(mergeArchivedRows([a, b], [again, c])).toEqual([b, again, c]);
  });
});

describe('conversation settings rules', () => {
  const organizationId = randomUUID();
  const now = utc('2026-11-30T10:00:00Z');

  it('defaults to 90 days and no auto-send', () => {
    expect(defaultConversationSettings(organizationId)).toEqual({
      organizationId,
      messageRetentionDays: 90,
      autoSendThreshold: null,
      updatedAt: null,
      updatedBy: null,
    });
  });

  it('changes only the fields given; null turns auto-sending off', () => {
    const user = randomUUID();
    const first = changeConversationSettings(
      defaultConversationSettings(organizationId),
      { autoSendThreshold: 0.85 },
      user,
      now,
    );
    expect(first).toEqual({
      organizationId,
      messageRetentionDays: 90,
      autoSendThreshold: 0.85,
      updatedAt: now,
      updatedBy: user,
    });
    const second = changeConversationSettings(first, { messageRetentionDays: 30 }, user, now);
    expect(second).toMatchObject({ messageRetentionDays: 30, autoSendThreshold: 0.85 });
    expect(
      changeConversationSettings(second, { autoSendThreshold: null }, user, now).autoSendThreshold,
    ).toBeNull();
    expect(
      changeConversationSettings(second, { messageRetentionDays: 1 }, user, now).messageRetentionDays,
    ).toBe(1);
    expect(
      changeConversationSettings(second, { messageRetentionDays: 3650, autoSendThreshold: 0 }, user, now),
    ).toMatchObject({
      messageRetentionDays: 3650,
      autoSendThreshold: 0,
    });
  });

  it('reports every out-of-range field at once (BAD_USER_INPUT)', () => {
    const attempt = (change: Parameters<typeof changeConversationSettings>[1]) => {
      try {
        changeConversationSettings(defaultConversationSettings(organizationId), change, null, now);
      } catch (error) {
        if (isDomainError(error)) return { code: error.code, details: error.details };
        throw error;
      }
      return null;
    };
    const both = attempt({ messageRetentionDays: 0, autoSendThreshold: 1.5 });
    expect(both?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(both?.details)).toContain('messageRetentionDays');
    expect(JSON.stringify(both?.details)).toContain('autoSendThreshold');
    expect(attempt({ messageRetentionDays: 3651 })?.code).toBe('BAD_USER_INPUT');
    expect(attempt({ messageRetentionDays: 2.5 })?.code).toBe('BAD_USER_INPUT');
    expect(attempt({ messageRetentionDays: null })?.code).toBe('BAD_USER_INPUT');
    expect(attempt({ autoSendThreshold: -0.01 })?.code).toBe('BAD_USER_INPUT');
    expect(attempt({ autoSendThreshold: 0.855 })?.code).toBe('BAD_USER_INPUT');
    expect(attempt({ autoSendThreshold: 0.07 })).toBeNull();
  });
});
