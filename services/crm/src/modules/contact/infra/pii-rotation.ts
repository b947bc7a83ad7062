import { FieldDecryptionError, type Logger } from '@platform/service-kit';
import type { CrmDependencies } from '../../../service';
import { resealInteractions } from '../../interaction/infra/interaction-pii';
import {
  identifiersOf,
  nameSortKey,
  openContact,
  PLAINTEXT_KEY_ID,
  sealContact,
  searchTokensOf,
} from './contact-pii';

/**
 * Key rotation for personal data: contacts' and interactions' rows sealed with a key other than the
 * keyring's active one (or written before encryption) are opened and sealed again with the active key,
 * a batch at a time, each organization's rows in that organization's tenant transaction. The old key
 * keeps decrypting the rows not yet done, so reads never wait for the job. Contact rows that were
 * plaintext get their blind indexes too (an identifier another live contact already holds is left to
 * that contact). Contacts go first; interactions fill what a batch has room left for.
 */

export const ROTATION_BATCH_SIZE = 200;

/** A row whose personal data does not open, and its table. */
export interface UnreadableRow {
  table: 'contacts' | 'interactions';
  id: string;
}

type Stale = Array<{ id: string; organization_id: string }>;

/** The ids of up to `limit` rows of `table` still sealed with another key than `active`, by organization. */
async function staleRows(
  database: CrmDependencies['database'],
  table: UnreadableRow['table'],
  active: string,
  skip: ReadonlySet<string>,
  limit: number,
): Promise<Map<string, string[]>> {
  const stale = await database.$transaction(async (tx) => {
    // The key_rotation_scan policy shows ids and key ids across organizations to this query only.
    await tx.$executeRaw`SELECT set_config('app.key_rotation', 'on', true)`;
    return table === 'contacts'
      ? tx.$queryRaw<Stale>`
          SELECT id, organization_id FROM contacts
          WHERE pii_key_id <> ${active} AND NOT (id = ANY(${[...skip]}::uuid[]))
          ORDER BY organization_id LIMIT ${limit}`
      : tx.$queryRaw<Stale>`
          SELECT id, organization_id FROM interactions
          WHERE pii_key_id <> ${active} AND NOT (id = ANY(${[...skip]}::uuid[]))
          ORDER BY organization_id LIMIT ${limit}`;
  });
  const byOrganization = new Map<string, string[]>();
  for (const row of stale)
    byOrganization.set(row.organization_id, [...(byOrganization.get(row.organization_id) ?? []), row.id]);
  return byOrganization;
}

const countOf = (byOrganization: Map<string, string[]>) =>
  [...byOrganization.values()].reduce((sum, ids) => sum + ids.length, 0);

/**
 * Re-seals up to `batchSize` rows (contacts first, then interactions with the room left); answers how
 * many rows it looked at, and those that do not open (tampered with, or sealed with a key no longer in
 * the ring): they are left as they are, and `skip` keeps the next batches from looking at them again.
 */
export async function rotatePiiBatch(
  dependencies: Pick<CrmDependencies, 'database' | 'tenants' | 'cipher'>,
  batchSize = ROTATION_BATCH_SIZE,
  skip: ReadonlySet<string> = new Set(),
): Promise<{ seen: number; unreadable: UnreadableRow[] }> {
  const { database, tenants, cipher } = dependencies;
  const active = cipher.activeKeyId;
  const byOrganization = await staleRows(database, 'contacts', active, skip, batchSize);
  const contactsSeen = countOf(byOrganization);
  const unreadable: UnreadableRow[] = [];
  for (const [organizationId, ids] of byOrganization) {
    await tenants.write(organizationId, [], async (tx) => {
      const rows = await tx.contact.findMany({
        where: { organizationId, id: { in: ids }, NOT: { piiKeyId: active } },
      });
      for (const row of rows) {
        let opened: ReturnType<typeof openContact>;
        try {
          opened = openContact(cipher, row);
        } catch (error) {
          if (!(error instanceof FieldDecryptionError)) throw error;
          unreadable.push({ table: 'contacts', id: row.id });
          continue;
        }
        const contact = { id: row.id, organizationId, ...opened };
        await tx.contact.update({
          where: { id: row.id },
          // Not a change of the contact: its updatedAt stays.
          data: {
            ...sealContact(cipher, contact),
            nameSortKey: nameSortKey(contact),
            updatedAt: row.updatedAt,
          },
        });
        // The search tokens of its names (rows stored before name search had none).
        await tx.contactSearchToken.deleteMany({ where: { contactId: row.id } });
        await tx.contactSearchToken.createMany({
          data: searchTokensOf(cipher, contact).map((token) => ({
            organizationId,
            contactId: row.id,
            token,
          })),
        });
        if (row.piiKeyId === PLAINTEXT_KEY_ID && row.deletedAt === null) {
          await tx.contactIdentifier.createMany({
            data: identifiersOf(cipher, contact),
            skipDuplicates: true,
          });
        }
      }
    });
  }
  const room = batchSize - contactsSeen;
  const interactions =
    room > 0 ? await staleRows(database, 'interactions', active, skip, room) : new Map<string, string[]>();
  for (const [organizationId, ids] of interactions) {
    const failed = await tenants.write(organizationId, [], (tx) =>
      resealInteractions(tx, cipher, organizationId, ids),
    );
    unreadable.push(...failed.map((id) => ({ table: 'interactions' as const, id })));
  }
  return { seen: contactsSeen + countOf(interactions), unreadable };
}

/** Runs `rotatePiiBatch` now and every `intervalMs`, straight on while batches come back full. */
export function startPiiRotation(
  dependencies: Pick<CrmDependencies, 'database' | 'tenants' | 'cipher'>,
  options: { intervalMs: number; logger: Logger; batchSize?: number },
): { stop(): Promise<void> } {
  const batchSize = options.batchSize ?? ROTATION_BATCH_SIZE;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  // Rows that do not open stay as they are; each is reported once per process.
  const unreadable = new Set<string>();
  const run = async (): Promise<void> => {
    try {
      let total = 0;
      for (let seen = batchSize; seen === batchSize && !stopped;) {
        const batch = await rotatePiiBatch(dependencies, batchSize, unreadable);
        seen = batch.seen;
        total += batch.seen - batch.unreadable.length;
        for (const row of batch.unreadable) {
          unreadable.add(row.id);
          if (row.table === 'contacts') {
            options.logger.error(
              { contactId: row.id },
              'a contact’s personal data does not open; left on its old key',
            );
          } else {
            options.logger.error(
              { interactionId: row.id },
              'an interaction’s subject or content does not open; left on its old key',
            );
          }
        }
      }
      if (total > 0) {
        options.logger.info(
          { rows: total, keyId: dependencies.cipher.activeKeyId },
          'contacts and interactions re-encrypted',
        );
      }
    } catch (error) {
      options.logger.error({ err: error }, 'key rotation failed; retrying at the next interval');
    }
    if (!stopped) schedule(options.intervalMs);
  };
  const schedule = (delayMs: number) => {
    timer = setTimeout(() => {
      running = run();
    }, delayMs);
    timer.unref();
  };
  schedule(0);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
