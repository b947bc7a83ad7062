import path from 'node:path';

import { defineConfig } from 'prisma/config';

import { selectSchemaEngine } from './engine-selection';

export {
  BRIDGE_EXECUTABLE,
  candidatePrismaPackages,
  decideSchemaEngine,
  findNativeSchemaEngine,
  selectSchemaEngine,
  type EngineDecision,
  type EngineKind,
} from './engine-selection';
export { ENGINE_CHOICE_VARIABLE, SCHEMA_ENGINE_VARIABLE, type EngineEnvironment } from './environment';

export type PlatformPrismaConfig = ReturnType<typeof defineConfig>;

export interface PlatformPrismaConfigOptions {
  /** The service folder, holding prisma.config.ts (pass `__dirname`). */
  serviceDir: string;
  /** The service database's URL (`?schema=` is honoured). Undefined: commands that need a database fail. */
  databaseUrl: string | undefined;
  /** A dedicated shadow database; it is wiped before every use. Default: a temporary one per command. */
  shadowDatabaseUrl?: string | undefined;
  /** The schema file (or folder), relative to serviceDir. Default `prisma/schema.prisma`. */
  schema?: string;
  /** The migrations folder, relative to serviceDir. Default `prisma/migrations`. */
  migrations?: string;
  /** `migrations.seed`: the command `prisma db seed` runs. */
  seed?: string;
  /** `migrations.initShadowDb`: SQL run on the shadow database before the migrations. */
  initShadowDb?: string;
}

/**
 * The prisma.config.ts of a platform service: schema `prisma/schema.prisma`, migrations
 * `prisma/migrations`, the given datasource — and the schema engine choice: if no native schema
 * engine is installed (machines that cannot download it) and PRISMA_SCHEMA_ENGINE_BINARY is unset,
 * it points the CLI at this package's bridge. `PRISMA_ENGINE=bridge|native` forces either.
 */
export function platformPrismaConfig(options: PlatformPrismaConfigOptions): PlatformPrismaConfig {
  const serviceDir = path.resolve(options.serviceDir);
  selectSchemaEngine([serviceDir]);
  const datasource =
    options.databaseUrl !== undefined && options.databaseUrl !== ''
      ? {
          url: options.databaseUrl,
          ...(options.shadowDatabaseUrl !== undefined && options.shadowDatabaseUrl !== ''
            ? { shadowDatabaseUrl: options.shadowDatabaseUrl }
            : {}),
        }
      : undefined;
  return defineConfig({
    schema: path.join(serviceDir, options.schema ?? 'prisma/schema.prisma'),
    migrations: {
      path: path.join(serviceDir, options.migrations ?? 'prisma/migrations'),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.initShadowDb !== undefined ? { initShadowDb: options.initShadowDb } : {}),
    },
    ...(datasource !== undefined ? { datasource } : {}),
  });
}
