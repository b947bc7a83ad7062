/**
 * Runs the whole platform on this machine: PostgreSQL (found or started), one database per service
 * with its migrations applied, the Apache Kafka broker, every service and the gateway — then waits
 * for Ctrl-C and stops all it started. `--detach` returns once everything is ready; `stop` ends a
 * detached run; `--seed` signs up a demo organization (idempotent).
 *
 *   npm run platform                 # foreground
 *   npm run platform -- --detach     # background; `npm run platform -- stop` ends it
 *   npm run platform -- --seed       # also creates the demo organization
 *   npm run platform -- status
 *   npm run platform -- provision    # only PostgreSQL, roles, databases and migrations (for prisma CLI work)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { seedDemo } from './seed';
import {
  createGatewayDatabase,
  createServiceDatabase,
  ensureKafka,
  localPlatformKeys,
  ensurePostgres,
  ensureServiceRoles,
  migrateDeploy,
  childEnvironment,
  REPO_ROOT,
  serviceDir,
  SERVICE_PORTS,
  SERVICES,
  stopKafka,
  stopPostgres,
  waitFor,
  type ServiceName,
} from '../src';

const RUN_DIR = path.join(REPO_ROOT, '.local', 'run');
const STATE_FILE = path.join(RUN_DIR, 'platform.json');
const LOG_DIR = path.join(REPO_ROOT, '.local', 'logs');

const GATEWAY_PORT = 4000;
const GATEWAY_URL = `http://127.0.0.1:${GATEWAY_PORT}`;

const stateSchema = z.object({
  supervisorPid: z.number().int(),
  services: z.array(z.object({ name: z.string(), pid: z.number().int(), url: z.string() })),
  graphqlUrl: z.string(),
  postgres: z.object({
    adminUrl: z.string(),
    source: z.enum(['explicit', 'running', 'system', 'docker', 'embedded']),
    startedHere: z.boolean(),
  }),
  kafka: z.object({
    brokers: z.array(z.string()),
    source: z.enum(['explicit', 'running', 'local', 'docker']),
    startedHere: z.boolean(),
  }),
});
type PlatformState = z.infer<typeof stateSchema>;

const log = (message: string): void => {
  process.stderr.write(`[platform] ${message}\n`);
};

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readState(): PlatformState | undefined {
  if (!existsSync(STATE_FILE)) return undefined;
  const parsed = stateSchema.safeParse(JSON.parse(readFileSync(STATE_FILE, 'utf8')));
  return parsed.success ? parsed.data : undefined;
}

function runningState(): PlatformState | undefined {
  const state = readState();
  if (!state) return undefined;
  const alive = state.services.some((service) => isAlive(service.pid));
  return alive ? state : undefined;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

function printSummary(state: PlatformState): void {
  const lines = [
    '',
    'The platform is running:',
    `  GraphQL        ${state.graphqlUrl}`,
    ...state.services.map(
      (service) => `  ${service.name.padEnd(14)} ${service.url}  (health: /health/ready)`,
    ),
    `  postgres       ${state.postgres.source}`,
    `  kafka          ${state.kafka.brokers.join(',')} (${state.kafka.source})`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function prepareDatabase(adminUrl: string, service: ServiceName): Promise<string> {
  await ensureServiceRoles(adminUrl, service);
  const urls = await createServiceDatabase(adminUrl, service, service, { ifNotExists: true });
  log(`migrating ${service} (prisma migrate deploy)`);
  await migrateDeploy(service, urls.ownerUrl);
  return urls.appUrl;
}

function startProcess(
  name: string,
  cwd: string,
  port: number,
  environment: Record<string, string>,
  detach: boolean,
): { child: ChildProcess; url: string } {
  mkdirSync(LOG_DIR, { recursive: true });
  const out = openSync(path.join(LOG_DIR, `${name}.log`), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd,
    env: childEnvironment({ ...environment, PORT: String(port) }),
    stdio: ['ignore', out, out],
    detached: detach,
  });
  closeSync(out);
  if (detach) child.unref();
  return { child, url: `http://127.0.0.1:${port}` };
}

async function stopProcess(pid: number, name: string): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  try {
    await waitFor(`${name} to exit`, () => Promise.resolve(!isAlive(pid)), { timeoutMs: 15_000 });
  } catch {
    log(`${name} did not stop in time; killing it`);
    process.kill(pid, 'SIGKILL');
  }
}

async function stopAll(state: PlatformState): Promise<void> {
  for (const service of state.services) await stopProcess(service.pid, service.name);
  await stopKafka(state.kafka);
  await stopPostgres(state.postgres);
  rmSync(STATE_FILE, { force: true });
  log('stopped');
}

async function up(detach: boolean, seed: boolean): Promise<void> {
  const existing = runningState();
  if (existing) {
    log('the platform is already running (started earlier); reusing it');
    if (seed) await seedDemo(existing.graphqlUrl);
    printSummary(existing);
    return;
  }
  const postgres = await ensurePostgres(log);
  const kafka = await ensureKafka(log);
  const keys = await localPlatformKeys(REPO_ROOT);
  const state: PlatformState = {
    supervisorPid: process.pid,
    services: [],
    graphqlUrl: `${GATEWAY_URL}/graphql`,
    postgres,
    kafka,
  };
  const children: ChildProcess[] = [];
  const track = (name: string, started: { child: ChildProcess; url: string }): void => {
    if (started.child.pid === undefined) throw new Error(`could not start ${name}`);
    children.push(started.child);
    state.services.push({ name, pid: started.child.pid, url: started.url });
  };
  try {
    for (const service of SERVICES) {
      const databaseUrl = await prepareDatabase(postgres.adminUrl, service);
      const environment: Record<string, string> = {
        DATABASE_URL: databaseUrl,
        KAFKA_BROKERS: kafka.brokers.join(','),
        INTERNAL_CONTEXT_PUBLIC_JWK: JSON.stringify(keys.internalContext.publicJwk),
        ...(service === 'identity'
          ? {
              IDENTITY_SIGNING_JWK: JSON.stringify(keys.identitySigning.privateJwk),
              IDENTITY_SECRETS_KEY: keys.identitySecrets,
            }
          : {}),
        ...(service === 'crm' ? { CRM_PII_KEYRING: keys.crmPiiKeyring } : {}),
        ...(service === 'billing' ? { BILLING_PII_KEYRING: keys.billingPiiKeyring } : {}),
        ...(service === 'conversations' ? { CONVERSATIONS_PII_KEYRING: keys.conversationsPiiKeyring } : {}),
        // Leads travel from conversations to crm sealed with a keyring both hold.
        ...(service === 'crm' || service === 'conversations'
          ? { LEADS_TRANSIT_KEYRING: keys.leadsTransitKeyring }
          : {}),
      };
      track(service, startProcess(service, serviceDir(service), SERVICE_PORTS[service], environment, detach));
    }
    // The gateway fetches identity's JWKS on the first authenticated request, so it can start now.
    track(
      'gateway',
      startProcess(
        'gateway',
        path.join(REPO_ROOT, 'gateway'),
        GATEWAY_PORT,
        {
          INTERNAL_CONTEXT_PRIVATE_JWK: JSON.stringify(keys.internalContext.privateJwk),
          KAFKA_BROKERS: kafka.brokers.join(','),
          RATE_LIMIT_DATABASE_URL: await createGatewayDatabase(postgres.adminUrl),
        },
        detach,
      ),
    );
    mkdirSync(RUN_DIR, { recursive: true });
    writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
    for (const service of state.services) {
      await waitFor(
        `${service.name} to be ready (log: .local/logs/${service.name}.log)`,
        async () => {
          if (!isAlive(service.pid)) {
            throw new Error(`${service.name} exited during start; see .local/logs/${service.name}.log`);
          }
          return healthy(service.url);
        },
        { timeoutMs: 90_000, intervalMs: 300 },
      );
    }
  } catch (error) {
    await stopAll(state);
    throw error;
  }
  if (seed) await seedDemo(state.graphqlUrl);
  printSummary(state);
  if (detach) {
    log('detached; stop it with: npm run platform -- stop');
    return;
  }
  log('press Ctrl-C to stop (logs in .local/logs/)');
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      stopAll(state).then(resolve, (error: unknown) => {
        log(`stopping failed: ${String(error)}`);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    for (const child of children) {
      child.on('exit', (code) => {
        if (!stopping) log(`a service exited unexpectedly (code ${String(code)}); stopping the platform`);
        stop();
      });
    }
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const command = args.find((arg) => !arg.startsWith('-')) ?? 'up';
  switch (command) {
    case 'up':
      await up(args.includes('--detach'), args.includes('--seed'));
      return;
    case 'stop': {
      const state = readState();
      if (!state) {
        log('nothing to stop');
        return;
      }
      await stopAll(state);
      return;
    }
    case 'provision': {
      const postgres = await ensurePostgres(log);
      for (const service of SERVICES) await prepareDatabase(postgres.adminUrl, service);
      log(`databases ready on ${postgres.source} PostgreSQL; migrations applied`);
      return;
    }
    case 'status': {
      const state = runningState();
      if (!state) {
        log('not running');
        process.exitCode = 1;
        return;
      }
      printSummary(state);
      return;
    }
    default:
      throw new Error(`unknown command "${command}" (use up, stop, status or provision)`);
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
