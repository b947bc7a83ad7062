import { withFlag, type RouteHandler } from '@platform/service-kit';
import type { Database } from '../../../service';

/** Where the local mailbox is read. */
export const LOCAL_MAILBOX_PATH = '/local-mailbox/messages';

/**
 * `GET /local-mailbox/messages?to=<address>`: the messages the local mailbox holds for an address,
 * newest first (at most 50) — what developers, tests and the seeded demo read instead of an inbox. Served
 * only while the local mailbox is the email provider (never with SMTP configured).
 */
export function localMailboxRoute(database: Database): RouteHandler {
  return async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const to = url.searchParams.get('to')?.trim().toLowerCase();
    const send = (status: number, body: unknown) => {
      const payload = JSON.stringify(body);
      response.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
      });
      response.end(payload);
    };
    if (request.method !== 'GET') {
      send(405, { error: 'use GET' });
      return;
    }
    if (!to) {
      send(400, { error: 'give the address: ?to=<email>' });
      return;
    }
    const messages = await withFlag(database, 'mailbox_read', (tx) =>
      tx.localMailboxMessage.findMany({ where: { to }, orderBy: { createdAt: 'desc' }, take: 50 }),
    );
    send(200, {
      messages: messages.map((message) => ({
        id: message.id,
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        createdAt: message.createdAt.toISOString(),
      })),
    });
  };
}
