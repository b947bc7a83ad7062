import { z } from 'zod';
import { fieldKeyringSetting, serviceEnvironmentSchema } from '@platform/service-kit';
import { httpPaymentProvider } from './modules/payment/infra/http-payment-provider';
import { LOCAL_PAYMENT_PROVIDER } from './modules/payment/infra/local-provider/server';
import type { BillingOptions } from './service';

/** billing's settings beyond the kit's: the payment provider and billing info's keyring. */
const schema = serviceEnvironmentSchema('billing', 4004)
  .extend({
    /**
     * A payment provider's API (a server speaking the local provider's protocol, e.g. one local provider
     * shared by several billing replicas). Unset: billing runs the local payment provider in-process.
     */
    PAYMENT_PROVIDER_URL: z.url().optional(),
    /** The provider's secret API key (with PAYMENT_PROVIDER_URL). */
    PAYMENT_PROVIDER_SECRET_KEY: z.string().min(8).optional(),
    /** The secret the provider signs webhooks with (with PAYMENT_PROVIDER_URL). */
    PAYMENT_WEBHOOK_SECRET: z.string().min(8).optional(),
    /** The in-process local provider's port (0: a free one; its URL is logged). */
    LOCAL_PAYMENT_PROVIDER_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    /** How long the local provider's payments stay processing before their outcome. */
    LOCAL_PAYMENT_PROVIDER_OUTCOME_DELAY_MS: z.coerce.number().int().min(0).default(1000),
    /**
     * The keys billing contacts' and addresses' personal data is encrypted with (JSON, crm's format:
     * `{ "active": "k1", "keys": { "k1": "<32 bytes, base64>" }, "blindIndexKey": "<32 bytes, base64>" }`).
     * To rotate, add a key and make it active: the old ones still decrypt, rows are sealed anew with
     * the active key at their next change.
     */
    BILLING_PII_KEYRING: fieldKeyringSetting('BILLING_PII_KEYRING', 'billing info'),
  })
  .superRefine((environment, context) => {
    const given = [
      environment.PAYMENT_PROVIDER_URL,
      environment.PAYMENT_PROVIDER_SECRET_KEY,
      environment.PAYMENT_WEBHOOK_SECRET,
    ].filter((value) => value !== undefined).length;
    if (given !== 0 && given !== 3) {
      context.addIssue({
        code: 'custom',
        path: ['PAYMENT_PROVIDER_URL'],
        message:
          'PAYMENT_PROVIDER_URL, PAYMENT_PROVIDER_SECRET_KEY and PAYMENT_WEBHOOK_SECRET go together (none: the local payment provider)',
      });
    }
  });

export type BillingEnvironment = z.infer<typeof schema>;

export const billingEnvironment = {
  schema,
  options(environment: BillingEnvironment): Promise<BillingOptions> {
    const { PAYMENT_PROVIDER_URL: url, PAYMENT_PROVIDER_SECRET_KEY: secretKey } = environment;
    const webhookSecret = environment.PAYMENT_WEBHOOK_SECRET;
    if (url && secretKey && webhookSecret) {
      return Promise.resolve({
        piiKeyring: environment.BILLING_PII_KEYRING,
        paymentProvider: httpPaymentProvider({
          name: LOCAL_PAYMENT_PROVIDER,
          baseUrl: url,
          secretKey,
          webhookSecret,
        }),
      });
    }
    return Promise.resolve({
      piiKeyring: environment.BILLING_PII_KEYRING,
      localPaymentProvider: {
        port: environment.LOCAL_PAYMENT_PROVIDER_PORT,
        outcomeDelayMs: environment.LOCAL_PAYMENT_PROVIDER_OUTCOME_DELAY_MS,
      },
    });
  },
};
