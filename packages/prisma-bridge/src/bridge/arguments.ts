/** The datasource the CLI passes as `--datasource '<json>'` (its config's `datasource`). */
export interface DatasourceArgument {
  url?: string;
  shadowDatabaseUrl?: string;
}

export type EngineInvocation =
  | { kind: 'version' }
  | { kind: 'help' }
  | { kind: 'cli'; command: string; datasource: DatasourceArgument | undefined }
  | {
      kind: 'server';
      datamodels: string[];
      datasource: DatasourceArgument | undefined;
      previewFeatures: string[];
      extensionTypes: string | undefined;
    };

export class UsageError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function parseDatasource(json: string): DatasourceArgument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new UsageError('--datasource must be a JSON object');
  }
  if (!isRecord(parsed)) throw new UsageError('--datasource must be a JSON object');
  const datasource: DatasourceArgument = {};
  if (typeof parsed.url === 'string' && parsed.url !== '') datasource.url = parsed.url;
  if (typeof parsed.shadowDatabaseUrl === 'string' && parsed.shadowDatabaseUrl !== '') {
    datasource.shadowDatabaseUrl = parsed.shadowDatabaseUrl;
  }
  return datasource;
}

/** Parses the schema engine's command line, as the Prisma CLI builds it. */
export function parseArguments(argv: readonly string[]): EngineInvocation {
  const datamodels: string[] = [];
  const previewFeatures: string[] = [];
  const positional: string[] = [];
  let datasource: DatasourceArgument | undefined;
  let extensionTypes: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const raw = argv[index] ?? '';
    const equals = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = equals === -1 ? raw : raw.slice(0, equals);
    const takeValue = (): string => {
      if (equals !== -1) return raw.slice(equals + 1);
      const value = argv[index + 1];
      if (value === undefined) throw new UsageError(`${flag} needs a value`);
      index++;
      return value;
    };
    switch (flag) {
      case '--version':
      case '-V':
        return { kind: 'version' };
      case '--help':
      case '-h':
        return { kind: 'help' };
      case '--datamodels':
      case '-d':
        datamodels.push(takeValue());
        break;
      case '--datasource':
        datasource = parseDatasource(takeValue());
        break;
      case '--enabled-preview-features':
      case '-p':
        previewFeatures.push(
          ...takeValue()
            .split(',')
            .filter((name) => name !== ''),
        );
        break;
      case '--extension-types':
        extensionTypes = takeValue();
        break;
      default:
        if (raw.startsWith('-')) throw new UsageError(`unknown option ${raw}`);
        positional.push(raw);
    }
  }
  if (positional.length === 0) {
    return { kind: 'server', datamodels, datasource, previewFeatures, extensionTypes };
  }
  const [subcommand, command] = positional;
  if (subcommand !== 'cli' || command === undefined || positional.length > 2) {
    throw new UsageError(`unexpected arguments: ${positional.join(' ')}`);
  }
  return { kind: 'cli', command, datasource };
}

export const USAGE = `schema-engine (Prisma schema engine bridge over @prisma/schema-engine-wasm)

Usage:
  schema-engine --version
  schema-engine [--datamodels <path>]... [--datasource <json>]      JSON-RPC server on stdin/stdout
  schema-engine --datasource <json> cli <command>                   one-shot command

One-shot commands: can-connect-to-database, create-database, drop-database
`;
