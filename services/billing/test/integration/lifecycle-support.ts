import { generateFieldKeyring, parseFieldKeyring, withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { manualClock } from '../../src/clock';
import { provisionOrganization } from '../../src/consumers/provisioning';
import { startBillingService } from '../../src/service';

/**
 * Billing's subgraph on a clock the test moves, as the lifecycle tests drive it: the scheduler runs
 * every 50 ms on that clock, the local payment provider answers 20 ms after a charge with signed
 * webhooks, and billing info is sealed with a keyring of the file's own. Call inside a `describe`
 * (it registers the service's hooks). `selection` is what `read` asks of the organization.
 */
export function billingOnClock<State>(start: Date, selection: string) {
  const clock = manualClock(start);
  const subject = serviceUnderTest('billing', (env) =>
    startBillingService({
      ...env.startOptions(),
      consumers: false,
      clock,
      subscriptionSchedulerIntervalMs: 50,
      localPaymentProvider: { outcomeDelayMs: 20 },
      piiKeyring: parseFieldKeyring(generateFieldKeyring()),
    }),
  );

  async function call<T>(auth: TestTenant, query: string, variables: Record<string, unknown> = {}) {
    const { env, service } = subject;
    return env.graphql<T>(service.graphqlUrl, query, variables, await env.headersFor(auth));
  }

  /** Runs an operation that must succeed; its data. */
  async function run<T>(
    auth: TestTenant,
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<T> {
    const { data, errors } = await call<T>(auth, query, variables);
    expect(errors).toBeUndefined();
    if (!data) throw new Error('no data');
    return data;
  }

  /** The organization's billing as `selection` reads it (through `_entities`, as the gateway would). */
  async function read(auth: TestTenant): Promise<State> {
    const [organization] = await subject.env.entities<State>(
      subject.service.graphqlUrl,
      `... on Organization { ${selection} }`,
      auth,
      [{ __typename: 'Organization', id: auth.organizationId }],
    );
    if (!organization) throw new Error('no organization');
    return organization;
  }

  /** Reads until `done` holds: the scheduler and the provider's webhooks work in the background. */
  async function until(auth: TestTenant, what: string, done: (state: State) => boolean): Promise<State> {
    const deadline = Date.now() + 20_000;
    let last: State | null = null;
    while (Date.now() < deadline) {
      last = await read(auth);
      if (done(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${what} did not happen in 20 s: ${JSON.stringify(last)}`);
  }

  const setCard = (auth: TestTenant, token: string) =>
    run(auth, `mutation ($token: String!) { setPaymentMethod(token: $token) { last4 } }`, { token });

  /** A new organization on Free (as sign-up leaves it) paying with `token`. */
  async function organization(token = 'pm_card_visa'): Promise<TestTenant> {
    const auth = newTenant();
    await withTenant(subject.service.database, auth.organizationId, (tx) =>
      provisionOrganization(tx, auth.organizationId, clock.now()),
    );
    await setCard(auth, token);
    return auth;
  }

  return { clock, subject, call, run, read, until, setCard, organization };
}
