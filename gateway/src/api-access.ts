import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, OperationTypeNode } from 'graphql';
import type { GatewayContext } from './authentication';

/**
 * API access by plan: billing's entitlements say whether an organization's API keys may write
 * (`apiAccess` full) or only read (read_only: the Free plan). identity keeps a copy and the principal of
 * every API key carries it; the gateway refuses a read-only organization's keys every mutation once the
 * operation is resolved and before any subgraph is called, so nothing is written and no subgraph is
 * asked. Queries run as usual; signed-in users are never limited by it (their principal carries none).
 */

/** The code of the refusal: the key may not do this, and `details` say it is the plan's API access. */
export const API_ACCESS_REFUSED = 'FORBIDDEN';

/** Why the refusal is the plan's (not a missing permission): `details.reason`. */
export const READ_ONLY_API_ACCESS = 'api_read_only';

/** A read-only organization's API key sent a mutation: 403 FORBIDDEN with the plan's API access. */
export class ApiAccessRefusedError extends GraphQLError {
  constructor(planId: string) {
    super(
      `The organization's plan (${planId}) gives API keys read-only access: queries run, mutations are refused. Upgrade the plan for full API access.`,
      {
        extensions: {
          code: API_ACCESS_REFUSED,
          details: { reason: READ_ONLY_API_ACCESS, apiAccess: 'read_only', planId },
          http: { status: 403 },
        },
      },
    );
  }
}

/** Refuses mutations of API keys whose organization's plan reads only. */
export function apiAccessPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    requestDidStart() {
      return Promise.resolve({
        didResolveOperation({ operation, contextValue }) {
          const access = contextValue.auth.apiAccess;
          if (operation?.operation === OperationTypeNode.MUTATION && access?.level === 'read_only') {
            throw new ApiAccessRefusedError(access.planId);
          }
          return Promise.resolve();
        },
      });
    },
  };
}
