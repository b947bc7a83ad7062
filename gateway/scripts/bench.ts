/**
 * Requests per second through an in-process gateway and one tiny subgraph, on the loopback only.
 *   pnpm --filter @platform/gateway bench [-- --requests 1000 --concurrency 16]
 * Prints numbers; asserts nothing. Loops are bounded by count and by a 60 s cap per phase.
 */
import { performance } from 'node:perf_hooks';
import {
  ACCESS_DIRECTIVES_SDL,
  anonymousContext,
  createSubgraphServer,
  generateInternalContextKeys,
  importInternalContextPrivateKey,
  signInternalContext,
  type RequestContext,
} from '@platform/service-kit';
import { parse } from 'graphql';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import pino from 'pino';
import { createGateway } from '../src/app';
import { composeSupergraph } from '../src/composition';

const PHASE_CAP_MS = 60_000;

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index === -1 ? undefined : Number(process.argv[index + 1]);
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : fallback;
}

const sdl = /* GraphQL */ `
  ${ACCESS_DIRECTIVES_SDL}
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Item @key(fields: "id") {
    id: ID!
    name: String!
  }
  type Query {
    items: [Item!]! @public
  }
`;
const items = Array.from({ length: 10 }, (_, index) => ({ id: `i${index}`, name: `Item ${index}` }));

async function measure(
  label: string,
  total: number,
  concurrency: number,
  send: () => Promise<void>,
): Promise<void> {
  const startedAt = performance.now();
  let started = 0;
  let completed = 0;
  const worker = async (): Promise<void> => {
    while (started < total && performance.now() - startedAt < PHASE_CAP_MS) {
      started += 1;
      await send();
      completed += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  const seconds = (performance.now() - startedAt) / 1000;
  const rate = Math.round(completed / seconds);
  process.stdout.write(
    `${label.padEnd(44)} ${String(completed).padStart(6)} requests  ${seconds.toFixed(2).padStart(6)} s  ${String(rate).padStart(6)} req/s\n`,
  );
}

async function main(): Promise<void> {
  const requests = option('requests', 1000);
  const concurrency = option('concurrency', 16);
  const logger = pino({ level: 'silent' });
  const internalKeys = await generateInternalContextKeys();
  const subgraph = await createSubgraphServer<RequestContext>({
    service: 'tiny',
    port: 0,
    logger,
    typeDefs: parse(sdl),
    internalContextKey: internalKeys.publicJwk,
    context: (base) => ({ ...base }),
    resolvers: { Query: { items: () => items } },
  });
  const composed = composeSupergraph([{ name: 'tiny', url: subgraph.graphqlUrl, sdl }]);
  if (!composed.ok) throw new Error(composed.errors.join('\n'));
  const identityKeys = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = { ...(await exportJWK(identityKeys.publicKey)), kid: 'bench', alg: 'EdDSA' };
  const gateway = await createGateway({
    supergraphSdl: composed.supergraphSdl,
    subgraphUrls: { tiny: subgraph.graphqlUrl },
    jwks: { keySet: { keys: [jwk] } },
    // The edge alone: every token's user acts with one fixed principal (no identity behind it).
    principals: {
      resolve: (credential) =>
        Promise.resolve({
          organizationId: credential.type === 'user' ? credential.organizationId : 'org-bench',
          userId: credential.type === 'user' ? credential.userId : 'user-bench',
          apiKeyId: null,
          actingFromOrganizationId: null,
          roles: ['member'],
          permissions: [],
          organizationStatus: 'active',
        }),
      evictOrganization: () => undefined,
      entitlementsChanged: () => undefined,
      clear: () => undefined,
    },
    internalContextKey: internalKeys.privateJwk,
    port: 0,
    logger,
  });
  const accessToken = await new SignJWT({ org: 'org-bench', roles: ['member'], scope: 'items:read' })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'bench' })
    .setSubject('user-bench')
    .setIssuer('identity')
    .setAudience('platform')
    .setExpirationTime('10m')
    .sign(identityKeys.privateKey);
  const internalContext = await signInternalContext(
    await importInternalContextPrivateKey(internalKeys.privateJwk),
    { ...anonymousContext(), organizationId: 'org-bench', userId: 'user-bench', roles: ['member'] },
    { requestId: 'bench' },
  );
  const body = JSON.stringify({ query: '{ items { id name } }' });
  const post = (url: string, headers: Record<string, string>) => async (): Promise<void> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    if (response.status !== 200)
      throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };
  const throughGateway = post(gateway.graphqlUrl, { authorization: `Bearer ${accessToken}` });
  const directly = post(subgraph.graphqlUrl, { 'x-internal-context': internalContext });

  try {
    await measure('warm-up (gateway)', 200, 4, throughGateway);
    process.stdout.write(
      `node ${process.version}, ${requests} requests per phase, concurrency ${concurrency}\n`,
    );
    await measure('subgraph directly, sequential', requests, 1, directly);
    await measure(`subgraph directly, concurrency ${concurrency}`, requests, concurrency, directly);
    await measure('gateway (bearer token), sequential', requests, 1, throughGateway);
    await measure(
      `gateway (bearer token), concurrency ${concurrency}`,
      requests,
      concurrency,
      throughGateway,
    );
  } finally {
    await gateway.close();
    await subgraph.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
