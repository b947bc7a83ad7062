import { z } from 'zod';
import { fieldKeyringSetting, serviceEnvironmentSchema } from '@platform/service-kit';
import { CHANNEL_PLATFORMS } from '@platform/events/catalog';
import { oauthPlatformClientSchema } from './modules/account/infra/http-oauth-token-client';
import type { ConversationsOptions } from './service';

/** conversations' settings beyond the kit's: the keyring channel tokens are sealed with, OAuth clients. */
const schema = serviceEnvironmentSchema('conversations', 4003).extend({
  /**
   * The keys channel accounts' OAuth tokens and webhook secrets are encrypted with (JSON, crm's format:
   * `{ "active": "k1", "keys": { "k1": "<32 bytes, base64>" }, "blindIndexKey": "<32 bytes, base64>" }`).
   * To rotate, add a key and make it active: the old ones still decrypt, tokens are sealed anew with
   * the active key at their next refresh or reconnect.
   */
  CONVERSATIONS_PII_KEYRING: fieldKeyringSetting(
    'CONVERSATIONS_PII_KEYRING',
    'channel tokens, webhook secrets and inbound messages',
  ),
  /**
   * The OAuth clients the refresh job uses, by platform (JSON: `{ "gmail": { "tokenUrl": "…",
   * "clientId": "…", "clientSecret": "…" } }`). A platform without one cannot refresh: its accounts
   * become refresh_failed when their tokens near expiry.
   */
  CHANNEL_OAUTH_CLIENTS: z
    .string()
    .default('{}')
    .transform((value, context) => {
      let json: unknown;
      try {
        json = JSON.parse(value);
      } catch {
        context.addIssue({ code: 'custom', message: 'CHANNEL_OAUTH_CLIENTS is not JSON' });
        return z.NEVER;
      }
      const parsed = z.partialRecord(z.enum(CHANNEL_PLATFORMS), oauthPlatformClientSchema).safeParse(json);
      if (!parsed.success) {
        context.addIssue({ code: 'custom', message: z.prettifyError(parsed.error) });
        return z.NEVER;
      }
      return parsed.data;
    }),
  /** How often the token refresh job looks for tokens about to expire. */
  CHANNEL_TOKEN_REFRESH_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
  /** Where uploaded documents are kept on local disk (default: the repository's `.local/storage/conversations`). */
  CONVERSATIONS_STORAGE_DIR: z.string().min(1).optional(),
  /**
   * The document upload limit in bytes (default 700 KiB). Uploads travel base64 in a GraphQL body,
   * which the gateway and the subgraph cap at 1 MiB: a larger limit needs larger body limits too.
   */
  CONVERSATIONS_DOCUMENT_MAX_BYTES: z.coerce.number().int().positive().optional(),
  /** How often the document index job looks for waiting documents besides being woken (default 5 min). */
  CONVERSATIONS_DOCUMENT_INDEX_INTERVAL_MS: z.coerce.number().int().positive().optional(),
});

export type ConversationsEnvironment = z.infer<typeof schema>;

export const conversationsEnvironment = {
  schema,
  options(environment: ConversationsEnvironment): Promise<ConversationsOptions> {
    return Promise.resolve({
      piiKeyring: environment.CONVERSATIONS_PII_KEYRING,
      oauthClients: environment.CHANNEL_OAUTH_CLIENTS,
      tokenRefreshIntervalMs: environment.CHANNEL_TOKEN_REFRESH_INTERVAL_MS,
      storageDir: environment.CONVERSATIONS_STORAGE_DIR,
      documentMaxBytes: environment.CONVERSATIONS_DOCUMENT_MAX_BYTES,
      documentIndexIntervalMs: environment.CONVERSATIONS_DOCUMENT_INDEX_INTERVAL_MS,
    });
  },
};
