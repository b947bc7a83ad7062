/**
 * Composes the five subgraph schemas into gateway/supergraph.graphql.
 *   pnpm --filter @platform/gateway compose         write it
 *   pnpm --filter @platform/gateway compose:check   fail on composition errors or a stale file (CI)
 * Add --hints to print composition hints (e.g. differing descriptions of a shared type).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { composeSupergraph, readSubgraphSources } from '../src/composition';

const root = path.resolve(__dirname, '..', '..');
const target = path.resolve(__dirname, '..', 'supergraph.graphql');
const relativeTarget = path.relative(root, target);

class CompositionFailed extends Error {
  constructor(readonly lines: string[]) {
    super(lines[0]);
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const { sources, missing } = readSubgraphSources(root);
  if (missing.length > 0) {
    throw new CompositionFailed([
      'cannot compose the supergraph: missing subgraph schemas',
      ...missing.map((file) => `  ${file}`),
    ]);
  }
  const result = composeSupergraph(sources);
  if (!result.ok) {
    throw new CompositionFailed([
      `composition failed with ${result.errors.length} error(s):`,
      ...result.errors.map((error) => `  ${error}`),
    ]);
  }
  if (argv.includes('--hints')) {
    for (const hint of result.hints) process.stderr.write(`hint: ${hint}\n`);
  } else if (result.hints.length > 0) {
    process.stderr.write(`${result.hints.length} composition hint(s); --hints prints them\n`);
  }
  // Formatted like every other file, so the repository's format check passes on it.
  const supergraph = await format(result.supergraphSdl, {
    ...(await resolveConfig(target)),
    parser: 'graphql',
  });

  if (argv.includes('--check')) {
    const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
    if (current !== supergraph) {
      throw new CompositionFailed([
        `${relativeTarget} is ${current === undefined ? 'missing' : 'stale'}: run pnpm --filter @platform/gateway compose`,
      ]);
    }
    process.stdout.write(`${relativeTarget} is up to date (${sources.length} subgraphs)\n`);
    return;
  }
  writeFileSync(target, supergraph);
  process.stdout.write(`wrote ${relativeTarget} (${sources.length} subgraphs)\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const lines = error instanceof CompositionFailed ? error.lines : [String(error)];
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.exit(1);
});
