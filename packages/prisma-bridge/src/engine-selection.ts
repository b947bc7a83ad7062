import { accessSync, constants, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';

import { readEngineEnvironment, setSchemaEngineBinary, type EngineEnvironment } from './environment';

/** Absolute path of the bridge executable (what PRISMA_SCHEMA_ENGINE_BINARY is set to). */
export const BRIDGE_EXECUTABLE = path.resolve(__dirname, '..', 'bin', 'schema-engine');

export type EngineKind = 'bridge' | 'native';

export interface EngineDecision {
  engine: EngineKind;
  /** What PRISMA_SCHEMA_ENGINE_BINARY should be: a path, or undefined to leave Prisma's own lookup. */
  binary: string | undefined;
  reason: string;
}

/** A file Prisma would run as its native schema engine: `schema-engine-<binary target>`. */
function isEngineExecutable(directory: string, name: string): boolean {
  if (!/^schema-engine-[a-z0-9][a-z0-9._-]*$/.test(name) || /\.(gz|sha256|sig|tmp|lock)$/.test(name))
    return false;
  const file = path.join(directory, name);
  try {
    if (!statSync(file).isFile()) return false;
    if (process.platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function resolvePackageDir(name: string, from: string): string | undefined {
  try {
    return path.dirname(realpathSync(require.resolve(`${name}/package.json`, { paths: [from] })));
  } catch {
    return undefined;
  }
}

/**
 * The `prisma` package directories whose CLI may be the one running: the current process's (when it
 * is the Prisma CLI loading a prisma.config.ts), then those resolved from `searchFrom` and from here.
 */
export function candidatePrismaPackages(searchFrom: readonly string[] = []): string[] {
  const dirs: string[] = [];
  const script = process.argv[1];
  if (script !== undefined) {
    try {
      const real = realpathSync(script);
      if (path.basename(path.dirname(real)) === 'build') {
        const candidate = path.dirname(path.dirname(real));
        if (path.basename(candidate) === 'prisma') dirs.push(candidate);
      }
    } catch {
      // not a file: not the Prisma CLI
    }
  }
  for (const from of [...searchFrom, __dirname]) {
    const dir = resolvePackageDir('prisma', from);
    if (dir !== undefined) dirs.push(dir);
  }
  return [...new Set(dirs)];
}

/**
 * The native schema engine binary where the Prisma CLI of a `prisma` package looks for it (in that
 * order: the `@prisma/engines` package directory, the `prisma` package directory, its parent, its
 * `runtime` folder), or undefined if none is installed.
 */
export function findNativeSchemaEngine(prismaPackageDirs: readonly string[]): string | undefined {
  for (const prismaDir of prismaPackageDirs) {
    const enginesDir = resolvePackageDir('@prisma/engines', prismaDir);
    const directories = [enginesDir, prismaDir, path.dirname(prismaDir), path.join(prismaDir, 'runtime')];
    for (const directory of directories) {
      if (directory === undefined) continue;
      let names: string[];
      try {
        names = readdirSync(directory);
      } catch {
        continue;
      }
      const found = names.find((name) => isEngineExecutable(directory, name));
      if (found !== undefined) return path.join(directory, found);
    }
  }
  return undefined;
}

/**
 * The rule: `PRISMA_ENGINE=bridge|native` forces the choice. Otherwise an explicit
 * PRISMA_SCHEMA_ENGINE_BINARY is respected, an installed native engine is used, and the bridge is
 * used only when no native engine is installed (as on machines that cannot download it).
 */
export function decideSchemaEngine(
  environment: EngineEnvironment,
  findNative: () => string | undefined,
): EngineDecision {
  const { engineChoice, schemaEngineBinary } = environment;
  const isBridge = (file: string | undefined): boolean =>
    file !== undefined && path.resolve(file) === BRIDGE_EXECUTABLE;
  switch (engineChoice) {
    case 'bridge':
      return { engine: 'bridge', binary: BRIDGE_EXECUTABLE, reason: 'PRISMA_ENGINE=bridge' };
    case 'native':
      return {
        engine: 'native',
        binary: isBridge(schemaEngineBinary) ? undefined : schemaEngineBinary,
        reason: 'PRISMA_ENGINE=native',
      };
    case undefined:
    case 'auto':
      break;
    default:
      throw new Error(`PRISMA_ENGINE must be "bridge", "native" or "auto", got "${engineChoice}".`);
  }
  if (schemaEngineBinary !== undefined) {
    return {
      engine: isBridge(schemaEngineBinary) ? 'bridge' : 'native',
      binary: schemaEngineBinary,
      reason: 'PRISMA_SCHEMA_ENGINE_BINARY is set',
    };
  }
  const native = findNative();
  if (native !== undefined) {
    return { engine: 'native', binary: undefined, reason: `native schema engine installed at ${native}` };
  }
  return { engine: 'bridge', binary: BRIDGE_EXECUTABLE, reason: 'no native schema engine installed' };
}

/**
 * Applies the rule to this process's environment, so that the Prisma CLI loading a prisma.config.ts
 * that calls this resolves the engine accordingly (the CLI reads PRISMA_SCHEMA_ENGINE_BINARY after
 * loading the config). `searchFrom`: directories to resolve the `prisma` package from.
 */
export function selectSchemaEngine(searchFrom: readonly string[] = []): EngineDecision {
  const environment = readEngineEnvironment();
  const decision = decideSchemaEngine(environment, () =>
    findNativeSchemaEngine(candidatePrismaPackages(searchFrom)),
  );
  if (decision.binary !== environment.schemaEngineBinary) setSchemaEngineBinary(decision.binary);
  return decision;
}
