import type { JWK } from 'jose';
import {
  defineService,
  observeQueries,
  prismaClientOptions,
  withTenants,
  type ServiceStartOptions,
  type TenantFoundation,
} from '@platform/service-kit';
import { startAuditConsumer } from './consumers/audit';
import { startEntitlementsConsumer } from './consumers/entitlements';
import { startBillingSeatsConsumer } from './consumers/billing-seats';
import { identityEnvironment } from './environment';
import { modules } from './generated/modules';
import { PrismaClient, type Prisma } from './generated/prisma/client';
import type {
  AccessTokenIssuer,
  PasswordHasher,
  RefreshTokenFactory,
} from './modules/authentication/domain/credentials';
import { authenticationOperationsOf } from './modules/authentication/module';
import { apiKeySecrets, type ApiKeySecrets } from './modules/api-key/infra/api-key-secrets';
import type { SecretBox, TotpProvider } from './modules/authentication/domain/mfa';
import { createArgon2idHasher } from './modules/authentication/infra/passwords';
import { aesGcmSecretBox, otpauthTotp } from './modules/authentication/infra/totp';
import { PRINCIPAL_PATH, principalRoute } from './modules/authentication/infra/principal-route';
import {
  createAccessTokenIssuer,
  createRefreshTokenFactory,
  createSecretTokens,
  jwksRoute,
  type SecretTokens,
  type SigningKey,
} from './modules/authentication/infra/tokens';

/** Where emailed links point when no app address is configured (the local web app). */
export const DEFAULT_APP_URL = 'http://localhost:3000';

/** Where the gateway fetches the keys that verify identity's access tokens. */
export const JWKS_PATH = '/.well-known/jwks.json';

/** Prisma's client type with query events on (the kit counts statements through them). */
export type Database = PrismaClient<'query'>;

/** What identity takes beyond every service's start options. */
export interface IdentityOptions {
  /** Signs access tokens; its public half is published at JWKS_PATH. */
  signingKey: SigningKey;
  /** Public keys of earlier signing keys that tokens in circulation may still carry. */
  previousPublicJwks?: readonly JWK[];
  /** Default 900 (15 minutes). */
  accessTokenTtlSeconds?: number;
  /** Default 30 days. */
  refreshTokenTtlSeconds?: number;
  /** Default: argon2id with OWASP's parameters (tests pass cheaper ones). */
  passwords?: PasswordHasher;
  /** The web app emailed links point at (default http://localhost:3000). */
  appUrl?: string;
  /** Keys sealing secrets at rest (32 bytes each): the first seals, all open. */
  secretKeys: readonly Buffer[];
}

export type IdentityServiceOptions = ServiceStartOptions & IdentityOptions;

/** What identity's modules are built from. */
export interface IdentityDependencies extends TenantFoundation<Database, Prisma.TransactionClient> {
  /** How passwords are checked and tokens issued, as the start options configure them. */
  credentials: {
    passwords: PasswordHasher;
    accessTokens: AccessTokenIssuer;
    refreshTokens: RefreshTokenFactory;
  };
  /** Single-use secrets (invitations, MFA challenges, password resets): only their hashes are stored. */
  secrets: { invitations: SecretTokens; oneTime: SecretTokens };
  /** TOTP, and the box its secrets are sealed in at rest. */
  mfa: { totp: TotpProvider; secretBox: SecretBox };
  /** API key secrets: made, checked for shape, hashed. */
  apiKeySecrets: ApiKeySecrets;
  /** Pages of the web app that emailed links open. */
  links: { acceptInvitation: string; resetPassword: string };
}

/**
 * identity: organizations (the tenant root), users and their sessions; signing up, in and on, and
 * the JWKS the gateway verifies access tokens with.
 */
export const identityService = defineService({
  name: 'identity',
  defaultPort: 4001,
  sourceDirectory: __dirname,
  database: (url, options) => observeQueries(new PrismaClient(prismaClientOptions(url)), options),
  modules,
  dependencies: (foundation, options: IdentityServiceOptions): IdentityDependencies => ({
    ...withTenants(foundation),
    credentials: {
      passwords: options.passwords ?? createArgon2idHasher(),
      accessTokens: createAccessTokenIssuer(options.signingKey, options.accessTokenTtlSeconds),
      refreshTokens: createRefreshTokenFactory(options.refreshTokenTtlSeconds),
    },
    secrets: { invitations: createSecretTokens('inv'), oneTime: createSecretTokens('otk') },
    mfa: { totp: otpauthTotp(), secretBox: aesGcmSecretBox(options.secretKeys) },
    apiKeySecrets: apiKeySecrets(),
    links: {
      acceptInvitation: new URL('/accept-invitation', options.appUrl ?? DEFAULT_APP_URL).toString(),
      resetPassword: new URL('/reset-password', options.appUrl ?? DEFAULT_APP_URL).toString(),
    },
  }),
  consumers: async (dependencies, messaging, options) => [
    await startAuditConsumer(dependencies, messaging, options),
    await startEntitlementsConsumer(dependencies, messaging, options),
    await startBillingSeatsConsumer(dependencies, messaging, options),
  ],
  routes: (dependencies, options) => {
    const authentication = authenticationOperationsOf(dependencies);
    return {
      [JWKS_PATH]: jwksRoute([options.signingKey.publicJwk, ...(options.previousPublicJwks ?? [])]),
      [PRINCIPAL_PATH]: principalRoute({
        internalContextKey: options.internalContextKey,
        logger: options.logger,
        resolve: (credential) => authentication.principal(credential),
      }),
    };
  },
  environment: identityEnvironment,
});

export type IdentityService = Awaited<ReturnType<typeof identityService.start>>;
/** Starts identity in-process: its subgraph, the JWKS route and its outbox relay. */
export const startIdentityService = identityService.start;

export { createArgon2idHasher } from './modules/authentication/infra/passwords';
export { PRINCIPAL_PATH } from './modules/authentication/infra/principal-route';
export {
  generateSigningKey,
  signingKeyFromJwk,
  type SigningKey,
} from './modules/authentication/infra/tokens';
