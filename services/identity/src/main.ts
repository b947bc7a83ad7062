import { baseServiceSettings, runService } from '@platform/service-kit';
import type { JWK } from 'jose';
import { startIdentityService } from './app';
import { readEnvironment } from './environment';
import { signingKeyFromJwk } from './infra/tokens';

const environment = readEnvironment();
runService('identity', environment.LOG_LEVEL, async (logger) =>
  startIdentityService({
    ...baseServiceSettings(environment),
    logger,
    signingKey: await signingKeyFromJwk(environment.IDENTITY_SIGNING_JWK),
    previousPublicJwks: JSON.parse(environment.IDENTITY_PREVIOUS_PUBLIC_JWKS) as JWK[],
    accessTokenTtlSeconds: environment.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: environment.REFRESH_TOKEN_TTL_SECONDS,
  }),
);
