import type { ApolloServerPlugin } from '@apollo/server';
import { PLAN_FEATURE_REASON } from '@platform/domain';
import { GraphQLError, OperationTypeNode } from 'graphql';
import type { GatewayContext } from './authentication';

/**
 * API access by plan: billing's entitlements say whether an organization's API keys may write
 * (`apiAccess` full) or only read (read_only: the Free plan). identity keeps a copy and the principal of
 * every API key carries it; the gateway refuses a read-only organization's keys every mutation once the
 * operation is resolved and before any subgraph is called, so nothing is written and no subgraph is
 * asked. Queries run as usual; signed-in users are never limited by it (their principal carries none).
 */

/**
 * The code of the refusal: FORBIDDEN, like a missing permission, with `details` saying it is the plan's
 * (the platform's shape for a feature the plan lacks: @platform/domain's `planFeatureUnavailable`).
 */
export const API_ACCESS_REFUSED = 'FORBIDDEN';

/** The feature a read-only plan lacks, as `details.feature` names it. */
export const API_WRITE_FEATURE = 'api_write';

/**
 * A read-only organization's API key sent a mutation: 403 FORBIDDEN, `details`: `{ reason:
 * 'plan_feature', feature: 'api_write', required: 'full', current: 'read_only', planId }`.
 */
export class ApiAccessRefusedError extends GraphQLError {
  constructor(planId: string) {
    super(
      `The organization's plan (${planId}) gives API keys read-only access: queries run, mutations are refused. Upgrade the plan for full API access.`,
      {
        extensions: {
          code: API_ACCESS_REFUSED,
          details: {
            reason: PLAN_FEATURE_REASON,
            feature: API_WRITE_FEATURE,
            required: 'full',
            current: 'read_only',
            planId,
          },
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
