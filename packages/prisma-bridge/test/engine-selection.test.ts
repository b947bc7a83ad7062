import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import {
  BRIDGE_EXECUTABLE,
  candidatePrismaPackages,
  decideSchemaEngine,
  findNativeSchemaEngine,
  platformPrismaConfig,
} from '../src/index';
import { databaseUrl, ScratchDatabases } from './support/database';
import { environmentValue, withProcessEnvironment } from './support/environment';
import { BRIDGE, PACKAGE_DIR, TempProject, TEST_TIMEOUT } from './support/project';

const NATIVE = '/opt/engines/schema-engine-debian-openssl-3.0.x';
const none = (): undefined => undefined;
const native = (): string => NATIVE;

describe('decideSchemaEngine', () => {
  test('uses the native engine when one is installed and nothing is set', () => {
    expect(
      decideSchemaEngine({ engineChoice: undefined, schemaEngineBinary: undefined }, native),
    ).toMatchObject({
      engine: 'native',
      binary: undefined,
    });
  });

  test('uses the bridge when no native engine is installed', () => {
    expect(decideSchemaEngine({ engineChoice: undefined, schemaEngineBinary: undefined }, none)).toEqual({
      engine: 'bridge',
      binary: BRIDGE_EXECUTABLE,
      reason: 'no native schema engine installed',
    });
    expect(decideSchemaEngine({ engineChoice: 'auto', schemaEngineBinary: undefined }, none).engine).toBe(
      'bridge',
    );
  });

  test('respects an explicit PRISMA_SCHEMA_ENGINE_BINARY', () => {
    const custom = '/usr/local/bin/schema-engine';
    expect(decideSchemaEngine({ engineChoice: undefined, schemaEngineBinary: custom }, none)).toMatchObject({
      engine: 'native',
      binary: custom,
    });
    expect(
      decideSchemaEngine({ engineChoice: undefined, schemaEngineBinary: BRIDGE_EXECUTABLE }, native),
    ).toMatchObject({ engine: 'bridge', binary: BRIDGE_EXECUTABLE });
  });

  test('PRISMA_ENGINE=bridge forces the bridge, PRISMA_ENGINE=native the native engine', () => {
    expect(
      decideSchemaEngine({ engineChoice: 'bridge', schemaEngineBinary: '/x/schema-engine' }, native),
    ).toMatchObject({
      engine: 'bridge',
      binary: BRIDGE_EXECUTABLE,
    });
    expect(decideSchemaEngine({ engineChoice: 'native', schemaEngineBinary: undefined }, none)).toMatchObject(
      {
        engine: 'native',
        binary: undefined,
      },
    );
    // Forcing native drops an inherited bridge setting.
    expect(
      decideSchemaEngine({ engineChoice: 'native', schemaEngineBinary: BRIDGE_EXECUTABLE }, none),
    ).toMatchObject({
      engine: 'native',
      binary: undefined,
    });
  });

  test('rejects other PRISMA_ENGINE values', () => {
    expect(() => decideSchemaEngine({ engineChoice: 'rust', schemaEngineBinary: undefined }, none)).toThrow(
      'PRISMA_ENGINE must be "bridge", "native" or "auto", got "rust".',
    );
  });
});

describe('findNativeSchemaEngine', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'prisma-bridge-layout-'));
    for (const name of ['prisma', '@prisma/engines']) {
      await mkdir(path.join(root, 'node_modules', name), { recursive: true });
      await writeFile(
        path.join(root, 'node_modules', name, 'package.json'),
        JSON.stringify({ name, version: '0.0.0' }),
      );
    }
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('finds the engine in the @prisma/engines folder, ignoring download leftovers', async () => {
    const prismaDir = path.join(root, 'node_modules', 'prisma');
    const enginesDir = path.join(root, 'node_modules', '@prisma', 'engines');
    await writeFile(path.join(enginesDir, 'schema-engine-debian-openssl-3.0.x.gz'), '');
    await writeFile(path.join(enginesDir, 'schema-engine-debian-openssl-3.0.x.sha256'), '');
    expect(findNativeSchemaEngine([prismaDir])).toBeUndefined();

    const engine = path.join(enginesDir, 'schema-engine-debian-openssl-3.0.x');
    await writeFile(engine, '#!/bin/sh\n');
    await chmod(engine, 0o755);
    expect(findNativeSchemaEngine([prismaDir])).toBe(engine);
  });

  test('finds the engine next to the prisma package too', async () => {
    const prismaDir = path.join(root, 'node_modules', 'prisma');
    const engine = path.join(prismaDir, 'schema-engine-linux-musl-openssl-3.0.x');
    await writeFile(engine, '#!/bin/sh\n');
    await chmod(engine, 0o755);
    expect(findNativeSchemaEngine([prismaDir])).toBe(engine);
  });

  test('candidatePrismaPackages resolves prisma from the given folders', () => {
    expect(candidatePrismaPackages([root])).toContain(path.join(root, 'node_modules', 'prisma'));
  });
});

describe('platformPrismaConfig', () => {
  const serviceDir = '/srv/services/crm';

  test('builds the service config: schema, migrations, datasource', () => {
    const config = withProcessEnvironment({ PRISMA_ENGINE: 'bridge' }, () =>
      platformPrismaConfig({
        serviceDir,
        databaseUrl: 'postgresql://u@h:5432/crm',
        shadowDatabaseUrl: 'postgresql://u@h:5432/crm_shadow',
        seed: 'tsx prisma/seed.ts',
      }),
    );
    expect(config.schema).toBe('/srv/services/crm/prisma/schema.prisma');
    expect(config.migrations).toEqual({
      path: '/srv/services/crm/prisma/migrations',
      seed: 'tsx prisma/seed.ts',
    });
    expect(config.datasource).toEqual({
      url: 'postgresql://u@h:5432/crm',
      shadowDatabaseUrl: 'postgresql://u@h:5432/crm_shadow',
    });
    const withoutUrl = withProcessEnvironment({ PRISMA_ENGINE: 'bridge' }, () =>
      platformPrismaConfig({ serviceDir, databaseUrl: undefined }),
    );
    expect(withoutUrl.datasource).toBeUndefined();
  });

  test('sets PRISMA_SCHEMA_ENGINE_BINARY to the bridge when forced, clears it when native is forced', () => {
    const bridged = withProcessEnvironment(
      { PRISMA_ENGINE: 'bridge', PRISMA_SCHEMA_ENGINE_BINARY: undefined },
      () => {
        platformPrismaConfig({ serviceDir, databaseUrl: undefined });
        return environmentValue('PRISMA_SCHEMA_ENGINE_BINARY');
      },
    );
    expect(bridged).toBe(BRIDGE);

    const nativeChoice = withProcessEnvironment(
      { PRISMA_ENGINE: 'native', PRISMA_SCHEMA_ENGINE_BINARY: BRIDGE },
      () => {
        platformPrismaConfig({ serviceDir, databaseUrl: undefined });
        return environmentValue('PRISMA_SCHEMA_ENGINE_BINARY');
      },
    );
    expect(nativeChoice).toBeUndefined();
  });
});

describe('a prisma.config.ts using platformPrismaConfig', () => {
  const databases = new ScratchDatabases();
  let project: TempProject | undefined;

  afterAll(async () => {
    await project?.remove();
    await databases.dropAll();
  });

  test(
    'chooses the engine for the CLI that loads it (the bridge when no native engine is installed)',
    async () => {
      const db = databases.name('config');
      project = await TempProject.create({ platformConfig: true, databaseUrl: databaseUrl(db) });
      const nativeInstalled = findNativeSchemaEngine(candidatePrismaPackages([PACKAGE_DIR])) !== undefined;

      // No PRISMA_SCHEMA_ENGINE_BINARY in the environment: the config decides.
      const version = await project.prisma(['version'], { PRISMA_SCHEMA_ENGINE_BINARY: undefined });
      expect(version.code).toBe(0);
      if (nativeInstalled) {
        expect(version.stdout).not.toContain('bin/schema-engine');
      } else {
        expect(version.stdout).toContain(
          `(at ${path.relative(project.dir, BRIDGE)}, resolved by PRISMA_SCHEMA_ENGINE_BINARY)`,
        );
        const deploy = await project.prisma(['migrate', 'deploy'], {
          PRISMA_SCHEMA_ENGINE_BINARY: undefined,
        });
        expect(deploy.output).toContain('No migration found in prisma/migrations');
        expect(deploy.code).toBe(0);
      }

      const forced = await project.prisma(['version'], {
        PRISMA_SCHEMA_ENGINE_BINARY: undefined,
        PRISMA_ENGINE: 'bridge',
      });
      expect(forced.stdout).toContain('resolved by PRISMA_SCHEMA_ENGINE_BINARY');
      expect(forced.stdout).toContain('bin/schema-engine');
    },
    TEST_TIMEOUT,
  );
});
