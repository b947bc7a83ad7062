import { z } from 'zod';
import { parseFieldKeyring, serviceEnvironmentSchema, type FieldKeyring } from '@platform/service-kit';
import type { CrmOptions } from './service';

/** crm's settings beyond the kit's: the only place that reads process.env (through the kit). */
const schema = serviceEnvironmentSchema('crm', 4002).extend({
  /**
   * The keys personal data is encrypted with (JSON: `{ "active": "k2", "keys": { "k1": "<32 bytes,
   * base64>", "k2": "…" }, "blindIndexKey": "<32 bytes, base64>" }`). To rotate, add a key and make it
   * active: rows are re-encrypted in the background while the old key still decrypts them.
   */
  CRM_PII_KEYRING: z
    .string({ error: 'CRM_PII_KEYRING is required: the keyring personal data is encrypted with (JSON)' })
    .transform((value, context): FieldKeyring => {
      try {
        return parseFieldKeyring(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        return z.NEVER;
      }
    }),
  /** How often the key-rotation job looks for rows sealed with an old key. */
  CRM_PII_ROTATION_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
});

export type CrmEnvironment = z.infer<typeof schema>;

export const crmEnvironment = {
  schema,
  options(environment: CrmEnvironment): Promise<CrmOptions> {
    return Promise.resolve({
      piiKeyring: environment.CRM_PII_KEYRING,
      piiRotationIntervalMs: environment.CRM_PII_ROTATION_INTERVAL_MS,
    });
  },
};
