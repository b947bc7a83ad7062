import { InputIssues } from '@platform/domain';
import { CONSENT_PURPOSES } from '@platform/events/catalog';
import { domainErrorOf } from '@platform/domain/testing';
import {
  checkConsentChange,
  checkSourceDetails,
  decideConsent,
  nextChangeTime,
  normalizeIpAddress,
  purposesToWithdraw,
  transitionProblem,
  type ConsentChange,
  type ConsentPurpose,
  type ConsentSource,
  type ConsentStatus,
  type ContactConsent,
} from '../../src/modules/consent/domain/consent';
import {
  applyPreferences,
  checkPreferencesChanges,
  defaultPreferences,
  withinFrequencyCap,
  type ContactPreferences,
  type PreferencesInput,
} from '../../src/modules/consent/domain/preferences';
import {
  canReceive,
  isUnsubscribed,
  marketingChannels,
  reachability,
  subscriptionEvents,
  subscriptionOf,
  withinCommunicationHours,
  type ConsentView,
} from '../../src/modules/consent/domain/reachability';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const CONTACT = '7f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190';
const USER = '5d1e8c3a-7b24-4f6e-9c0d-1a2b3c4d5e6f';
const ENTRY = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const NOW = new Date('2026-11-30T14:00:00.000Z');
const EARLIER = new Date('2026-11-01T09:00:00.000Z');

const context = { organizationId: ORGANIZATION, contactId: CONTACT, by: USER, at: NOW, newId: () => ENTRY };

const aConsent = (overrides: Partial<ContactConsent> = {}): ContactConsent => ({
  organizationId: ORGANIZATION,
  contactId: CONTACT,
  purpose: 'marketing',
  status: 'granted',
  source: 'form',
  sourceDetails: {},
  capturedAt: EARLIER,
  policyVersion: null,
  ipHash: null,
  recordedBy: USER,
  updatedAt: EARLIER,
  ...overrides,
});

const aChange = (
  overrides: Partial<ConsentChange & { ipHash: string | null }> = {},
): ConsentChange & { ipHash: string | null } => ({
  purpose: 'marketing',
  status: 'granted',
  source: 'form',
  sourceDetails: {},
  capturedAt: null,
  policyVersion: null,
  ipAddress: null,
  ipHash: null,
  ...overrides,
});

const views = (entries: Partial<Record<ConsentPurpose, ConsentStatus>>): ConsentView[] =>
  CONSENT_PURPOSES.flatMap((purpose) => {
    const status = entries[purpose];
    return status ? [{ purpose, status }] : [];
  });

const prefs = (overrides: Partial<ContactPreferences> = {}): ContactPreferences => ({
  ...defaultPreferences(ORGANIZATION, CONTACT),
  ...overrides,
});

function checked(input: Partial<Parameters<typeof checkConsentChange>[0]> = {}) {
  const issues = new InputIssues();
  const change = checkConsentChange(
    { purpose: 'marketing', status: 'granted', source: 'form', ...input },
    NOW,
    issues,
  );
  return { change, issues: issues.list };
}

describe('consent rules', () => {
  describe('checking a change', () => {
    it('reports every problem of the input at once, by field', () => {
      const { issues } = checked({
        status: 'granted',
        source: 'unsubscribe_link',
        capturedAt: new Date(NOW.getTime() + 3_600_000),
        policyVersion: 'v'.repeat(33),
        ipAddress: '300.1.1.1',
        sourceDetails: { campaign: 'summer', email: 'x', contact: 'ada@example.com', nested: { a: 1 } },
      });
      expect(issues.map((issue) => issue.path).sort()).toEqual(
        [
          'capturedAt',
          'ipAddress',
          'policyVersion',
          'sourceDetails.contact',
          'sourceDetails.email',
          'sourceDetails.nested',
          'status',
        ].sort(),
      );
    });

    it('keeps a clean change as given: trimmed version, canonical address, capture time', () => {
      const { change, issues } = checked({
        policyVersion: ' 1.2 ',
        ipAddress: ' 2001:DB8:0:0:0:0:0:1 ',
        capturedAt: EARLIER,
        sourceDetails: {
          campaign: 'summer2024',
          medium: 'email',
          step: 2,
          confirmed: true,
          form: '2024-06-01',
        },
      });
      expect(issues).toEqual([]);
      expect(change).toMatchObject({
        policyVersion: '1.2',
        ipAddress: '2001:db8::1',
        capturedAt: EARLIER,
        sourceDetails: {
          campaign: 'summer2024',
          medium: 'email',
          step: 2,
          confirmed: true,
          form: '2024-06-01',
        },
      });
    });

    it('records a capture time a few minutes ahead (a fast client clock) as now', () => {
      expect(checked({ capturedAt: new Date(NOW.getTime() + 60_000) }).change.capturedAt).toBeNull();
    });

    it('lets an unsubscribe link only withdraw and a double opt-in only grant', () => {
      expect(checked({ source: 'unsubscribe_link', status: 'withdrawn' }).issues).toEqual([]);
      const refused = checked({ source: 'double_opt_in', status: 'denied' }).issues;
      expect(refused.map((issue) => issue.path)).toEqual(['status']);
      expect(refused[0]?.message).toMatch(/double opt-in/);
    });

    it('refuses source details that could carry the contact', () => {
      const issues = new InputIssues();
      const details = checkSourceDetails(issues, {
        phone_number: '1',
        ipAddress: '1',
        note: '+1 (555) 123-4567',
        from: '10.0.0.1',
        'bad key': 'x',
        long: 'x'.repeat(201),
        keyword: 'STOP',
      });
      expect(issues.list.map((issue) => issue.path).sort()).toEqual(
        [
          'sourceDetails.bad key',
          'sourceDetails.from',
          'sourceDetails.ipAddress',
          'sourceDetails.long',
          'sourceDetails.note',
          'sourceDetails.phone_number',
        ].sort(),
      );
      expect(details).toEqual({ keyword: 'STOP' });
    });

    it('normalises IP addresses to one form, so one address always hashes alike', () => {
      expect(normalizeIpAddress('192.0.2.7')).toBe('192.0.2.7');
      expect(normalizeIpAddress('::FFFF:192.0.2.7')).toBe('192.0.2.7');
      expect(normalizeIpAddress('2001:0db8:0000::0001')).toBe('2001:db8::1');
      expect(normalizeIpAddress('192.0.2.256')).toBeNull();
      expect(normalizeIpAddress('fe80::1%eth0')).toBeNull();
      expect(normalizeIpAddress('not an address')).toBeNull();
    });
  });

  describe('transitions', () => {
    const explicit: ConsentSource[] = ['form', 'preference_center', 'inbound_message', 'user'];
    const implicit: ConsentSource[] = ['import', 'api'];

    it('lets anything be recorded first, unknown and an unsubscribe included', () => {
      for (const to of ['unknown', 'pending', 'granted', 'denied', 'withdrawn'] as const) {
        expect(transitionProblem(null, to, 'import')).toBeNull();
        expect(transitionProblem('unknown', to, 'api')).toBeNull();
      }
    });

    it('needs the contact’s own act to bring back a refused consent', () => {
      for (const from of ['withdrawn', 'denied'] as const) {
        for (const to of ['granted', 'pending'] as const) {
          for (const source of explicit) expect(transitionProblem(from, to, source)).toBeNull();
          for (const source of implicit) expect(transitionProblem(from, to, source)).toMatch(/own act/);
        }
      }
    });

    it('confirms a pending consent only by the contact’s act, a double opt-in above all', () => {
      expect(transitionProblem('pending', 'granted', 'double_opt_in')).toBeNull();
      expect(transitionProblem('pending', 'granted', 'form')).toBeNull();
      expect(transitionProblem('pending', 'granted', 'import')).toMatch(/confirming a pending consent/);
      expect(transitionProblem('pending', 'denied', 'import')).toBeNull();
      expect(transitionProblem('pending', 'withdrawn', 'api')).toBeNull();
    });

    it('takes a double opt-in confirmation only for a pending consent', () => {
      for (const from of [null, 'unknown', 'denied', 'withdrawn'] as const)
        expect(transitionProblem(from, 'granted', 'double_opt_in')).toMatch(/needs a pending consent/);
    });

    it('never resets a decision to unknown, nor denies or re-asks a granted consent', () => {
      for (const from of ['pending', 'granted', 'denied', 'withdrawn'] as const)
        expect(transitionProblem(from, 'unknown', 'user')).toMatch(/never reset/);
      expect(transitionProblem('granted', 'denied', 'user')).toMatch(/withdrawn, not denied/);
      expect(transitionProblem('granted', 'pending', 'form')).toMatch(/needs no confirmation/);
      expect(transitionProblem('granted', 'withdrawn', 'unsubscribe_link')).toBeNull();
    });

    it('records a change with its history entry and a PII-free event', () => {
      const decision = decideConsent(
        aConsent({ status: 'withdrawn' }),
        aChange({ sourceDetails: { campaign: 'winter' }, policyVersion: '2.0', ipHash: 'h'.repeat(64) }),
        context,
      );
      if (!decision.changed) throw new Error('expected a change');
      expect(decision.consent).toMatchObject({
        status: 'granted',
        source: 'form',
        capturedAt: NOW,
        updatedAt: NOW,
        recordedBy: USER,
        ipHash: 'h'.repeat(64),
      });
      expect(decision.entry).toMatchObject({
        id: ENTRY,
        from: 'withdrawn',
        to: 'granted',
        createdAt: NOW,
        changedBy: USER,
        sourceDetails: { campaign: 'winter' },
      });
      expect(decision.event.type).toBe('crm.contact.consent_changed.v1');
      expect(decision.event.subject).toBe(CONTACT);
      expect(decision.event.data).toEqual({
        contactId: CONTACT,
        organizationId: ORGANIZATION,
        purpose: 'marketing',
        from: 'withdrawn',
        to: 'granted',
        source: 'form',
        capturedAt: NOW.toISOString(),
        changedBy: USER,
        occurredAt: NOW.toISOString(),
      });
    });

    it('changes nothing when the status is the one recorded', () => {
      const current = aConsent();
      expect(decideConsent(current, aChange({ source: 'import' }), context)).toEqual({
        changed: false,
        consent: current,
      });
    });

    it('refuses a refused move with CONFLICT naming from, to and source', () => {
      const error = domainErrorOf(() =>
        decideConsent(aConsent({ status: 'withdrawn' }), aChange({ source: 'import' }), context),
      );
      expect(error.code).toBe('CONFLICT');
      expect(error.details).toEqual({
        purpose: 'marketing',
        from: 'withdrawn',
        to: 'granted',
        source: 'import',
      });
    });

    it('refuses a decision captured before the recorded one (a stale sync)', () => {
      const error = domainErrorOf(() =>
        decideConsent(
          aConsent({ status: 'granted', capturedAt: NOW }),
          aChange({ status: 'withdrawn', capturedAt: EARLIER }),
          context,
        ),
      );
      expect(error.code).toBe('CONFLICT');
      expect(error.details).toEqual({ purpose: 'marketing', capturedAt: NOW.toISOString() });
    });

    it('gives a contact’s changes strictly increasing times', () => {
      expect(nextChangeTime(NOW, null)).toEqual(NOW);
      expect(nextChangeTime(NOW, EARLIER)).toEqual(NOW);
      expect(nextChangeTime(NOW, NOW)).toEqual(new Date(NOW.getTime() + 1));
      const ahead = new Date(NOW.getTime() + 5);
      expect(nextChangeTime(NOW, ahead)).toEqual(new Date(NOW.getTime() + 6));
    });
  });

  describe('unsubscribing', () => {
    it('withdraws a channel’s consent, recording it even when none was', () => {
      expect(purposesToWithdraw([], 'sms')).toEqual(['sms_marketing']);
      expect(purposesToWithdraw(views({ sms_marketing: 'granted' }), 'sms')).toEqual(['sms_marketing']);
      expect(purposesToWithdraw(views({ sms_marketing: 'denied' }), 'sms')).toEqual([]);
    });

    it('withdraws marketing and every granted or pending channel when no channel is named', () => {
      expect(
        purposesToWithdraw(
          views({
            marketing: 'granted',
            email_marketing: 'granted',
            sms_marketing: 'pending',
            phone_marketing: 'denied',
            whatsapp_marketing: 'unknown',
            ai_processing: 'granted',
          }),
          null,
        ),
      ).toEqual(['marketing', 'email_marketing', 'sms_marketing']);
      expect(purposesToWithdraw(views({ marketing: 'withdrawn' }), null)).toEqual([]);
    });
  });
});

describe('reachability: canReceive', () => {
  const at = NOW;
  const granted = views({ marketing: 'granted' });

  it.each([
    // consents, preferences, channel, kind, allowed, blockedBy
    ['nothing recorded, transactional', {}, {}, 'email', 'transactional', true, null],
    ['nothing recorded, marketing', {}, {}, 'email', 'marketing', false, 'no_consent'],
    [
      'general granted covers a channel without its own',
      { marketing: 'granted' },
      {},
      'sms',
      'marketing',
      true,
      null,
    ],
    [
      'general granted, channel unknown',
      { marketing: 'granted', sms_marketing: 'unknown' },
      {},
      'sms',
      'marketing',
      true,
      null,
    ],
    [
      'the channel’s own grant is enough',
      { email_marketing: 'granted' },
      {},
      'email',
      'marketing',
      true,
      null,
    ],
    ['…for that channel only', { email_marketing: 'granted' }, {}, 'sms', 'marketing', false, 'no_consent'],
    [
      'a pending channel is not granted',
      { marketing: 'granted', sms_marketing: 'pending' },
      {},
      'sms',
      'marketing',
      false,
      'no_consent',
    ],
    [
      'pending general alone is not granted',
      { marketing: 'pending' },
      {},
      'email',
      'marketing',
      false,
      'no_consent',
    ],
    [
      'a withdrawn channel wins over the general grant',
      { marketing: 'granted', sms_marketing: 'withdrawn' },
      {},
      'sms',
      'marketing',
      false,
      'consent_refused',
    ],
    [
      'a withdrawn general wins over the channel’s grant',
      { marketing: 'withdrawn', email_marketing: 'granted' },
      {},
      'email',
      'marketing',
      false,
      'consent_refused',
    ],
    [
      'a denied general refuses too',
      { marketing: 'denied' },
      {},
      'mail',
      'marketing',
      false,
      'consent_refused',
    ],
    [
      'transactional ignores refused marketing',
      { marketing: 'withdrawn' },
      {},
      'email',
      'transactional',
      true,
      null,
    ],
    [
      'do-not-contact stops transactional',
      { marketing: 'granted' },
      { doNotContact: true },
      'email',
      'transactional',
      false,
      'do_not_contact',
    ],
    [
      'do-not-contact stops marketing',
      { marketing: 'granted' },
      { doNotContact: true },
      'email',
      'marketing',
      false,
      'do_not_contact',
    ],
    [
      'a blocked channel stops transactional',
      {},
      { blockedChannels: ['sms'] },
      'sms',
      'transactional',
      false,
      'channel_blocked',
    ],
    [
      'a blocked channel stops granted marketing',
      { marketing: 'granted' },
      { blockedChannels: ['sms'] },
      'sms',
      'marketing',
      false,
      'channel_blocked',
    ],
    [
      'other channels stay open',
      { marketing: 'granted' },
      { blockedChannels: ['sms'] },
      'email',
      'marketing',
      true,
      null,
    ],
    [
      'other purposes do not count for marketing',
      { ai_processing: 'granted', data_sharing: 'granted' },
      {},
      'email',
      'marketing',
      false,
      'no_consent',
    ],
  ] as const)('%s', (_name, consents, preferences, channel, kind, allowed, blockedBy) => {
    const view = { ...prefs(), ...preferences };
    const decision = reachability(views(consents), view, channel, kind, at, 'UTC');
    expect(decision).toEqual({ allowed, blockedBy });
    expect(canReceive(views(consents), view, channel, kind, at, 'UTC')).toBe(allowed);
  });

  it('sends marketing only within the communication hours, in the contact’s time zone', () => {
    const hours = { startMinute: 9 * 60, endMinute: 17 * 60, days: ['monday' as const] };
    // 2026-11-30 is a Monday: 14:00 UTC is 09:00 in New York and 23:00 in Tokyo.
    expect(
      reachability(
        granted,
        prefs({ communicationHours: hours }),
        'email',
        'marketing',
        at,
        'America/New_York',
      ),
    ).toEqual({
      allowed: true,
      blockedBy: null,
    });
    expect(
      reachability(granted, prefs({ communicationHours: hours }), 'email', 'marketing', at, 'Asia/Tokyo'),
    ).toEqual({
      allowed: false,
      blockedBy: 'outside_communication_hours',
    });
    // Transactional messages do not wait for the hours.
    expect(
      canReceive(granted, prefs({ communicationHours: hours }), 'email', 'transactional', at, 'Asia/Tokyo'),
    ).toBe(true);
    // Without a zone the hours are read in UTC (14:00 on Monday).
    expect(canReceive(granted, prefs({ communicationHours: hours }), 'email', 'marketing', at, null)).toBe(
      true,
    );
    expect(
      canReceive(granted, prefs({ communicationHours: hours }), 'email', 'marketing', at, 'Not/AZone'),
    ).toBe(true);
  });

  it('reads hours that span midnight as belonging to the day they start on', () => {
    const night = { startMinute: 22 * 60, endMinute: 2 * 60, days: ['sunday' as const] };
    // Sunday 23:00 and Monday 01:00 UTC are in; Monday 23:00 is not (Monday is no start day).
    expect(withinCommunicationHours(night, new Date('2026-11-29T23:00:00Z'), 'UTC')).toBe(true);
    expect(withinCommunicationHours(night, new Date('2026-11-30T01:00:00Z'), 'UTC')).toBe(true);
    expect(withinCommunicationHours(night, new Date('2026-11-30T02:00:00Z'), 'UTC')).toBe(false);
    expect(withinCommunicationHours(night, new Date('2026-11-30T23:00:00Z'), 'UTC')).toBe(false);
  });

  it('lists the channels marketing may use and tells unsubscribed contacts from unasked ones', () => {
    expect(marketingChannels(views({ marketing: 'granted', sms_marketing: 'withdrawn' }), null)).toEqual([
      'email',
      'phone',
      'whatsapp',
      'social',
      'mail',
    ]);
    expect(isUnsubscribed([], null)).toBe(false);
    expect(isUnsubscribed(views({ email_marketing: 'withdrawn' }), null)).toBe(true);
    expect(isUnsubscribed(views({ marketing: 'withdrawn' }), prefs())).toBe(true);
    expect(isUnsubscribed(views({ marketing: 'granted', sms_marketing: 'withdrawn' }), prefs())).toBe(false);
    expect(isUnsubscribed([], prefs({ doNotContact: true }))).toBe(true);
    // A channel blocked by someone never asked is no unsubscribe; one they had consented to is.
    expect(isUnsubscribed([], prefs({ blockedChannels: ['sms'] }))).toBe(false);
    expect(isUnsubscribed(views({ email_marketing: 'granted' }), prefs({ blockedChannels: ['email'] }))).toBe(
      true,
    );
  });

  it('publishes unsubscribed for lost channels and resubscribed for gained ones', () => {
    const where = { organizationId: ORGANIZATION, contactId: CONTACT, at };
    const before = subscriptionOf(views({ marketing: 'granted' }), null);
    const after = subscriptionOf(views({ marketing: 'granted', sms_marketing: 'withdrawn' }), null);
    const [lost, ...rest] = subscriptionEvents(before, after, where);
    expect(rest).toEqual([]);
    expect(lost?.type).toBe('crm.contact.unsubscribed.v1');
    expect(lost?.data).toEqual({
      contactId: CONTACT,
      organizationId: ORGANIZATION,
      channels: ['sms'],
      marketingChannels: ['email', 'phone', 'whatsapp', 'social', 'mail'],
      unsubscribed: false,
      occurredAt: at.toISOString(),
    });
    const back = subscriptionEvents(after, before, where);
    expect(back.map((event) => [event.type, event.data.channels])).toEqual([
      ['crm.contact.resubscribed.v1', ['sms']],
    ]);
    // Nothing reachable before or after, but now unsubscribed: still flagged.
    const flagged = subscriptionEvents(
      subscriptionOf([], null),
      subscriptionOf(views({ marketing: 'withdrawn' }), null),
      where,
    );
    expect(flagged.map((event) => [event.type, event.data.channels, event.data.unsubscribed])).toEqual([
      ['crm.contact.unsubscribed.v1', [], true],
    ]);
    expect(subscriptionEvents(before, before, where)).toEqual([]);
  });
});

describe('preferences', () => {
  function changes(input: PreferencesInput) {
    const issues = new InputIssues();
    return { changes: checkPreferencesChanges(input, issues), issues };
  }

  it('reports every problem of the input at once, by field', () => {
    const { issues } = changes({
      channels: [
        { channel: 'sms', allowed: false },
        { channel: 'sms', allowed: true },
      ],
      language: 'not a language tag!',
      communicationHours: { start: '9:00', end: '24:00', days: [] },
      marketingFrequencyCap: { maxMessages: 0, period: 'week' },
      doNotContact: null,
    });
    expect(issues.list.map((issue) => issue.path)).toEqual([
      'channels.1.channel',
      'language',
      'communicationHours.start',
      'communicationHours.end',
      'communicationHours.days',
      'marketingFrequencyCap.maxMessages',
      'doNotContact',
    ]);
  });

  it('applies the changes given, names the changed fields and publishes them without values', () => {
    const { changes: checked, issues } = changes({
      channels: [
        { channel: 'sms', allowed: false },
        { channel: 'email', allowed: true },
      ],
      preferredChannel: 'email',
      language: 'fr-ca',
      communicationHours: { start: '18:00', end: '08:30', days: ['friday', 'monday', 'friday'] },
      marketingFrequencyCap: { maxMessages: 2, period: 'week' },
    });
    expect(issues.list.map((issue) => issue.path)).toEqual(['communicationHours.days']);
    const clean = changes({
      channels: [{ channel: 'sms', allowed: false }],
      preferredChannel: 'email',
      language: 'fr-ca',
      communicationHours: { start: '18:00', end: '08:30', days: ['friday', 'monday'] },
      marketingFrequencyCap: { maxMessages: 2, period: 'week' },
    });
    expect(checked.language).toBe('fr-CA');
    const applied = applyPreferences(prefs(), clean.changes, { by: USER, at: NOW }, clean.issues);
    expect(clean.issues.list).toEqual([]);
    expect(applied.preferences).toMatchObject({
      blockedChannels: ['sms'],
      preferredChannel: 'email',
      language: 'fr-CA',
      communicationHours: { startMinute: 1080, endMinute: 510, days: ['monday', 'friday'] },
      marketingFrequencyCap: { maxMessages: 2, period: 'week' },
      doNotContact: false,
      updatedBy: USER,
      updatedAt: NOW,
    });
    expect(applied.changedFields).toEqual([
      'channels',
      'preferredChannel',
      'language',
      'communicationHours',
      'marketingFrequencyCap',
    ]);
    expect(applied.events.map((event) => event.data)).toEqual([
      {
        contactId: CONTACT,
        organizationId: ORGANIZATION,
        changedFields: applied.changedFields,
        doNotContact: false,
        changedBy: USER,
        occurredAt: NOW.toISOString(),
      },
    ]);
  });

  it('changes nothing and publishes nothing when the values are the ones recorded', () => {
    const current = prefs({ blockedChannels: ['sms'], doNotContact: true, updatedAt: EARLIER });
    const { changes: checked, issues } = changes({
      channels: [{ channel: 'sms', allowed: false }],
      doNotContact: true,
    });
    const applied = applyPreferences(current, checked, { by: USER, at: NOW }, issues);
    expect(applied).toEqual({ preferences: current, changedFields: [], events: [] });
  });

  it('keeps the preferred channel among the channels the contact accepts', () => {
    const blocking = changes({ channels: [{ channel: 'email', allowed: false }] });
    applyPreferences(
      prefs({ preferredChannel: 'email' }),
      blocking.changes,
      { by: USER, at: NOW },
      blocking.issues,
    );
    expect(blocking.issues.list.map((issue) => issue.path)).toEqual(['preferredChannel']);
    const both = changes({ channels: [{ channel: 'email', allowed: false }], preferredChannel: 'sms' });
    applyPreferences(prefs({ preferredChannel: 'email' }), both.changes, { by: USER, at: NOW }, both.issues);
    expect(both.issues.list).toEqual([]);
  });

  it('clears optional preferences with null', () => {
    const current = prefs({
      preferredChannel: 'sms',
      language: 'en-US',
      communicationHours: { startMinute: 540, endMinute: 1020, days: ['monday'] },
      marketingFrequencyCap: { maxMessages: 3, period: 'month' },
    });
    const { changes: checked, issues } = changes({
      preferredChannel: null,
      language: null,
      communicationHours: null,
      marketingFrequencyCap: null,
    });
    const { preferences } = applyPreferences(current, checked, { by: USER, at: NOW }, issues);
    expect(preferences).toMatchObject({
      preferredChannel: null,
      language: null,
      communicationHours: null,
      marketingFrequencyCap: null,
    });
  });

  it('lets a sender check the frequency cap with its own count', () => {
    expect(withinFrequencyCap(null, 1_000)).toBe(true);
    const capped = prefs({ marketingFrequencyCap: { maxMessages: 2, period: 'week' } });
    expect(withinFrequencyCap(capped, 1)).toBe(true);
    expect(withinFrequencyCap(capped, 2)).toBe(false);
  });
});
