import { InputIssues } from '@platform/domain';
import { domainErrorOf } from '@platform/domain/testing';
import {
  asSeenBy,
  checkInteractionFields,
  deleteInteraction,
  draftInteraction,
  effectivePrivacyLevel,
  mayReadContent,
  recordInteraction,
  restoreInteraction,
  threadOf,
  updateInteraction,
  type CreateInteractionInput,
  type Interaction,
  type ParentInteraction,
} from '../../src/modules/interaction/domain/interaction';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const OTHER_ORGANIZATION = '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f';
const SIGNED_IN_USER = '5d1e8c3a-7b24-4f6e-9c0d-1a2b3c4d5e6f';
const COLLEAGUE = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const MANAGER = '3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7';
const CONTACT = '6c5b4a39-2817-4f6e-8d5c-4b3a29180f7e';
const OTHER_CONTACT = '8e7d6c5b-4a39-4281-9f6e-5d4c3b2a1908';
const INTERACTION = '7f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190';
const ROOT = '4d3c2b1a-0f9e-4d8c-b7a6-f5e4d3c2b1a0';
const PARENT = '1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9';
const CREATED = new Date('2026-11-30T09:30:00.000Z');
const LATER = new Date('2026-11-30T11:00:00.000Z');

const READ = ['interactions:read'];

function drafted(input: Partial<CreateInteractionInput> = {}, parent: ParentInteraction | null = null) {
  const issues = new InputIssues();
  const interaction = draftInteraction(
    { id: INTERACTION, organizationId: ORGANIZATION, createdById: SIGNED_IN_USER },
    { contactId: CONTACT, type: 'Email', direction: 'Inbound', channel: 'Email', ...input },
    parent,
    CREATED,
    issues,
  );
  // Only a draft without problems is recorded (its event checks its data).
  const events = issues.list.length === 0 ? recordInteraction(interaction).events : [];
  return { interaction, events, issues: issues.list };
}

const anInteraction = (overrides: Partial<Interaction> = {}): Interaction => ({
  ...drafted().interaction,
  ...overrides,
});

describe('draftInteraction', () => {
  it('records an interaction with 000’s defaults and a PII-free creation event', () => {
    const { interaction, events, issues } = drafted({
      subject: '  Property inquiry ',
      content: 'Hello,\n  I am interested in 123 Main St.\n',
      tags: ['FollowUp', ' FollowUp ', 'HighValue'],
      participants: [{ role: 'sender', contactId: CONTACT, name: 'John Smith', email: 'john@example.com' }],
    });
    expect(issues).toEqual([]);
    expect(interaction).toMatchObject({
      id: INTERACTION,
      contactId: CONTACT,
      parentInteractionId: null,
      threadId: INTERACTION,
      status: 'Completed',
      priority: 'Normal',
      privacyLevel: 'Internal',
      subject: 'Property inquiry',
      // Content keeps its formatting.
      content: 'Hello,\n  I am interested in 123 Main St.\n',
      occurredAt: CREATED,
      tags: ['FollowUp', 'HighValue'],
      version: 1,
      followUpRequired: false,
      isRead: false,
      deletedAt: null,
      participants: [
        { role: 'sender', contactId: CONTACT, userId: null, name: 'John Smith', email: 'john@example.com' },
      ],
    });
    const [event] = events;
    expect(event?.type).toBe('crm.interaction.created.v1');
    expect(event?.data).toEqual({
      interactionId: INTERACTION,
      organizationId: ORGANIZATION,
      contactId: CONTACT,
      type: 'Email',
      channel: 'Email',
      direction: 'Inbound',
      status: 'Completed',
      privacyLevel: 'Internal',
      occurredAt: CREATED.toISOString(),
      parentInteractionId: null,
      threadId: INTERACTION,
      assignedToId: null,
      createdById: SIGNED_IN_USER,
      createdAt: CREATED.toISOString(),
    });
    expect(JSON.stringify(event)).not.toMatch(/Property|Main St|John|example\.com|FollowUp/);
  });

  it('places a timed interaction at its start and derives its duration', () => {
    const startedAt = new Date('2026-11-29T14:00:00.000Z');
    const endedAt = new Date('2026-11-29T14:30:00.000Z');
    const { interaction, issues } = drafted({ type: 'Call', channel: 'Phone', startedAt, endedAt });
    expect(issues).toEqual([]);
    expect(interaction).toMatchObject({ occurredAt: startedAt, durationSeconds: 1800 });
    // An explicit occurredAt and duration win.
    const occurredAt = new Date('2026-11-29T15:00:00.000Z');
    expect(drafted({ startedAt, endedAt, occurredAt, durationSeconds: 60 }).interaction).toMatchObject({
      occurredAt,
      durationSeconds: 60,
    });
  });

  it('reports every problem of an input at once, by field', () => {
    const { issues } = drafted({
      contactId: 'not-a-uuid',
      subject: 'x'.repeat(1001),
      sentimentScore: 1.5,
      durationSeconds: -1,
      startedAt: new Date('2026-11-29T14:30:00.000Z'),
      endedAt: new Date('2026-11-29T14:00:00.000Z'),
      vectorEmbedding: [0.1, Number.NaN],
      tags: ['ok', ''],
      participants: [{ role: '', email: 'nope', userId: 'x' }],
      relatedEntities: [{ type: 'property', id: ' ' }],
      attachments: [{ name: 'contract.pdf', size: -5 }],
      actionItems: [{ text: 'Schedule showing', assignedToId: 'me' }],
      externalIds: { salesforce: 42 },
      assignedToId: 'someone',
      occurredAt: new Date('0000-06-01T00:00:00.000Z'),
    });
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      [
        'contactId',
        'subject',
        'sentimentScore',
        'durationSeconds',
        'endedAt',
        'vectorEmbedding',
        'tags.1',
        'participants.0.role',
        'participants.0.email',
        'participants.0.userId',
        'relatedEntities.0.id',
        'attachments.0.size',
        'actionItems.0.assignedToId',
        'externalIds.salesforce',
        'assignedToId',
        'occurredAt',
      ].sort(),
    );
  });

  it('requires a type, direction and channel', () => {
    const { issues } = drafted({ type: null, direction: null, channel: null });
    expect(issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining(['type', 'direction', 'channel']),
    );
  });
});

describe('threading', () => {
  const parent: ParentInteraction = {
    id: PARENT,
    organizationId: ORGANIZATION,
    contactId: CONTACT,
    threadId: ROOT,
  };

  it('joins the parent’s thread, whose id is the first interaction’s', () => {
    const { interaction, events, issues } = drafted({ parentInteractionId: PARENT }, parent);
    expect(issues).toEqual([]);
    expect(interaction).toMatchObject({ parentInteractionId: PARENT, threadId: ROOT });
    expect(events[0]?.data).toMatchObject({ parentInteractionId: PARENT, threadId: ROOT });
  });

  it('starts a thread of its own without a parent', () => {
    const issues = new InputIssues();
    expect(threadOf(INTERACTION, ORGANIZATION, CONTACT, null, null, issues)).toEqual({
      parentInteractionId: null,
      threadId: INTERACTION,
    });
  });

  it('refuses a parent of another contact, another organization, or none at all', () => {
    const pathsOf = (found: ParentInteraction | null, parentId = PARENT) => {
      const issues = new InputIssues();
      threadOf(INTERACTION, ORGANIZATION, CONTACT, parentId, found, issues);
      return issues.list.map((issue) => `${issue.path} ${issue.message}`);
    };
    expect(pathsOf({ ...parent, contactId: OTHER_CONTACT })).toEqual([
      'parentInteractionId is an interaction of another contact',
    ]);
    expect(pathsOf({ ...parent, organizationId: OTHER_ORGANIZATION })).toEqual([
      'parentInteractionId is not an interaction of the organization',
    ]);
    expect(pathsOf(null)).toEqual(['parentInteractionId is not an interaction of the organization']);
    expect(pathsOf(null, 'nope')).toEqual(['parentInteractionId must be a UUID']);
  });
});

describe('updateInteraction', () => {
  it('applies the changes, bumps the version and names the changed fields, never their values', () => {
    const current = anInteraction({ subject: 'Old subject', tags: ['a'] });
    const issues = new InputIssues();
    const changes = checkInteractionFields(
      { subject: 'New subject', content: 'Secret words', tags: ['a'], status: 'Snoozed' },
      issues,
    );
    expect(issues.list).toEqual([]);
    const { interaction, events } = updateInteraction(current, changes, 1, COLLEAGUE, LATER, issues);
    expect(interaction).toMatchObject({
      subject: 'New subject',
      content: 'Secret words',
      status: 'Snoozed',
      version: 2,
      updatedById: COLLEAGUE,
      updatedAt: LATER,
    });
    const [event] = events;
    expect(event?.type).toBe('crm.interaction.updated.v1');
    expect(event?.data).toMatchObject({ changedFields: ['status', 'subject', 'content'], version: 2 });
    expect(JSON.stringify(event)).not.toMatch(/Secret|New subject/);
  });

  it('fails with CONFLICT when the interaction moved on since it was read', () => {
    const current = anInteraction({ version: 3 });
    const error = domainErrorOf(() =>
      updateInteraction(current, { subject: 'x' }, 2, COLLEAGUE, LATER, new InputIssues()),
    );
    expect(error.code).toBe('CONFLICT');
    expect(error.details).toEqual({ expectedVersion: 2, currentVersion: 3 });
  });

  it('keeps the version and publishes nothing when nothing changes', () => {
    const current = anInteraction({ subject: 'Same' });
    const { interaction, events } = updateInteraction(
      current,
      { subject: 'Same', tags: [] },
      1,
      COLLEAGUE,
      LATER,
      new InputIssues(),
    );
    expect(events).toEqual([]);
    expect(interaction).toBe(current);
  });

  it('refuses to clear what every interaction has, and an end before the start', () => {
    const issues = new InputIssues();
    checkInteractionFields({ type: null, privacyLevel: null, isRead: null, subject: null }, issues);
    expect(issues.list.map((issue) => issue.path)).toEqual(['type', 'privacyLevel', 'isRead']);
    const started = anInteraction({ startedAt: new Date('2026-11-29T14:00:00.000Z') });
    const error = domainErrorOf(() =>
      updateInteraction(
        started,
        { endedAt: new Date('2026-11-29T13:00:00.000Z') },
        1,
        COLLEAGUE,
        LATER,
        new InputIssues(),
      ),
    );
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.details).toMatchObject({ issues: [{ path: 'endedAt' }] });
  });

  it('recomputes the duration when the times change', () => {
    const timed = anInteraction({
      startedAt: new Date('2026-11-29T14:00:00.000Z'),
      endedAt: new Date('2026-11-29T14:10:00.000Z'),
      durationSeconds: 600,
    });
    const { interaction } = updateInteraction(
      timed,
      { endedAt: new Date('2026-11-29T15:00:00.000Z') },
      1,
      COLLEAGUE,
      LATER,
      new InputIssues(),
    );
    expect(interaction.durationSeconds).toBe(3600);
  });
});

describe('deleteInteraction and restoreInteraction', () => {
  it('soft-deletes and restores, each a new version with its event', () => {
    const live = anInteraction();
    const deleted = deleteInteraction(live, COLLEAGUE, LATER);
    expect(deleted.interaction).toMatchObject({ deletedAt: LATER, version: 2, updatedById: COLLEAGUE });
    expect(deleted.events[0]?.type).toBe('crm.interaction.deleted.v1');
    expect(domainErrorOf(() => deleteInteraction(deleted.interaction, COLLEAGUE, LATER)).code).toBe(
      'CONFLICT',
    );
    const restored = restoreInteraction(deleted.interaction, SIGNED_IN_USER, LATER);
    expect(restored.interaction).toMatchObject({ deletedAt: null, version: 3 });
    expect(restored.events[0]?.data).toMatchObject({ restoredById: SIGNED_IN_USER, version: 3 });
    expect(domainErrorOf(() => restoreInteraction(live, COLLEAGUE, LATER)).code).toBe('CONFLICT');
  });
});

describe('who may read the content (privacy level and tags)', () => {
  const by = (userId: string, permissions: string[] = READ) => ({ userId, permissions });

  it('takes the strictest of the level and the privacy tags, never loosening it', () => {
    expect(effectivePrivacyLevel({ privacyLevel: 'Public', tags: ['crm', 'VIP'] })).toBe('Public');
    expect(effectivePrivacyLevel({ privacyLevel: 'Internal', tags: ['private'] })).toBe('Private');
    expect(effectivePrivacyLevel({ privacyLevel: 'Internal', tags: ['Personal'] })).toBe('Confidential');
    expect(effectivePrivacyLevel({ privacyLevel: 'Public', tags: ['CONFIDENTIAL'] })).toBe('Confidential');
    expect(effectivePrivacyLevel({ privacyLevel: 'Confidential', tags: ['PRIVATE'] })).toBe('Confidential');
  });

  it('shows Public and Internal content to everyone with interactions:read, and nothing without it', () => {
    for (const privacyLevel of ['Public', 'Internal'] as const) {
      const interaction = anInteraction({ privacyLevel });
      expect(mayReadContent(by(MANAGER), interaction)).toBe(true);
      expect(mayReadContent(by(SIGNED_IN_USER, ['contacts:read']), interaction)).toBe(false);
    }
  });

  it('shows Private content to its creator, its assignee and holders of contacts:read_pii', () => {
    const interaction = anInteraction({ privacyLevel: 'Private', assignedToId: COLLEAGUE });
    expect(mayReadContent(by(SIGNED_IN_USER), interaction)).toBe(true);
    expect(mayReadContent(by(COLLEAGUE), interaction)).toBe(true);
    expect(mayReadContent(by(MANAGER), interaction)).toBe(false);
    expect(mayReadContent(by(MANAGER, [...READ, 'contacts:read_pii']), interaction)).toBe(true);
    // The PRIVATE tag does the same to an Internal interaction.
    const tagged = anInteraction({ tags: ['PRIVATE'] });
    expect(mayReadContent(by(MANAGER), tagged)).toBe(false);
    expect(mayReadContent(by(MANAGER, [...READ, 'contacts:read_pii']), tagged)).toBe(true);
  });

  it('shows Confidential content (or PERSONAL-tagged) to its creator and assignee only', () => {
    const everything = [...READ, 'contacts:read_pii'];
    for (const interaction of [
      anInteraction({ privacyLevel: 'Confidential', assignedToId: COLLEAGUE }),
      anInteraction({ tags: ['personal'], assignedToId: COLLEAGUE }),
    ]) {
      expect(mayReadContent(by(SIGNED_IN_USER), interaction)).toBe(true);
      expect(mayReadContent(by(COLLEAGUE), interaction)).toBe(true);
      expect(mayReadContent(by(MANAGER, everything), interaction)).toBe(false);
      expect(mayReadContent({ userId: null, permissions: everything }, interaction)).toBe(false);
    }
  });

  it('withholds the content and everything quoting it, keeping the metadata', () => {
    const interaction = anInteraction({
      privacyLevel: 'Confidential',
      subject: 'Divorce settlement',
      content: 'Confidential terms',
      summary: 'About the settlement',
      sentimentScore: -0.4,
      sentimentLabel: 'Negative',
      vectorEmbedding: [0.1, 0.2],
      channelData: { email: { from: 'x@example.com' } },
      participants: [{ role: 'sender', contactId: CONTACT, userId: null, name: 'X', email: null }],
      actionItems: [
        {
          id: null,
          text: 'Call the lawyer',
          status: 'pending',
          assignedToId: null,
          dueBy: null,
          completedAt: null,
        },
      ],
      customFields: { note: 'secret' },
      tags: ['legal'],
    });
    const hidden = asSeenBy(by(MANAGER), interaction);
    expect(hidden).toMatchObject({
      id: INTERACTION,
      type: 'Email',
      privacyLevel: 'Confidential',
      effectivePrivacyLevel: 'Confidential',
      occurredAt: CREATED,
      tags: ['legal'],
      contentHidden: true,
      subject: null,
      content: null,
      summary: null,
      sentimentScore: null,
      sentimentLabel: null,
      vectorEmbedding: [],
      channelData: null,
      participants: [],
      actionItems: [],
      customFields: {},
    });
    expect(JSON.stringify(hidden)).not.toMatch(/Divorce|terms|settlement|lawyer|secret|example\.com/);
    expect(asSeenBy(by(SIGNED_IN_USER), interaction)).toMatchObject({
      contentHidden: false,
      subject: 'Divorce settlement',
      content: 'Confidential terms',
    });
  });
});
