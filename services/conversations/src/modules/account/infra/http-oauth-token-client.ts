import { z } from 'zod';
import type { ChannelAccountPlatform, RefreshOutcome } from '../domain/channel-account';
import type { OAuthTokenClient } from '../domain/oauth-token-client';

/** One platform's OAuth2 client: its token endpoint and the app's credentials there. */
export interface OAuthPlatformClient {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
}

export const oauthPlatformClientSchema = z.object({
  tokenUrl: z.url(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});

/** A token endpoint's answer (RFC 6749 §5.1 / §5.2). */
const tokenResponse = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.coerce.number().positive().optional(),
  scope: z.string().optional(),
});
const errorResponse = z.object({ error: z.string().min(1).max(100) });

/**
 * The OAuth2 refresh grant over HTTP (RFC 6749 §6): a form POST of `grant_type=refresh_token` with the
 * client's id and secret in the body (`client_secret_post`) to the platform's token endpoint. A 4xx
 * answer is final (`invalid_grant`: the user revoked access); a 5xx, a timeout or a network error may
 * pass. A platform that keeps its refresh token answers without a new one: the old one stays.
 */
export function httpOAuthTokenClient(
  clients: Partial<Record<ChannelAccountPlatform, OAuthPlatformClient>>,
  options: { timeoutMs?: number } = {},
): OAuthTokenClient {
  return {
    async refresh(platform, refreshToken, now): Promise<RefreshOutcome> {
      const client = clients[platform];
      if (!client) return { ok: false, errorCode: 'no_token_endpoint', retryable: false };
      let response: Response;
      try {
        response = await fetch(client.tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: new URLSearchParams({
            grant_type: 'refresh_token',
            refresh_token: refreshToken,
            client_id: client.clientId,
            client_secret: client.clientSecret,
          }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch {
        return { ok: false, errorCode: 'network', retryable: true };
      }
      const body: unknown = await response.json().catch(() => null);
      if (!response.ok) {
        const error = errorResponse.safeParse(body);
        return {
          ok: false,
          errorCode: error.success ? error.data.error : `http_${response.status}`,
          retryable: response.status >= 500 || response.status === 429,
        };
      }
      const parsed = tokenResponse.safeParse(body);
      if (!parsed.success) return { ok: false, errorCode: 'invalid_response', retryable: true };
      const answer = parsed.data;
      return {
        ok: true,
        tokens: {
          accessToken: answer.access_token,
          refreshToken: answer.refresh_token ?? refreshToken,
          expiresAt:
            answer.expires_in === undefined ? null : new Date(now.getTime() + answer.expires_in * 1000),
          scopes: answer.scope === undefined ? [] : answer.scope.split(' ').filter(Boolean),
        },
      };
    },
  };
}
