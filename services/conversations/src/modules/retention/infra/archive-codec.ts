import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * An archive's format: gzip-compressed JSON Lines, one stored `messages` row per line exactly as the
 * table holds it (`to_jsonb` of the row: every column by its SQL name, sealed columns still sealed), in
 * (sent_at, id) order. Copying the columns generically keeps the archive whole when columns are added.
 */
export type ArchivedRow = Record<string, unknown> & { id: string };

export class ArchiveFormatError extends Error {
  override readonly name = 'ArchiveFormatError';
}

export async function encodeArchive(
  rows: readonly ArchivedRow[],
): Promise<{ body: Buffer; checksum: string }> {
  const text = rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length > 0 ? '\n' : '');
  const body = await gzipAsync(Buffer.from(text, 'utf8'));
  return { body, checksum: sha256Hex(body) };
}

export async function decodeArchive(body: Buffer): Promise<ArchivedRow[]> {
  let text: string;
  try {
    text = (await gunzipAsync(body)).toString('utf8');
  } catch (error) {
    throw new ArchiveFormatError(`not gzip: ${(error as Error).message}`);
  }
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line, index) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new ArchiveFormatError(`line ${index + 1} is not JSON`);
      }
      if (typeof value !== 'object' || value === null || typeof (value as { id?: unknown }).id !== 'string') {
        throw new ArchiveFormatError(`line ${index + 1} is not a message row`);
      }
      return value as ArchivedRow;
    });
}

export function sha256Hex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

const sentAtOf = (row: ArchivedRow) => new Date(String(row.sent_at)).getTime();

/** An archive's rows and new ones, once per id (a new row replaces the archived one), in (sent_at, id) order. */
export function mergeArchivedRows(
  archived: readonly ArchivedRow[],
  added: readonly ArchivedRow[],
): ArchivedRow[] {
  const byId = new Map<string, ArchivedRow>();
  for (const row of archived) byId.set(row.id, row);
  for (const row of added) byId.set(row.id, row);
  return [...byId.values()].sort(
    (a, b) => sentAtOf(a) - sentAtOf(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
