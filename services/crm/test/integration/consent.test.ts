import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { startCrmService } from '../../src/service';
import { crmOptions, sealed } from '../support';

// The consent module against real PostgreSQL through the crm subgraph: consents set, withdrawn and
// granted again with every change in the history, in order, even under concurrent writes; double
// opt-in; unsubscribing one channel or all; preferences; events in the outbox with no personal data;
// other organizations' and deleted contacts not found; every problem of an input at once; and the
// consent fields of a list of contacts costing the same statements for 10 contacts as for 100.

const CONSENT_FIELDS = `purpose status source sourceDetails capturedAt policyVersion ipAddressRecorded
  recordedBy { id } updatedAt`;
const PREFERENCE_FIELDS = `channels { channel allowed } preferredChannel language
  communicationHours { start end days } marketingFrequencyCap { maxMessages period } doNotContact
  updatedBy { id } updatedAt`;

interface ConsentView {
  purpose: string;
  status: string;
  source: string;
  sourceDetails: Record<string, unknown>;
  capturedAt: string;
  policyVersion: string | null;
  ipAddressRecorded: boolean;
  recordedBy: { id: string } | null;
  updatedAt: string;
}

interface HistoryView {
  purpose: string;
  from: string | null;
  to: string;
  source: string;
  changedBy: { id: string } | null;
  changedAt: string;
}

interface PreferencesView {
  channels: Array<{ channel: string; allowed: boolean }>;
  preferredChannel: string | null;
  language: string | null;
  communicationHours: { start: string; end: string; days: string[] } | null;
  marketingFrequencyCap: { maxMessages: number; period: string } | null;
  doNotContact: boolean;
  updatedBy: { id: string } | null;
  updatedAt: string | null;
}

interface ContactView {
  id: string;
  consents: ConsentView[];
  consentHistory: { totalCount: number; edges: Array<{ node: HistoryView }> };
  preferences: PreferencesView;
}

describe('consent module', () => {
  const subject = serviceUnderTest('crm', (env) => startCrmService(crmOptions(env.startOptions())));

  async function call<T>(
    auth: Partial<TestTenant> & { permissions?: string[] },
    query: string,
    variables = {},
  ) {
    const { env, service: crm } = subject;
    return env.graphql<T>(crm.graphqlUrl, query, variables, await env.headersFor(auth));
  }

  async function contactOf(organizationId: string, deleted = false): Promise<string> {
    const id = randomUUID();
    await withTenant(subject.service.database, organizationId, (tx) =>
      tx.contact.create({
        data: {
          id,
          organizationId,
          ...sealed({ id, organizationId, givenName: 'Ada' }),
          deletedAt: deleted ? new Date() : null,
        },
      }),
    );
    return id;
  }

  const setConsent = (auth: TestTenant, contactId: string, input: Record<string, unknown>) =>
    call<{ setContactConsent: ConsentView }>(
      auth,
      `mutation ($contactId: ID!, $input: SetContactConsentInput!) {
        setContactConsent(contactId: $contactId, input: $input) { ${CONSENT_FIELDS} }
      }`,
      { contactId, input },
    );

  async function consentSet(auth: TestTenant, contactId: string, input: Record<string, unknown>) {
    const { data, errors } = await setConsent(auth, contactId, input);
    expect(errors).toBeUndefined();
    if (!data) throw new Error('no consent');
    return data.setContactConsent;
  }

  const setPreferences = (auth: TestTenant, contactId: string, input: Record<string, unknown>) =>
    call<{ setContactPreferences: PreferencesView }>(
      auth,
      `mutation ($contactId: ID!, $input: SetContactPreferencesInput!) {
        setContactPreferences(contactId: $contactId, input: $input) { ${PREFERENCE_FIELDS} }
      }`,
      { contactId, input },
    );

  const unsubscribe = (auth: TestTenant, contactId: string, variables: Record<string, unknown>) =>
    call<{ unsubscribeContact: { id: string; consents: ConsentView[] } }>(
      auth,
      `mutation ($contactId: ID!, $channel: ContactChannel, $source: ConsentSource!, $sourceDetails: JSONObject) {
        unsubscribeContact(contactId: $contactId, channel: $channel, source: $source, sourceDetails: $sourceDetails) {
          id consents { ${CONSENT_FIELDS} }
        }
      }`,
      { contactId, ...variables },
    );

  async function read(auth: TestTenant, contactId: string, first = 50): Promise<ContactView> {
    const { data, errors } = await call<{ contact: ContactView }>(
      auth,
      `query ($id: ID!, $first: Int) { contact(id: $id) {
        id consents { ${CONSENT_FIELDS} }
        consentHistory(first: $first) { totalCount edges { node { purpose from to source changedBy { id } changedAt } } }
        preferences { ${PREFERENCE_FIELDS} }
      } }`,
      { id: contactId, first },
    );
    expect(errors).toBeUndefined();
    if (!data) throw new Error('no contact');
    return data.contact;
  }

  async function reach(auth: TestTenant, contactId: string, channel: string, kind: string) {
    const { data, errors } = await call<{
      contact: { reachability: { allowed: boolean; blockedBy: string | null } };
    }>(
      auth,
      `query ($id: ID!, $channel: ContactChannel!, $kind: MessageKind!) {
        contact(id: $id) { reachability(channel: $channel, kind: $kind) { allowed blockedBy } }
      }`,
      { id: contactId, channel, kind },
    );
    expect(errors).toBeUndefined();
    return data?.contact.reachability;
  }

  /** The contact's outbox rows (events and their audit entries), oldest first. */
  async function outboxOf(contactId: string, organizationId: string) {
    const client = new Client({ connectionString: subject.env.database.ownerUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{
        type: string;
        subject: string;
        payload: { data: Record<string, unknown> };
      }>(
        `SELECT event_type AS type, partition_key AS subject, payload FROM outbox_events
          WHERE partition_key = ANY($1) ORDER BY seq`,
        [[contactId, organizationId]],
      );
      return rows;
    } finally {
      await client.end();
    }
  }

  describe('consents', () => {
    it('sets, withdraws and grants again, keeping every change in the history, newest first', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      const granted = await consentSet(caller, contactId, {
        purpose: 'marketing',
        status: 'granted',
        source: 'form',
        sourceDetails: { campaign: 'summer2024', medium: 'web' },
        policyVersion: ' 1.2 ',
        ipAddress: '203.0.113.9',
        capturedAt: '2026-11-01T09:00:00.000Z',
      });
      const { updatedAt, ...recorded } = granted;
      expect(recorded).toEqual({
        purpose: 'marketing',
        status: 'granted',
        source: 'form',
        sourceDetails: { campaign: 'summer2024', medium: 'web' },
        capturedAt: '2026-11-01T09:00:00.000Z',
        policyVersion: '1.2',
        ipAddressRecorded: true,
        recordedBy: { id: caller.userId },
      });
      // Recorded now; captured when the contact filled in the form.
      expect(Date.parse(updatedAt)).toBeGreaterThan(Date.parse(recorded.capturedAt));
      await consentSet(caller, contactId, { purpose: 'ai_processing', status: 'denied', source: 'user' });
      await consentSet(caller, contactId, {
        purpose: 'marketing',
        status: 'withdrawn',
        source: 'unsubscribe_link',
      });

      // An import must not resubscribe someone who withdrew; the contact's own form may.
      const replayed = await setConsent(caller, contactId, {
        purpose: 'marketing',
        status: 'granted',
        source: 'import',
      });
      expect(replayed.errors?.[0]?.extensions).toMatchObject({
        code: 'CONFLICT',
        details: { purpose: 'marketing', from: 'withdrawn', to: 'granted', source: 'import' },
      });
      await consentSet(caller, contactId, { purpose: 'marketing', status: 'granted', source: 'form' });
      // The status already recorded: nothing changes, nothing is appended.
      await consentSet(caller, contactId, { purpose: 'marketing', status: 'granted', source: 'import' });

      const contact = await read(caller, contactId);
      expect(contact.consents.map((consent) => [consent.purpose, consent.status, consent.source])).toEqual([
        ['marketing', 'granted', 'form'],
        ['ai_processing', 'denied', 'user'],
      ]);
      // A re-grant keeps no evidence of the earlier capture.
      expect(contact.consents[0]).toMatchObject({
        policyVersion: null,
        ipAddressRecorded: false,
        sourceDetails: {},
      });
      expect(contact.consentHistory.totalCount).toBe(4);
      expect(
        contact.consentHistory.edges.map(({ node }) => [node.purpose, node.from, node.to, node.source]),
      ).toEqual([
        ['marketing', 'withdrawn', 'granted', 'form'],
        ['marketing', 'granted', 'withdrawn', 'unsubscribe_link'],
        ['ai_processing', null, 'denied', 'user'],
        ['marketing', null, 'granted', 'form'],
      ]);
      const times = contact.consentHistory.edges.map(({ node }) => Date.parse(node.changedAt));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      expect(new Set(times).size).toBe(times.length);
      expect(contact.consentHistory.edges.every(({ node }) => node.changedBy?.id === caller.userId)).toBe(
        true,
      );
    });

    it('keeps the history append-only: the service may not change or delete an entry', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      await consentSet(caller, contactId, { purpose: 'data_sharing', status: 'denied', source: 'user' });
      const client = new Client({ connectionString: subject.env.database.appUrl });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT set_config('app.organization_id', $1, true)`, [caller.organizationId]);
        await expect(
          client.query(`UPDATE contact_consent_history SET to_status = 'granted'`),
        ).rejects.toThrow(/permission denied/);
        await client.query('ROLLBACK');
        await expect(client.query(`DELETE FROM contact_consent_history`)).rejects.toThrow(
          /permission denied/,
        );
      } finally {
        await client.end();
      }
      expect((await read(caller, contactId)).consentHistory.edges.map(({ node }) => node.to)).toEqual([
        'denied',
      ]);
    });

    it('pages the history with cursors', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      for (const status of ['granted', 'withdrawn', 'granted'] as const)
        await consentSet(caller, contactId, { purpose: 'sms_marketing', status, source: 'inbound_message' });
      const first = await call<{
        contact: {
          consentHistory: {
            edges: Array<{ cursor: string; node: HistoryView }>;
            pageInfo: { hasNextPage: boolean };
          };
        };
      }>(
        caller,
        `query ($id: ID!) { contact(id: $id) { consentHistory(first: 2) { edges { cursor node { from to } } pageInfo { hasNextPage } } } }`,
        { id: contactId },
      );
      const page = first.data?.contact.consentHistory;
      expect(page?.edges.map(({ node }) => node.to)).toEqual(['granted', 'withdrawn']);
      expect(page?.pageInfo.hasNextPage).toBe(true);
      const rest = await call<{ contact: { consentHistory: { edges: Array<{ node: HistoryView }> } } }>(
        caller,
        `query ($id: ID!, $after: String) { contact(id: $id) { consentHistory(first: 2, after: $after) { edges { node { from to } } } } }`,
        { id: contactId, after: page?.edges[1]?.cursor },
      );
      expect(rest.data?.contact.consentHistory.edges.map(({ node }) => [node.from, node.to])).toEqual([
        [null, 'granted'],
      ]);
    });

    it('keeps the history a chain under concurrent changes of one contact', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, index) =>
          setConsent(caller, contactId, {
            purpose: 'email_marketing',
            status: index % 2 === 0 ? 'granted' : 'withdrawn',
            source: 'preference_center',
          }),
        ),
      );
      expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
      const contact = await read(caller, contactId);
      const oldestFirst = [...contact.consentHistory.edges].reverse().map(({ node }) => node);
      expect(oldestFirst[0]?.from).toBeNull();
      oldestFirst.slice(1).forEach((entry, index) => {
        expect(entry.from).toBe(oldestFirst[index]?.to);
        expect(entry.from).not.toBe(entry.to);
      });
      expect(contact.consents[0]?.status).toBe(oldestFirst[oldestFirst.length - 1]?.to);
    });

    it('waits for the double opt-in confirmation before marketing may go out', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      await consentSet(caller, contactId, { purpose: 'email_marketing', status: 'pending', source: 'form' });
      expect(await reach(caller, contactId, 'email', 'marketing')).toEqual({
        allowed: false,
        blockedBy: 'no_consent',
      });
      expect(await reach(caller, contactId, 'email', 'transactional')).toEqual({
        allowed: true,
        blockedBy: null,
      });
      const confirmed = await consentSet(caller, contactId, {
        purpose: 'email_marketing',
        status: 'granted',
        source: 'double_opt_in',
      });
      expect(confirmed.status).toBe('granted');
      expect(await reach(caller, contactId, 'email', 'marketing')).toEqual({
        allowed: true,
        blockedBy: null,
      });
      expect(await reach(caller, contactId, 'sms', 'marketing')).toEqual({
        allowed: false,
        blockedBy: 'no_consent',
      });
      // A confirmation without a pending consent is refused.
      const stray = await setConsent(caller, contactId, {
        purpose: 'sms_marketing',
        status: 'granted',
        source: 'double_opt_in',
      });
      expect(stray.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    });

    it('checks a given IP address against the recorded one, for callers who may read personal data', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      await consentSet(caller, contactId, {
        purpose: 'privacy_policy',
        status: 'granted',
        source: 'form',
        ipAddress: '2001:db8::7',
      });
      const query = `query ($id: ID!) { contact(id: $id) { consents {
        same: capturedFromIp(ipAddress: "2001:0DB8:0:0:0:0:0:7") other: capturedFromIp(ipAddress: "2001:db8::8")
      } } }`;
      const full = await call<{
        contact: { consents: Array<{ same: boolean | null; other: boolean | null }> };
      }>(caller, query, { id: contactId });
      expect(full.data?.contact.consents).toEqual([{ same: true, other: false }]);
      const limited = await call<{ contact: { consents: Array<{ same: boolean | null }> } }>(
        { ...caller, permissions: ['contacts:read', 'contacts:write'] },
        query,
        { id: contactId },
      );
      expect(limited.data?.contact.consents).toEqual([{ same: null, other: null }]);
      // The address itself is nowhere in the database: a 64-digit hash stands in for it.
      const stored = await withTenant(subject.service.database, caller.organizationId, async (tx) =>
        JSON.stringify([
          await tx.contactConsent.findMany({ where: { contactId } }),
          await tx.contactConsentHistory.findMany({ where: { contactId } }),
        ]),
      );
      expect(stored).not.toMatch(/2001:db8::7/i);
      expect(stored).toMatch(/"ipHash":"[0-9a-f]{64}"/);
    });
  });

  describe('unsubscribing', () => {
    it('withdraws one channel, then every channel, and answers the contact', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      await consentSet(caller, contactId, { purpose: 'marketing', status: 'granted', source: 'form' });
      await consentSet(caller, contactId, {
        purpose: 'whatsapp_marketing',
        status: 'granted',
        source: 'inbound_message',
      });
      await consentSet(caller, contactId, { purpose: 'ai_processing', status: 'granted', source: 'form' });

      const sms = await unsubscribe(caller, contactId, {
        channel: 'sms',
        source: 'inbound_message',
        sourceDetails: { keyword: 'STOP' },
      });
      expect(sms.errors).toBeUndefined();
      expect(sms.data?.unsubscribeContact.id).toBe(contactId);
      expect(
        sms.data?.unsubscribeContact.consents.map((consent) => [consent.purpose, consent.status]),
      ).toEqual([
        ['marketing', 'granted'],
        ['sms_marketing', 'withdrawn'],
        ['whatsapp_marketing', 'granted'],
        ['ai_processing', 'granted'],
      ]);
      expect(await reach(caller, contactId, 'sms', 'marketing')).toEqual({
        allowed: false,
        blockedBy: 'consent_refused',
      });
      expect(await reach(caller, contactId, 'email', 'marketing')).toEqual({
        allowed: true,
        blockedBy: null,
      });

      const all = await unsubscribe(caller, contactId, { source: 'unsubscribe_link' });
      expect(
        all.data?.unsubscribeContact.consents.map((consent) => [consent.purpose, consent.status]),
      ).toEqual([
        ['marketing', 'withdrawn'],
        ['sms_marketing', 'withdrawn'],
        ['whatsapp_marketing', 'withdrawn'],
        ['ai_processing', 'granted'],
      ]);
      // No marketing channel is left by the contact's own refusal: the contact is unsubscribed.
      const statusOf = async () =>
        (
          await call<{ contact: { status: string } }>(
            caller,
            'query ($id: ID!) { contact(id: $id) { status } }',
            { id: contactId },
          )
        ).data?.contact.status;
      expect(await statusOf()).toBe('unsubscribed');
      // Again: nothing left to withdraw, nothing written.
      const eventsOf = async () =>
        (await outboxOf(contactId, caller.organizationId)).filter((row) => row.subject === contactId);
      const events = (await eventsOf()).length;
      expect((await unsubscribe(caller, contactId, { source: 'unsubscribe_link' })).errors).toBeUndefined();
      expect(await eventsOf()).toHaveLength(events);
      expect((await read(caller, contactId)).consentHistory.totalCount).toBe(6);

      const refused = await unsubscribe(caller, contactId, {
        source: 'double_opt_in',
        sourceDetails: { email: 'x' },
      });
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: { issues: [{ path: 'sourceDetails.email' }, { path: 'source' }] },
      });
      // Granting marketing again by the contact's own act makes it active again.
      await consentSet(caller, contactId, {
        purpose: 'marketing',
        status: 'granted',
        source: 'preference_center',
      });
      expect(await statusOf()).toBe('active');
    });

    it('publishes what changed, with channels and no personal data', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      const secrets = {
        campaign: 'Zanzibar',
        keyword: 'Quagmire',
        policy: 'v-Xylophone',
        ip: '198.51.100.23',
      };
      await consentSet(caller, contactId, {
        purpose: 'marketing',
        status: 'granted',
        source: 'form',
        sourceDetails: { campaign: secrets.campaign },
        policyVersion: secrets.policy,
        ipAddress: secrets.ip,
      });
      await unsubscribe(caller, contactId, {
        channel: 'email',
        source: 'inbound_message',
        sourceDetails: { keyword: secrets.keyword },
      });
      await setPreferences(caller, contactId, { doNotContact: true, language: 'fr-CA' });

      const rows = await outboxOf(contactId, caller.organizationId);
      const events = rows.filter((row) => row.subject === contactId);
      expect(events.map((row) => row.type)).toEqual([
        'crm.contact.consent_changed.v1',
        'crm.contact.resubscribed.v1',
        'crm.contact.consent_changed.v1',
        'crm.contact.unsubscribed.v1',
        'crm.contact.preferences_changed.v1',
        'crm.contact.unsubscribed.v1',
      ]);
      expect(events.map((row) => row.payload.data)).toMatchObject([
        { purpose: 'marketing', from: null, to: 'granted', source: 'form', changedBy: caller.userId },
        { channels: ['email', 'sms', 'phone', 'whatsapp', 'social', 'mail'], unsubscribed: false },
        { purpose: 'email_marketing', from: null, to: 'withdrawn', source: 'inbound_message' },
        {
          channels: ['email'],
          marketingChannels: ['sms', 'phone', 'whatsapp', 'social', 'mail'],
          unsubscribed: false,
        },
        { changedFields: ['language', 'doNotContact'], doNotContact: true },
        {
          channels: ['sms', 'phone', 'whatsapp', 'social', 'mail'],
          marketingChannels: [],
          unsubscribed: true,
        },
      ]);
      // Nothing in the outbox (events and their audit entries) carries what the contact gave.
      expect(rows.length).toBeGreaterThan(events.length);
      const written = JSON.stringify(rows);
      for (const secret of [...Object.values(secrets), 'fr-CA']) expect(written).not.toContain(secret);
    });
  });

  describe('preferences', () => {
    it('reads the defaults, then the preferences set, changing only the fields given', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      const defaults = (await read(caller, contactId)).preferences;
      expect(defaults).toEqual({
        channels: ['email', 'sms', 'phone', 'whatsapp', 'social', 'mail'].map((channel) => ({
          channel,
          allowed: true,
        })),
        preferredChannel: null,
        language: null,
        communicationHours: null,
        marketingFrequencyCap: null,
        doNotContact: false,
        updatedBy: null,
        updatedAt: null,
      });
      const { data, errors } = await setPreferences(caller, contactId, {
        channels: [
          { channel: 'sms', allowed: false },
          { channel: 'phone', allowed: false },
        ],
        preferredChannel: 'whatsapp',
        language: 'fr-ca',
        communicationHours: { start: '09:00', end: '17:30', days: ['friday', 'monday'] },
        marketingFrequencyCap: { maxMessages: 2, period: 'week' },
      });
      expect(errors).toBeUndefined();
      expect(data?.setContactPreferences).toMatchObject({
        preferredChannel: 'whatsapp',
        language: 'fr-CA',
        communicationHours: { start: '09:00', end: '17:30', days: ['monday', 'friday'] },
        marketingFrequencyCap: { maxMessages: 2, period: 'week' },
        doNotContact: false,
        updatedBy: { id: caller.userId },
      });
      const changed = await setPreferences(caller, contactId, {
        channels: [{ channel: 'phone', allowed: true }],
        communicationHours: null,
      });
      const preferences = changed.data?.setContactPreferences;
      expect(
        preferences?.channels.filter((channel) => !channel.allowed).map((channel) => channel.channel),
      ).toEqual(['sms']);
      expect(preferences).toMatchObject({
        preferredChannel: 'whatsapp',
        language: 'fr-CA',
        communicationHours: null,
      });
      expect((await read(caller, contactId)).preferences).toEqual(preferences);
      expect(await reach(caller, contactId, 'sms', 'transactional')).toEqual({
        allowed: false,
        blockedBy: 'channel_blocked',
      });
    });

    it('reports every problem at once, the stored channels included, and writes nothing', async () => {
      const { env } = subject;
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      await setPreferences(caller, contactId, { channels: [{ channel: 'email', allowed: false }] });
      const before = (await env.outboxEvents()).length;
      const { errors } = await setPreferences(caller, contactId, {
        preferredChannel: 'email',
        language: '!!',
        communicationHours: { start: '25:00', end: '08:00', days: ['monday', 'monday'] },
        marketingFrequencyCap: { maxMessages: 1000, period: 'day' },
        doNotContact: null,
      });
      expect(errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: {
          issues: [
            { path: 'language' },
            { path: 'communicationHours.start' },
            { path: 'communicationHours.days' },
            { path: 'marketingFrequencyCap.maxMessages' },
            { path: 'doNotContact' },
            { path: 'preferredChannel' },
          ],
        },
      });
      expect(await env.outboxEvents()).toHaveLength(before);
      expect((await read(caller, contactId)).preferences.preferredChannel).toBeNull();
    });
  });

  describe('refusals', () => {
    it('reports every problem of a consent at once and writes nothing', async () => {
      const { env } = subject;
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      const before = (await env.outboxEvents()).length;
      const { errors } = await setConsent(caller, contactId, {
        purpose: 'marketing',
        status: 'granted',
        source: 'unsubscribe_link',
        sourceDetails: { phone: '1', note: 'reach me at ada@example.com', nested: { deep: true } },
        capturedAt: '2999-01-01T00:00:00.000Z',
        policyVersion: 'x'.repeat(40),
        ipAddress: 'localhost',
      });
      expect(errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        details: {
          issues: [
            { path: 'sourceDetails.phone' },
            { path: 'sourceDetails.note' },
            { path: 'sourceDetails.nested' },
            { path: 'status' },
            { path: 'capturedAt' },
            { path: 'policyVersion' },
            { path: 'ipAddress' },
          ],
        },
      });
      expect(await env.outboxEvents()).toHaveLength(before);
      expect((await read(caller, contactId)).consentHistory.totalCount).toBe(0);
    });

    it('answers NOT_FOUND for another organization’s, a deleted or a made-up contact, writing nothing', async () => {
      const { env } = subject;
      const caller = newTenant();
      const stranger = newTenant();
      const foreign = await contactOf(stranger.organizationId);
      const deleted = await contactOf(caller.organizationId, true);
      const before = (await env.outboxEvents()).length;
      for (const contactId of [foreign, deleted, randomUUID(), 'not-a-uuid']) {
        const attempts = [
          await setConsent(caller, contactId, { purpose: 'marketing', status: 'granted', source: 'form' }),
          await setPreferences(caller, contactId, { doNotContact: true }),
          await unsubscribe(caller, contactId, { source: 'user' }),
        ];
        for (const { errors } of attempts) expect(errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      }
      expect(await env.outboxEvents()).toHaveLength(before);
      // The stranger's contact kept no trace of the attempts.
      expect((await read(stranger, foreign)).consentHistory.totalCount).toBe(0);
    });

    it('needs contacts:write to change and contacts:read to read', async () => {
      const caller = newTenant();
      const contactId = await contactOf(caller.organizationId);
      const reader = { ...caller, permissions: ['contacts:read'] };
      const write = await call(
        reader,
        `mutation ($id: ID!) { setContactPreferences(contactId: $id, input: { doNotContact: true }) { doNotContact } }`,
        { id: contactId },
      );
      expect(write.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const none = await call(
        { ...caller, permissions: [] },
        `query ($id: ID!) { contact(id: $id) { id } }`,
        { id: contactId },
      );
      expect(none.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });
  });

  it('resolves the consent fields of a list of contacts in statements that do not grow with it', async () => {
    const { env, service: crm } = subject;
    const caller = newTenant();
    const ids = Array.from({ length: 100 }, () => randomUUID());
    const { organizationId } = caller;
    await withTenant(crm.database, organizationId, async (tx) => {
      await tx.contact.createMany({
        data: ids.map((id) => ({ id, organizationId, ...sealed({ id, organizationId, givenName: 'Ada' }) })),
      });
    });
    // One consent (with its history) and preferences for each contact, through the API.
    for (const id of ids) {
      await consentSet(caller, id, { purpose: 'marketing', status: 'granted', source: 'form' });
      await setPreferences(caller, id, {
        channels: [{ channel: 'sms', allowed: false }],
        communicationHours: { start: '09:00', end: '17:00', days: ['monday'] },
      });
    }
    const measure = (some: string[]) =>
      env.countStatements(() =>
        env.entities<{
          consents: ConsentView[];
          consentHistory: { totalCount: number };
          preferences: PreferencesView;
          reachability: { allowed: boolean };
        }>(
          crm.graphqlUrl,
          `... on Contact {
            consents { ${CONSENT_FIELDS} }
            consentHistory(first: 5) { totalCount edges { node { id from to changedBy { id } } } }
            preferences { ${PREFERENCE_FIELDS} }
            reachability(channel: sms, kind: transactional) { allowed blockedBy }
          }`,
          caller,
          some.map((id) => ({ __typename: 'Contact', id })),
        ),
      );
    const ten = await measure(ids.slice(0, 10));
    const hundred = await measure(ids);
    expect(hundred.result).toHaveLength(100);
    expect(hundred.result.every((contact) => contact?.consents.length === 1)).toBe(true);
    expect(hundred.result.every((contact) => contact?.consentHistory.totalCount === 1)).toBe(true);
    expect(
      hundred.result.every((contact) => contact?.preferences.communicationHours?.start === '09:00'),
    ).toBe(true);
    expect(hundred.result.every((contact) => contact?.reachability.allowed === false)).toBe(true);
    expect(hundred.statements).toBe(ten.statements);
  }, 120_000);
});
