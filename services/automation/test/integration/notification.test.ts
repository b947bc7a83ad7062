import { randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { createEvent, toKafkaMessage, topicName, type CatalogEvent } from '@platform/events';
import { withTenant } from '@platform/service-kit';
import { newTenant, serviceUnderTest } from '@platform/service-kit/testing';
import { eventually } from '@platform/testing';
import { LOCAL_MAILBOX_PATH, startAutomationService, type AutomationService } from '../../src/service';

// Email delivery: identity's email requests become notifications, delivered by the local mailbox (the
// default) or by SMTP to a real SMTP server started here, once per event.

function emailRequest(
  organizationId: string,
  to: string,
  template: 'invitation' | 'password_reset' = 'invitation',
) {
  return createEvent('identity.email.requested.v1', {
    source: '/services/identity',
    subject: randomUUID(),
    tenantId: organizationId,
    data: {
      messageId: randomUUID(),
      organizationId,
      to,
      template,
      locale: null,
      variables:
        template === 'invitation'
          ? {
              organizationName: 'Acme <Realty>',
              inviterName: 'Ada',
              acceptUrl: 'https://app.example/accept-invitation?token=inv_abc',
              token: 'inv_abc',
              expiresAt: '2026-12-06T10:00:00.000Z',
            }
          : {
              resetUrl: 'https://app.example/reset-password?token=prt_xyz',
              token: 'prt_xyz',
              expiresAt: '2026-11-29T11:00:00.000Z',
            },
    },
  });
}

async function publish(service: AutomationService, prefix: string, ...events: CatalogEvent[]): Promise<void> {
  await service.messaging.producer.send(topicName('identity.email', prefix), events.map(toKafkaMessage));
}

async function notificationsOf(service: AutomationService, organizationId: string) {
  return withTenant(service.database, organizationId, (tx) =>
    tx.notification.findMany({ where: { organizationId }, orderBy: { createdAt: 'asc' } }),
  );
}

describe('email through the local mailbox (the default)', () => {
  const subject = serviceUnderTest('automation', (env) => startAutomationService(env.startOptions()));

  const mailbox = async (to: string) => {
    const response = await fetch(`${subject.service.url}${LOCAL_MAILBOX_PATH}?to=${encodeURIComponent(to)}`);
    return {
      status: response.status,
      body: (await response.json()) as { messages: Array<Record<string, string>> },
    };
  };

  it('renders the invitation, keeps it in the mailbox for its address, and records it as sent, once', async () => {
    const tenant = newTenant();
    const to = `ada-${randomUUID().slice(0, 8)}@example.com`;
    const event = emailRequest(tenant.organizationId, to);
    await publish(subject.service, subject.env.kafka.topicPrefix, event, event);
    const messages = await eventually('the invitation in the mailbox', async () => {
      const { body } = await mailbox(to);
      return body.messages.length > 0 ? body.messages : undefined;
    });
    expect(messages[0]).toMatchObject({
      to,
      from: 'CRM Platform <no-reply@localhost>',
      subject: 'Ada invited you to Acme <Realty>',
    });
    expect(messages[0]?.['text']).toContain('https://app.example/accept-invitation?token=inv_abc');
    expect(messages[0]?.['html']).toContain('Acme &#60;Realty&#62;');
    const recorded = await notificationsOf(subject.service, tenant.organizationId);
    expect(recorded).toEqual([
      expect.objectContaining({
        channel: 'email',
        recipient: to,
        template: 'invitation',
        status: 'sent',
        provider: 'local_mailbox',
      }),
    ]);
    // The same event delivered twice sent one email.
    expect((await mailbox(to)).body.messages).toHaveLength(1);
  });

  it('answers 400 without an address, and reads nothing for an address that got nothing', async () => {
    expect((await fetch(`${subject.service.url}${LOCAL_MAILBOX_PATH}`)).status).toBe(400);
    expect((await mailbox('nobody@example.com')).body.messages).toEqual([]);
  });
});

describe('email over SMTP, to a real SMTP server', () => {
  const received: Array<{ from: string; to: string[]; raw: string }> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  let port = 0;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });

  const subject = serviceUnderTest('automation', (env) =>
    startAutomationService({
      ...env.startOptions(),
      smtpUrl: `smtp://127.0.0.1:${port}`,
      emailFrom: 'Acme CRM <crm@acme.example>',
    }),
  );

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('delivers the password reset to the SMTP server and records the provider’s message id; no local mailbox', async () => {
    const tenant = newTenant();
    const to = `grace-${randomUUID().slice(0, 8)}@example.com`;
    await publish(
      subject.service,
      subject.env.kafka.topicPrefix,
      emailRequest(tenant.organizationId, to, 'password_reset'),
    );
    const message = await eventually('the SMTP server received the email', () =>
      received.find((candidate) => candidate.to.includes(to)),
    );
    expect(message.from).toBe('crm@acme.example');
    expect(message.raw).toContain('Subject: Reset your password');
    // The body is quoted-printable: undo soft line breaks and =XX escapes.
    const decoded = message.raw
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    expect(decoded).toContain('Choose a new password: https://app.example/reset-password?token=prt_xyz');
    const recorded = await eventually('the notification recorded', async () => {
      const rows = await notificationsOf(subject.service, tenant.organizationId);
      return rows.length > 0 ? rows : undefined;
    });
    expect(recorded[0]).toMatchObject({
      provider: 'smtp',
      status: 'sent',
      providerMessageId: expect.any(String) as unknown,
    });
    expect((await fetch(`${subject.service.url}${LOCAL_MAILBOX_PATH}?to=${to}`)).status).toBe(404);
  });
});
