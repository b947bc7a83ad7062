import { z } from 'zod';
import {
  findDomainError,
  internalJsonRoute,
  type InternalContextKeyInput,
  type Logger,
  type RouteHandler,
} from '@platform/service-kit';
import type { Principal, Credential } from '../domain/principal';

/** Where the gateway asks identity who a verified credential acts as. */
export const PRINCIPAL_PATH = '/internal/principal';

const credentialSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('user'),
    organizationId: z.uuid(),
    userId: z.uuid(),
    actingFromOrganizationId: z.uuid().nullable().optional(),
    sessionId: z.uuid().nullable().optional(),
  }),
  z.object({ type: z.literal('api_key'), key: z.string().min(1).max(200) }),
]);

/**
 * `POST /internal/principal` (gateway only, signed internal context): `{ credential }` →
 * `200 { principal }`, or `401 { error: { code: 'UNAUTHENTICATED', message } }` when the credential no
 * longer stands for anyone who may act (user deactivated, organization cancelled …).
 */
export function principalRoute(options: {
  internalContextKey: InternalContextKeyInput;
  logger: Logger;
  resolve: (credential: Credential) => Promise<Principal & { sessionId: string | null }>;
}): RouteHandler {
  return internalJsonRoute({
    internalContextKey: options.internalContextKey,
    logger: options.logger,
    async handle(body) {
      const parsed = z.object({ credential: credentialSchema }).safeParse(body);
      if (!parsed.success) {
        return { status: 400, body: { error: { code: 'BAD_REQUEST', message: 'expected { credential }' } } };
      }
      try {
        return { status: 200, body: { principal: await options.resolve(parsed.data.credential) } };
      } catch (error) {
        const domainError = findDomainError(error);
        if (domainError?.code !== 'UNAUTHENTICATED') throw error;
        return { status: 401, body: { error: { code: domainError.code, message: domainError.message } } };
      }
    },
  });
}
