import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { composeSupergraph, readSubgraphSources, SUBGRAPHS } from '../src/composition';

const header = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])\n';

describe('supergraph composition', () => {
  it('names every missing subgraph schema instead of composing without it', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'compose-'));
    try {
      mkdirSync(path.join(root, 'services', 'crm', 'src'), { recursive: true });
      writeFileSync(
        path.join(root, 'services', 'crm', 'src', 'schema.graphql'),
        `${header}type Query { a: Int }`,
      );
      const { sources, missing } = readSubgraphSources(root);
      expect(sources.map((source) => source.name)).toEqual(['crm']);
      expect(missing).toEqual(
        SUBGRAPHS.filter(({ name }) => name !== 'crm').map(
          ({ name }) => `services/${name}/src/schema.graphql`,
        ),
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('reports composition errors with their codes', () => {
    const result = composeSupergraph([
      { name: 'one', url: 'http://127.0.0.1:1/graphql', sdl: `${header}type Query { size: Int }` },
      { name: 'two', url: 'http://127.0.0.1:2/graphql', sdl: `${header}type Query { size: String }` },
    ]);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.join('\n')).toMatch(/\[[A-Z_]+\].*size/);
  });
});
