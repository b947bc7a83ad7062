import { z } from 'zod';
import { parseFieldKeyring, serviceEnvironmentSchema, type FieldKeyring } from '@platform/service-kit';
import type { BillingOptions } from './service';

/** billing's settings beyond the kit's: the only place that reads process.env (through the kit). */
const schema = serviceEnvironmentSchema('billing', 4004).extend({
  /**
   * The keys billing contacts' and addresses' personal data is encrypted with (JSON, crm's format:
   * `{ "active": "k1", "keys": { "k1": "<32 bytes, base64>" }, "blindIndexKey": "<32 bytes, base64>" }`).
   * To rotate, add a key and make it active: the old ones still decrypt, rows are sealed anew with
   * the active key at their next change.
   */
  BILLING_PII_KEYRING: z
    .string({ error: 'BILLING_PII_KEYRING is required: the keyring billing info is encrypted with (JSON)' })
    .transform((value, context): FieldKeyring => {
      try {
        return parseFieldKeyring(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        return z.NEVER;
      }
    }),
});

export type BillingEnvironment = z.infer<typeof schema>;

export const billingEnvironment = {
  schema,
  options(environment: BillingEnvironment): Promise<BillingOptions> {
    return Promise.resolve({ piiKeyring: environment.BILLING_PII_KEYRING });
  },
};
