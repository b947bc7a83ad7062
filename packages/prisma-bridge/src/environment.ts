/** The only module of this package's library code that reads or writes process.env. */

/** The variable the Prisma CLI reads for the schema engine executable's path. */
export const SCHEMA_ENGINE_VARIABLE = 'PRISMA_SCHEMA_ENGINE_BINARY';
/** Its deprecated predecessor, still honoured by the CLI. */
export const LEGACY_SCHEMA_ENGINE_VARIABLE = 'PRISMA_MIGRATION_ENGINE_BINARY';
/** Our switch: `bridge` or `native` forces the choice; unset (or `auto`) decides by what is installed. */
export const ENGINE_CHOICE_VARIABLE = 'PRISMA_ENGINE';

export interface EngineEnvironment {
  /** PRISMA_ENGINE as set (trimmed, lower-cased), or undefined. */
  engineChoice: string | undefined;
  /** PRISMA_SCHEMA_ENGINE_BINARY (or the deprecated PRISMA_MIGRATION_ENGINE_BINARY), or undefined. */
  schemaEngineBinary: string | undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

export function readEngineEnvironment(env: NodeJS.ProcessEnv = process.env): EngineEnvironment {
  return {
    engineChoice: nonEmpty(env[ENGINE_CHOICE_VARIABLE])?.toLowerCase(),
    schemaEngineBinary: nonEmpty(env[SCHEMA_ENGINE_VARIABLE]) ?? nonEmpty(env[LEGACY_SCHEMA_ENGINE_VARIABLE]),
  };
}

/** Points the Prisma CLI (running in this process) at an engine executable, or clears the setting. */
export function setSchemaEngineBinary(path: string | undefined, env: NodeJS.ProcessEnv = process.env): void {
  if (path === undefined) {
    delete env[SCHEMA_ENGINE_VARIABLE];
  } else {
    env[SCHEMA_ENGINE_VARIABLE] = path;
  }
}
