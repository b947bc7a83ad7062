import { z } from 'zod';
import { fieldKeyringSetting, serviceEnvironmentSchema } from '@platform/service-kit';
import type { CrmOptions } from './service';

/** crm's settings beyond the kit's: the only place that reads process.env (through the kit). */
const schema = serviceEnvironmentSchema('crm', 4002).extend({
  /**
   * The keys personal data is encrypted with (JSON: `{ "active": "k2", "keys": { "k1": "<32 bytes,
   * base64>", "k2": "…" }, "blindIndexKey": "<32 bytes, base64>" }`). To rotate, add a key and make it
   * active: rows are re-encrypted in the background while the old key still decrypts them.
   */
  CRM_PII_KEYRING: fieldKeyringSetting('CRM_PII_KEYRING', 'personal data'),
  /**
   * The keyring lead events from conversations are sealed with in transit (crm's keyring format; the
   * same value as conversations' LEADS_TRANSIT_KEYRING). Unset: crm takes no leads from conversations.
   */
  LEADS_TRANSIT_KEYRING: fieldKeyringSetting(
    'LEADS_TRANSIT_KEYRING',
    'leads in transit from conversations',
  ).optional(),
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
      ...(environment.LEADS_TRANSIT_KEYRING
        ? { leadsTransitKeyring: environment.LEADS_TRANSIT_KEYRING }
        : {}),
    });
  },
};
