import { z } from 'zod';
import { serviceEnvironmentSchema } from '@platform/service-kit';
import type { AutomationOptions } from './service';

/** automation's settings beyond the kit's: how email goes out. */
const schema = serviceEnvironmentSchema('automation', 4005).extend({
  /** An SMTP server (`smtp://user:password@host:587`, `smtps://…`); unset: the local mailbox. */
  SMTP_URL: z.url().optional(),
  /** The From of every email. */
  EMAIL_FROM: z.string().min(3).optional(),
});

export type AutomationEnvironment = z.infer<typeof schema>;

export const automationEnvironment = {
  schema,
  options(environment: AutomationEnvironment): Promise<AutomationOptions> {
    return Promise.resolve({
      ...(environment.SMTP_URL ? { smtpUrl: environment.SMTP_URL } : {}),
      ...(environment.EMAIL_FROM ? { emailFrom: environment.EMAIL_FROM } : {}),
    });
  },
};
