import type { JWK } from 'jose';
import {
  DataLoader,
  loadSchema,
  startServiceRuntime,
  type ServiceRuntime,
  type ServiceStartOptions,
} from '@platform/service-kit';
import type { IdentityContext } from './context';
import { createAuthentication } from './domain/authentication';
import type { PasswordHasher } from './domain/ports';
import { createDatabase, type Database } from './infra/database';
import { createArgon2idHasher } from './infra/passwords';
import { createIdentityReaders } from './infra/readers';
import { createIdentityRepository } from './infra/repository';
import { createAccessTokenIssuer, createRefreshTokenFactory, jwks, type SigningKey } from './infra/tokens';
import { resolvers } from './resolvers';

export const JWKS_PATH = '/.well-known/jwks.json';

const typeDefs = loadSchema(__dirname);

export interface IdentityServiceOptions extends ServiceStartOptions {
  signingKey: SigningKey;
  /** Public keys of earlier signing keys that tokens in circulation may still carry. */
  previousPublicJwks?: readonly JWK[];
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  passwords?: PasswordHasher;
  /** Sees every SQL statement (tests count them). */
  onQuery?: (sql: string) => void;
}

export interface IdentityService extends ServiceRuntime {
  database: Database;
}

/** Starts identity: its subgraph, the JWKS endpoint and its outbox relay. */
export async function startIdentityService(options: IdentityServiceOptions): Promise<IdentityService> {
  const database = createDatabase(options.databaseUrl, { onQuery: options.onQuery });
  const authentication = createAuthentication({
    repository: createIdentityRepository(database),
    passwords: options.passwords ?? createArgon2idHasher(),
    accessTokens: createAccessTokenIssuer(options.signingKey, options.accessTokenTtlSeconds),
    refreshTokens: createRefreshTokenFactory(options.refreshTokenTtlSeconds),
  });
  const readers = createIdentityReaders(database);
  const keySet = JSON.stringify(jwks([options.signingKey.publicJwk, ...(options.previousPublicJwks ?? [])]));
  const runtime = await startServiceRuntime<IdentityContext>({
    service: 'identity',
    start: options,
    typeDefs,
    resolvers,
    context: (base) => ({
      ...base,
      authentication,
      users: new DataLoader((ids: readonly string[]) => readers.usersByIds(base.auth.organizationId, ids)),
      organizations: new DataLoader((ids: readonly string[]) =>
        readers.organizationsByIds(base.auth.organizationId, ids),
      ),
    }),
    routes: {
      [JWKS_PATH]: (_request, response) => {
        response.writeHead(200, {
          'content-type': 'application/jwk-set+json',
          'cache-control': 'public, max-age=300',
        });
        response.end(keySet);
      },
    },
    onClose: () => database.$disconnect(),
  });
  return { ...runtime, database };
}

export { createArgon2idHasher } from './infra/passwords';
export { generateSigningKey, signingKeyFromJwk, type SigningKey } from './infra/tokens';
