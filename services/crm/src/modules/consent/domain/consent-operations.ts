import { randomUUID } from 'node:crypto';
import {
  InputIssues,
  isUuid,
  notFound,
  organizationOf,
  pagesOf,
  signedInUser,
  uuidsOnly,
  type Actor,
  type Page,
  type PageRequest,
} from '@platform/domain';
import type { CatalogEvent } from '@platform/events/catalog';
import {
  checkConsentChange,
  checkSourceDetails,
  decideConsent,
  inPurposeOrder,
  latestChange,
  nextChangeTime,
  normalizeIpAddress,
  purposesToWithdraw,
  type ChangeContext,
  type ConsentChangeInput,
  type ConsentHistoryEntry,
  type ConsentSource,
  type ContactChannel,
  type ContactConsent,
} from './consent';
import type { ConsentRepository, ContactConsentState, Decided } from './consent-repository';
import {
  applyPreferences,
  checkPreferencesChanges,
  defaultPreferences,
  type ContactPreferences,
  type PreferencesInput,
} from './preferences';
import {
  reachability,
  subscriptionEvents,
  subscriptionOf,
  type MessageKind,
  type Reachability,
} from './reachability';

const SIGN_IN = 'Sign in to work with contacts’ consent';

/** How crm keeps evidence it must not store in the clear (infra: a keyed hash per organization). */
export interface ConsentEvidence {
  /** A keyed hash of a canonical IP address, the same for the same address in one organization. */
  ipHash(organizationId: string, ipAddress: string): string;
}

/** Replaces (or adds) the consent of the same purpose. */
function withConsent(consents: readonly ContactConsent[], consent: ContactConsent): ContactConsent[] {
  return [...consents.filter((existing) => existing.purpose !== consent.purpose), consent];
}

/** The events of consent decisions plus what they did to the contact's subscription. */
function withSubscriptionEvents(
  before: ContactConsentState,
  after: ContactConsentState,
  events: readonly CatalogEvent[],
  context: { organizationId: string; contactId: string; at: Date },
): CatalogEvent[] {
  return [
    ...events,
    ...subscriptionEvents(
      subscriptionOf(before.consents, before.preferences),
      subscriptionOf(after.consents, after.preferences),
      context,
    ),
  ];
}

/** The consent and preference use cases: who may do what, and what it changes. */
export function consentOperations(
  repository: ConsentRepository,
  evidence: ConsentEvidence,
  clock: () => Date = () => new Date(),
) {
  /** Missing contacts, deleted ones and other organizations' are all simply "not found". */
  const missing = (id: string) => notFound('Contact', id);

  /** Runs a change of a live contact's consents or preferences; NOT_FOUND when there is none. */
  async function change<T>(
    organizationId: string,
    contactId: string,
    decide: (state: ContactConsentState) => Decided<T>,
  ): Promise<T> {
    if (!isUuid(contactId)) throw missing(contactId);
    const result = await repository.change(organizationId, contactId, decide);
    if (!result) throw missing(contactId);
    return result.value;
  }

  return {
    /**
     * Records a contact's consent for a purpose: the current status changes, a history entry is
     * appended and `crm.contact.consent_changed.v1` published, with `unsubscribed` / `resubscribed`
     * when marketing lost or gained channels. Setting the status already recorded changes nothing.
     */
    async setConsent(actor: Actor, contactId: string, input: ConsentChangeInput): Promise<ContactConsent> {
      const caller = signedInUser(actor, SIGN_IN);
      const issues = new InputIssues();
      const checked = checkConsentChange(input, clock(), issues);
      issues.throwIfAny();
      const ipHash = checked.ipAddress ? evidence.ipHash(caller.organizationId, checked.ipAddress) : null;
      return change(caller.organizationId, contactId, (state) => {
        const context: ChangeContext = {
          organizationId: caller.organizationId,
          contactId,
          by: caller.userId,
          at: nextChangeTime(clock(), latestChange(state.consents)),
          newId: randomUUID,
        };
        const current = state.consents.find((consent) => consent.purpose === checked.purpose) ?? null;
        const decision = decideConsent(current, { ...checked, ipHash }, context);
        if (!decision.changed)
          return {
            value: decision.consent,
            writes: { consents: [], history: [], preferences: null },
            events: [],
          };
        const after = { ...state, consents: withConsent(state.consents, decision.consent) };
        return {
          value: decision.consent,
          writes: { consents: [decision.consent], history: [decision.entry], preferences: null },
          events: withSubscriptionEvents(state, after, [decision.event], context),
        };
      });
    },

    /**
     * Withdraws marketing consent on one channel, or on all of them (general marketing and every
     * channel's granted or pending consent). Consents already refused stay as they are; an unsubscribe
     * that changes nothing writes nothing.
     */
    async unsubscribe(
      actor: Actor,
      contactId: string,
      input: {
        channel?: ContactChannel | null;
        source: ConsentSource;
        sourceDetails?: Readonly<Record<string, unknown>> | null;
      },
    ): Promise<void> {
      const caller = signedInUser(actor, SIGN_IN);
      const issues = new InputIssues();
      const sourceDetails = checkSourceDetails(issues, input.sourceDetails);
      if (input.source === 'double_opt_in')
        issues.add('source', 'must not be a double opt-in confirmation: it confirms, it does not withdraw');
      issues.throwIfAny();
      await change(caller.organizationId, contactId, (state) => {
        const context: ChangeContext = {
          organizationId: caller.organizationId,
          contactId,
          by: caller.userId,
          at: nextChangeTime(clock(), latestChange(state.consents)),
          newId: randomUUID,
        };
        let consents = state.consents;
        const changed: ContactConsent[] = [];
        const history: ConsentHistoryEntry[] = [];
        const events: CatalogEvent[] = [];
        for (const purpose of purposesToWithdraw(state.consents, input.channel ?? null)) {
          const current = consents.find((consent) => consent.purpose === purpose) ?? null;
          const decision = decideConsent(
            current,
            {
              purpose,
              status: 'withdrawn',
              source: input.source,
              sourceDetails,
              capturedAt: null,
              policyVersion: null,
              ipAddress: null,
              ipHash: null,
            },
            context,
          );
          if (!decision.changed) continue;
          consents = withConsent(consents, decision.consent);
          changed.push(decision.consent);
          history.push(decision.entry);
          events.push(decision.event);
        }
        return {
          value: null,
          writes: { consents: changed, history, preferences: null },
          events: withSubscriptionEvents(state, { ...state, consents }, events, context),
        };
      });
    },

    /**
     * Changes a contact's preferences (only the fields given; null clears an optional one). Every
     * problem of the input is reported at once, the preferred channel checked against the channels the
     * contact accepts once the change applies. Publishes `crm.contact.preferences_changed.v1`, and
     * `unsubscribed` / `resubscribed` when marketing lost or gained channels.
     */
    async setPreferences(
      actor: Actor,
      contactId: string,
      input: PreferencesInput,
    ): Promise<ContactPreferences> {
      const caller = signedInUser(actor, SIGN_IN);
      const issues = new InputIssues();
      const changes = checkPreferencesChanges(input, issues);
      if (!isUuid(contactId)) issues.throwIfAny();
      return change(caller.organizationId, contactId, (state) => {
        const at = clock();
        const current = state.preferences ?? defaultPreferences(caller.organizationId, contactId);
        const applied = applyPreferences(current, changes, { by: caller.userId, at }, issues);
        issues.throwIfAny();
        if (applied.events.length === 0)
          return { value: current, writes: { consents: [], history: [], preferences: null }, events: [] };
        const after = { ...state, preferences: applied.preferences };
        return {
          value: applied.preferences,
          writes: { consents: [], history: [], preferences: applied.preferences },
          events: withSubscriptionEvents(state, after, applied.events, {
            organizationId: caller.organizationId,
            contactId,
            at,
          }),
        };
      });
    },

    /** Each contact's current consents, one per purpose that has one, in purpose order. */
    async consentsOf(actor: Actor, contactIds: readonly string[]): Promise<ContactConsent[][]> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const valid = uuidsOnly(contactIds);
      const found = valid.length > 0 ? await repository.consentsOf(organizationId, valid) : [];
      const byContact = new Map(valid.map((id, index) => [id, found[index] ?? []]));
      return contactIds.map((id) => inPurposeOrder(byContact.get(id) ?? []));
    },

    /** Each contact's preferences; the defaults for a contact that has none recorded. */
    async preferencesOf(actor: Actor, contactIds: readonly string[]): Promise<ContactPreferences[]> {
      const organizationId = organizationOf(actor, SIGN_IN);
      const valid = uuidsOnly(contactIds);
      const found = valid.length > 0 ? await repository.preferencesOf(organizationId, valid) : [];
      const byContact = new Map(valid.map((id, index) => [id, found[index] ?? null]));
      return contactIds.map((id) => byContact.get(id) ?? defaultPreferences(organizationId, id));
    },

    /** Pages of many contacts' consent history at once, newest first, in the order asked. */
    async historyOf(
      actor: Actor,
      contactIds: readonly string[],
      request: PageRequest,
    ): Promise<Array<Page<ConsentHistoryEntry>>> {
      const organizationId = organizationOf(actor, SIGN_IN);
      return pagesOf(contactIds, request, (ids) => repository.historyOf(organizationId, ids, request));
    },

    /** Whether a message may go out now (see `reachability` in domain/reachability.ts). */
    reachabilityNow(
      consents: readonly ContactConsent[],
      preferences: ContactPreferences,
      channel: ContactChannel,
      kind: MessageKind,
      timeZone: string | null,
    ): Reachability {
      return reachability(consents, preferences, channel, kind, clock(), timeZone);
    },

    /**
     * Whether a consent was captured from `ipAddress` (compared by keyed hash); null when no address was
     * recorded with it. BAD_USER_INPUT when `ipAddress` is no IP address.
     */
    capturedFrom(consent: ContactConsent, ipAddress: string): boolean | null {
      const normalized = normalizeIpAddress(ipAddress);
      if (normalized === null)
        new InputIssues().add('ipAddress', 'must be an IPv4 or IPv6 address').throwIfAny();
      if (consent.ipHash === null || normalized === null) return null;
      return evidence.ipHash(consent.organizationId, normalized) === consent.ipHash;
    },
  };
}

export type ConsentOperations = ReturnType<typeof consentOperations>;
