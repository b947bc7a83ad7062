import { createRequire } from 'node:module';
import type { Readable, Writable } from 'node:stream';

import {
  parseArguments,
  USAGE,
  UsageError,
  type DatasourceArgument,
  type EngineInvocation,
} from './arguments';
import { InvalidDatasourceUrlError, parsePostgresUrl } from './connection-url';
import { canConnect, createDatabase, dropTargetDatabase } from './databases';
import { cleanEngineMessage } from './errors';
import { logLine, Logger } from './log';
import { KnownEngineError } from './postgres-errors';
import type * as ServerModule from './server';
import { wasmEngineVersion } from './wasm';

/**
 * The server module (the WASM engine glue, @prisma/adapter-pg) is loaded only in server mode: the
 * one-shot commands and --version, which the CLI runs before most commands, start twice as fast.
 */
function loadServerModule(): typeof ServerModule {
  return createRequire(__filename)('./server') as typeof ServerModule;
}

export interface EngineIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

/**
 * One-shot `cli <command>`: exit 0 on success. On failure exit 1 and write JSON lines to stderr; the
 * CLI drops the first line and looks for a `schema_engine::logger` ERROR line with `error_code` and
 * `message` (P1003 from can-connect-to-database makes it call create-database next).
 */
async function runCliCommand(
  command: string,
  datasource: DatasourceArgument | undefined,
  io: EngineIo,
): Promise<number> {
  const logger = new Logger(io.stderr);
  logger.info(`Starting schema engine bridge CLI command ${command}`);
  try {
    if (datasource?.url === undefined) throw new Error('The `cli` commands need --datasource with a url.');
    const target = parsePostgresUrl(datasource.url);
    switch (command) {
      case 'can-connect-to-database':
        await canConnect(target);
        break;
      case 'create-database': {
        const name = await createDatabase(target);
        io.stdout.write(`Database '${name}' was successfully created.\n`);
        break;
      }
      case 'drop-database':
        await dropTargetDatabase(target);
        io.stdout.write(`The database was successfully dropped.\n`);
        break;
      default:
        throw new UsageError(`unknown cli command: ${command}`);
    }
    return 0;
  } catch (error) {
    const fields: Record<string, unknown> = { is_panic: false };
    if (error instanceof KnownEngineError) fields.error_code = error.errorCode;
    const message = error instanceof Error ? cleanEngineMessage(error.message) : String(error);
    logger.write(logLine('ERROR', message, fields, 'schema_engine::logger'));
    return 1;
  }
}

/** Runs the schema engine bridge for a command line; resolves to the process exit code. */
export async function runSchemaEngine(argv: readonly string[], io: EngineIo): Promise<number> {
  let invocation: EngineInvocation;
  try {
    invocation = parseArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  switch (invocation.kind) {
    case 'version':
      io.stdout.write(`schema-engine-cli ${await wasmEngineVersion()}\n`);
      return 0;
    case 'help':
      io.stdout.write(USAGE);
      return 0;
    case 'cli':
      return runCliCommand(invocation.command, invocation.datasource, io);
    case 'server': {
      const logger = new Logger(io.stderr);
      const { EngineServer } = loadServerModule();
      let server: ServerModule.EngineServer;
      try {
        server = new EngineServer({
          datamodels: invocation.datamodels,
          datasource: invocation.datasource,
          input: io.stdin,
          output: io.stdout,
          logger,
        });
      } catch (error) {
        if (!(error instanceof InvalidDatasourceUrlError)) throw error;
        logger.log('ERROR', error.message, { is_panic: false, error_code: 'P1013' }, 'schema_engine::logger');
        return 1;
      }
      logger.info('Starting schema engine bridge RPC server', { git_hash: await wasmEngineVersion() });
      return server.run();
    }
  }
}
