import {
  defineService,
  observeQueries,
  prismaClientOptions,
  withTenants,
  type RouteHandler,
  type ServiceStartOptions,
  type TenantFoundation,
} from '@platform/service-kit';
import { startMemberConsumer } from './consumers/members';
import { startNotificationConsumer } from './consumers/notifications';
import { startTriggerConsumer } from './consumers/triggers';
import { automationEnvironment } from './environment';
import type { EmailSender } from './modules/notification/domain/email-sender';
import { LOCAL_MAILBOX, localMailbox } from './modules/notification/infra/local-mailbox';
import { LOCAL_MAILBOX_PATH, localMailboxRoute } from './modules/notification/infra/mailbox-route';
import { smtpSender } from './modules/notification/infra/smtp';
import { modules } from './generated/modules';
import { PrismaClient, type Prisma } from './generated/prisma/client';

/** Prisma's client type with query events on (the kit counts statements through them). */
export type Database = PrismaClient<'query'>;

/** What automation's modules and consumers are built from. */
export interface AutomationDependencies extends TenantFoundation<Database, Prisma.TransactionClient> {
  /** How email goes out: the local mailbox unless SMTP is configured, and the sender address. */
  email: { sender: EmailSender<Prisma.TransactionClient>; from: string };
}

/** What automation takes beyond every service's start options. */
export interface AutomationOptions {
  /** An SMTP server for email (`smtp://user:password@host:587`); the local mailbox when absent. */
  smtpUrl?: string;
  /** The From of every email (default `CRM Platform <no-reply@localhost>`). */
  emailFrom?: string;
}

export const DEFAULT_EMAIL_FROM = 'CRM Platform <no-reply@localhost>';

/** automation: workflows (trigger, lifecycle) and their runs, started by the events they listen to. */
export const automationService = defineService({
  name: 'automation',
  defaultPort: 4005,
  sourceDirectory: __dirname,
  database: (url, options): Database => observeQueries(new PrismaClient(prismaClientOptions(url)), options),
  modules,
  dependencies: (foundation, options: ServiceStartOptions & AutomationOptions): AutomationDependencies => ({
    ...withTenants(foundation),
    email: {
      sender: options.smtpUrl ? smtpSender(options.smtpUrl) : localMailbox(),
      from: options.emailFrom ?? DEFAULT_EMAIL_FROM,
    },
  }),
  consumers: async (dependencies, messaging, options) => [
    await startTriggerConsumer(dependencies, messaging, options),
    await startNotificationConsumer(dependencies, messaging, options),
    await startMemberConsumer(dependencies, messaging, options),
  ],
  routes: (dependencies): Record<string, RouteHandler> =>
    dependencies.email.sender.provider === LOCAL_MAILBOX
      ? { [LOCAL_MAILBOX_PATH]: localMailboxRoute(dependencies.database) }
      : {},
  environment: automationEnvironment,
});

export type AutomationService = Awaited<ReturnType<typeof automationService.start>>;
export const startAutomationService = automationService.start;
export { LOCAL_MAILBOX_PATH } from './modules/notification/infra/mailbox-route';
