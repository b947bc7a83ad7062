import { randomUUID } from 'node:crypto';
import { createEvent, toKafkaMessage, topicName, type CatalogEvent } from '@platform/events';
import {
  anonymousContext,
  importInternalContextPrivateKey,
  INTERNAL_CONTEXT_HEADER,
  signInternalContext,
  withTenant,
} from '@platform/service-kit';
import { ENTITLEMENTS_GROUP } from '../../src/consumers/entitlements';
import { PRINCIPAL_PATH } from '../../src/service';
import { identityUnderTest, signUpDirectly } from '../support';

// identity's copy of the API access billing grants (billing.entitlements.changed.v1 published to
// billing's topic, as billing would) and the principal of an API key that carries it to the gateway:
// Free's read-only until billing's first event, then the newest version's; users carry none.

const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`;

describe('API access from billing’s entitlements (real PostgreSQL and Kafka)', () => {
  const subject = identityUnderTest();

  function entitlementsChanged(
    organizationId: string,
    planId: 'free' | 'basic' | 'pro' | 'enterprise',
    apiAccess: 'read_only' | 'full',
    version: number,
  ): CatalogEvent<'billing.entitlements.changed.v1'> {
    const at = new Date();
    return createEvent('billing.entitlements.changed.v1', {
      source: '/services/billing',
      subject: organizationId,
      tenantId: organizationId,
      time: at,
      data: {
        organizationId,
        subscriptionId: randomUUID(),
        planId,
        status: 'active',
        version,
        entitlements: {
          contactLimit: 100,
          customFieldLimit: 5,
          storageGb: 1,
          aiInsights: 'none',
          apiAccess,
          interactionTracking: 'limited',
          support: 'community',
          seats: 3,
        },
        changedAt: at.toISOString(),
      },
    });
  }

  /** Publishes billing's events to billing's topic and waits until identity has handled each. */
  async function publish(...events: Array<CatalogEvent<'billing.entitlements.changed.v1'>>): Promise<void> {
    const { env, service: identity } = subject;
    await identity.messaging.producer.send(
      topicName('billing.entitlements', env.kafka.topicPrefix),
      events.map(toKafkaMessage),
    );
    for (const event of events) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const row = await identity.database.processedEvent.findUnique({
          where: { consumerGroup_eventId: { consumerGroup: ENTITLEMENTS_GROUP, eventId: event.id } },
        });
        if (row) break;
        if (Date.now() > deadline) throw new Error(`event ${event.id} was not handled within 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** The gateway's question: who does this credential act as? */
  async function principalOf(credential: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { env, service: identity } = subject;
    const key = await importInternalContextPrivateKey(env.internalContextKeys.privateJwk);
    const response = await fetch(`${identity.url}${PRINCIPAL_PATH}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [INTERNAL_CONTEXT_HEADER]: await signInternalContext(key, anonymousContext(), { requestId: 'p' }),
      },
      body: JSON.stringify({ credential }),
    });
    expect(response.status).toBe(200);
    const body: unknown = await response.json();
    if (typeof body !== 'object' || body === null || !('principal' in body)) throw new Error('no principal');
    const { principal } = body;
    if (typeof principal !== 'object' || principal === null) throw new Error('no principal');
    return { ...principal };
  }

  /** A new organization, its founder and an API key the founder made. */
  async function organizationWithKey(label: string) {
    const { env, service: identity } = subject;
    const founder = await signUpDirectly(env, identity, label);
    const owner = { organizationId: founder.organizationId, userId: founder.userId };
    const created = await subject.call<{ createApiKey: { secret: string } }>(owner, CREATE_KEY, {
      input: { name: 'partner', scopes: ['contacts:read', 'contacts:write'] },
    });
    const secret = created.data?.createApiKey.secret;
    if (!secret) throw new Error(`no key: ${JSON.stringify(created.errors)}`);
    return { owner, key: { type: 'api_key', key: secret } };
  }

  it('gives an API key its organization’s access: Free’s read-only first, then billing’s newest version', async () => {
    const { owner, key } = await organizationWithKey('partner');
    // Before billing's first event: the Free plan's, read-only.
    expect((await principalOf(key)).apiAccess).toEqual({ level: 'read_only', planId: 'free', version: 0 });

    await publish(entitlementsChanged(owner.organizationId, 'pro', 'full', 1));
    expect(await principalOf(key)).toMatchObject({
      organizationId: owner.organizationId,
      apiAccess: { level: 'full', planId: 'pro', version: 1 },
    });

    // Downgraded to Free: read-only again. A late or equal version changes nothing.
    await publish(entitlementsChanged(owner.organizationId, 'free', 'read_only', 2));
    await publish(
      entitlementsChanged(owner.organizationId, 'pro', 'full', 1),
      entitlementsChanged(owner.organizationId, 'enterprise', 'full', 2),
    );
    expect((await principalOf(key)).apiAccess).toEqual({ level: 'read_only', planId: 'free', version: 2 });
    const stored = await withTenant(subject.service.database, owner.organizationId, (tx) =>
      tx.organizationApiAccess.findUnique({ where: { organizationId: owner.organizationId } }),
    );
    expect(stored).toMatchObject({ planId: 'free', apiAccess: 'read_only', version: 2 });
  });

  it('keeps organizations apart, and a user’s principal carries no API access', async () => {
    const one = await organizationWithKey('one');
    const two = await organizationWithKey('two');
    await publish(entitlementsChanged(one.owner.organizationId, 'basic', 'full', 1));
    expect((await principalOf(one.key)).apiAccess).toEqual({ level: 'full', planId: 'basic', version: 1 });
    expect((await principalOf(two.key)).apiAccess).toEqual({
      level: 'read_only',
      planId: 'free',
      version: 0,
    });
    const user = await principalOf({ type: 'user', ...one.owner });
    expect(user).toMatchObject({ apiKeyId: null, apiAccess: null });
  });
});
