import { createOutboxWakeups, type EventConsumer, type OutboxWakeups } from '@platform/events';
import type { Messaging } from '@platform/messaging';
import type { GraphQLResolverMap } from '@apollo/subgraph';
import { GraphQLScalarType, Kind } from 'graphql';
import { resolvers as scalarResolvers } from 'graphql-scalars';
import { DecimalScalar } from './decimal-scalar';
import type { z } from 'zod';
import type { DatabaseOptions, PrismaDatabase } from './database';
import {
  baseServiceSettings,
  processEnvironment,
  serviceEnvironmentSchema,
  telemetrySettings,
  type ServiceEnvironment,
} from './environment';
import type { RequestContext } from './graphql-http';
import type { RouteHandler } from './http-server';
import { createLogger, type Logger } from './logger';
import { createServiceMetrics, type ServiceMetrics } from './metrics';
import { loadServiceSchema } from './schema';
import { startServiceRuntime, type ServiceRuntime, type ServiceStartOptions } from './service-runtime';
import { onShutdown } from './shutdown';
import { installTelemetry } from './telemetry';

/**
 * A module: one aggregate's slice of a service (its SDL part, resolvers, domain and repository). The
 * service's module list is generated from `src/modules/*` (see @platform/codegen), so adding an
 * aggregate adds a folder and touches no central list.
 */
export interface ServiceModule<TDependencies, TContext extends object> {
  /** The module's resolvers, typed where they are written with the service's generated types. */
  readonly resolvers: Readonly<Record<string, object>>;
  /**
   * Called once when the service starts; returns what the module adds to each request's context
   * (its operations, and fresh DataLoaders: a loader caches, and must never outlive its request).
   */
  readonly context: (dependencies: TDependencies) => (request: RequestContext) => TContext;
}

export function defineModule<TDependencies, TContext extends object>(
  module: ServiceModule<TDependencies, TContext>,
): ServiceModule<TDependencies, TContext> {
  return module;
}

/**
 * What the kit gives a service to build its dependencies from. Services wrap `database` with
 * `tenantDatabase(database, outbox)` for tenant transactions that write their events to the outbox.
 */
export interface ServiceFoundation<TDatabase> {
  /** The service's name (its writes are audited as this service's). */
  service: string;
  /** The service's Prisma client (connected as its application role). */
  database: TDatabase;
  /**
   * Wakes the outbox relay: `TenantDatabase.write` calls it after each commit that wrote events, and
   * consumers pass it to `startEventConsumer({ wakeups })`.
   */
  outbox: OutboxWakeups;
  logger: Logger;
  /** The service's metrics (its consumers report to them). */
  metrics: ServiceMetrics;
}

export interface ServiceDefinition<
  TDatabase extends PrismaDatabase,
  TDependencies,
  TExtra extends object,
  TEnvironment extends ServiceEnvironment = ServiceEnvironment,
> {
  name: string;
  defaultPort: number;
  /** The service's `src` folder (pass `__dirname` from `src/service.ts`). */
  sourceDirectory: string;
  /**
   * The service's Prisma client: `observeQueries(new PrismaClient(prismaClientOptions(url)), options)`
   * with its generated class.
   */
  database(url: string, options: DatabaseOptions): TDatabase;
  /** Generated from `src/modules/*` (`src/generated/modules.ts`). */
  modules: ReadonlyArray<ServiceModule<TDependencies, object>>;
  /** Builds the service's dependencies once at start (repositories, domain services). */
  dependencies(
    foundation: ServiceFoundation<TDatabase>,
    options: ServiceStartOptions & TExtra,
  ): TDependencies;
  /** Starts the service's event consumers once messaging is up. */
  consumers?(
    dependencies: TDependencies,
    messaging: Messaging,
    options: ServiceStartOptions & TExtra,
  ): Promise<EventConsumer[]>;
  /**
   * Background jobs of the service (crm's key rotation), started once the service runs and stopped
   * first when it closes.
   */
  jobs?(dependencies: TDependencies, options: ServiceStartOptions & TExtra): Array<{ stop(): Promise<void> }>;
  /** Extra unauthenticated HTTP routes by exact path (identity's JWKS) or by `…/*` prefix (webhooks by id). */
  routes?(dependencies: TDependencies, options: ServiceStartOptions & TExtra): Record<string, RouteHandler>;
  /**
   * Settings beyond the kit's (a zod object extending `serviceEnvironmentSchema`) and how they become
   * start options; only services with settings of their own have one.
   */
  environment?: {
    schema: z.ZodType<TEnvironment>;
    options(environment: TEnvironment): Promise<TExtra>;
  };
}

export interface RunningService<TDatabase> extends ServiceRuntime {
  database: TDatabase;
}

function mergeResolvers(maps: ReadonlyArray<Readonly<Record<string, object>>>): Record<string, object> {
  const merged: Record<string, object> = {};
  for (const map of maps) {
    for (const [typeName, fields] of Object.entries(map)) {
      const existing = merged[typeName];
      if (fields instanceof GraphQLScalarType || existing instanceof GraphQLScalarType) {
        if (existing && existing !== fields) throw new Error(`scalar ${typeName} is resolved twice`);
        merged[typeName] = fields;
        continue;
      }
      for (const field of Object.keys(fields)) {
        if (existing && field in existing) throw new Error(`${typeName}.${field} is resolved by two modules`);
      }
      merged[typeName] = { ...existing, ...fields };
    }
  }
  return merged;
}

/**
 * The resolver of every custom scalar the schema declares and no module resolves: the kit's Decimal, or
 * graphql-scalars' scalar of that name.
 */
function scalarsOf(typeDefs: ReturnType<typeof loadServiceSchema>, resolved: Record<string, object>) {
  const scalars: Record<string, GraphQLScalarType> = {};
  for (const definition of typeDefs.definitions) {
    if (definition.kind !== Kind.SCALAR_TYPE_DEFINITION || definition.name.value in resolved) continue;
    const name = definition.name.value;
    const resolver =
      name === 'Decimal'
        ? DecimalScalar
        : (scalarResolvers as Record<string, GraphQLScalarType | undefined>)[name];
    if (!resolver) throw new Error(`scalar ${name} has no resolver (not a graphql-scalars scalar)`);
    scalars[name] = resolver;
  }
  return scalars;
}

/** Declares a service; `start` runs it in-process (tests), `runServiceMain` as a process. */
export function defineService<
  TDatabase extends PrismaDatabase,
  TDependencies,
  TExtra extends object,
  TEnvironment extends ServiceEnvironment = ServiceEnvironment,
>(definition: ServiceDefinition<TDatabase, TDependencies, TExtra, TEnvironment>) {
  const typeDefs = loadServiceSchema(definition.sourceDirectory);
  const moduleResolvers = mergeResolvers(definition.modules.map((module) => module.resolvers));
  const resolvers = { ...scalarsOf(typeDefs, moduleResolvers), ...moduleResolvers };

  async function start(options: ServiceStartOptions & TExtra): Promise<RunningService<TDatabase>> {
    const database = definition.database(options.databaseUrl, { onQuery: options.onQuery });
    const outbox = createOutboxWakeups();
    const metrics = options.metrics ?? createServiceMetrics(definition.name);
    const dependencies = definition.dependencies(
      { service: definition.name, database, outbox, logger: options.logger, metrics },
      options,
    );
    const contexts = definition.modules.map((module) => module.context(dependencies));
    const runtime = await startServiceRuntime<RequestContext>({
      service: definition.name,
      start: { ...options, metrics },
      typeDefs,
      resolvers: resolvers as GraphQLResolverMap<RequestContext>,
      // Each module adds its part (operations, fresh loaders) to the request's context.
      context: (request): RequestContext =>
        contexts.reduce<RequestContext>((context, part) => ({ ...context, ...part(request) }), {
          ...request,
        }),
      routes: definition.routes?.(dependencies, options),
      consumers: definition.consumers
        ? (messaging) => definition.consumers?.(dependencies, messaging, options) ?? Promise.resolve([])
        : undefined,
      outboxWakeups: outbox,
      onClose: () => database.$disconnect(),
    });
    const jobs = definition.jobs?.(dependencies, options) ?? [];
    return {
      ...runtime,
      database,
      async close() {
        await Promise.all(jobs.map((job) => job.stop()));
        await runtime.close();
      },
    };
  }

  return { ...definition, typeDefs, resolvers, start };
}

/**
 * A service process: reads its environment, starts, stops cleanly on SIGINT/SIGTERM, and exits
 * non-zero with the reason logged when it cannot start.
 */
export function runServiceMain<
  TDatabase extends PrismaDatabase,
  TDependencies,
  TExtra extends object,
  TEnvironment extends ServiceEnvironment,
>(
  service: ServiceDefinition<TDatabase, TDependencies, TExtra, TEnvironment> & {
    start(options: ServiceStartOptions & TExtra): Promise<RunningService<TDatabase>>;
  },
): void {
  const schema = service.environment?.schema ?? serviceEnvironmentSchema(service.name, service.defaultPort);
  const parsed = schema.safeParse(processEnvironment());
  if (!parsed.success) {
    // Nothing is running yet and the logger's level is one of the settings: say why on stderr.
    process.stderr.write(`${service.name}: invalid settings: ${parsed.error.message}\n`);
    process.exit(1);
  }
  const environment = parsed.data as TEnvironment;
  const logger = createLogger(service.name, environment.LOG_LEVEL);
  const telemetry = telemetrySettings(environment, service.name);
  const tracing = telemetry ? installTelemetry(telemetry) : null;
  if (tracing?.otlpUrl) logger.info({ url: tracing.otlpUrl }, 'exporting traces over OTLP/HTTP');
  const start = async () => {
    // A service without settings of its own has no extra options (TExtra is then the empty object).
    const extra = service.environment ? await service.environment.options(environment) : ({} as TExtra);
    return service.start({
      ...baseServiceSettings(environment),
      logger,
      // The process's own metrics belong to the one service the process runs.
      metrics: createServiceMetrics(service.name, { processMetrics: true }),
      ...extra,
    });
  };
  start().then(
    (running) =>
      onShutdown(logger, async () => {
        await running.close();
        // What is still buffered goes out before the process ends.
        await tracing?.shutdown();
      }),
    (error: unknown) => {
      logger.fatal({ err: error }, 'failed to start');
      process.exit(1);
    },
  );
}
