import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CodegenError, generateService, renderModules, typeBindings } from '../src';
import { ACCESS_DIRECTIVES_FILE, serviceSchemaFiles } from '../src/schema-files';

// The generator against a service folder made up on the spot: two modules, a mapper, an enum bound
// to a domain constant; then what it refuses.

const SCHEMA = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
scalar DateTime
`;

function serviceFolder(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'codegen-'));
  for (const [file, content] of Object.entries({ 'schema.graphql': SCHEMA, ...files })) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

const NOTE_MODULE = {
  'modules/note/note.graphql': `"A note." enum NoteKind { plain starred }
"A note." type Note @key(fields: "id") { id: ID! kind: NoteKind! at: DateTime! }
type Query { note(id: ID!): Note }`,
  'modules/note/note.mappers.ts': `export type NoteMapper = { id: string };\nexport { NoteKind } from './domain/note';\n`,
  'modules/note/module.ts': `export interface NoteModuleContext { notes: unknown }\nexport const noteModule = {};\n`,
};
const TAG_MODULE = {
  'modules/tag-list/tag-list.graphql': `type Query { tags: [String!]! }`,
  'modules/tag-list/module.ts': `export interface TagListModuleContext {}\nexport const tagListModule = {};\n`,
};

describe('platform-codegen', () => {
  const made: string[] = [];
  const folder = (files: Record<string, string>) => {
    const root = serviceFolder(files);
    made.push(root);
    return root;
  };
  afterAll(() => {
    for (const root of made) rmSync(root, { recursive: true, force: true });
  });

  it('lists the access directives, schema.graphql, then each module’s SDL in folder order', () => {
    const root = folder({ ...TAG_MODULE, ...NOTE_MODULE });
    const [access, ...files] = serviceSchemaFiles(root);
    expect(access).toBe(ACCESS_DIRECTIVES_FILE);
    expect(files.map((file) => path.relative(root, file))).toEqual([
      'schema.graphql',
      'modules/note/note.graphql',
      'modules/tag-list/tag-list.graphql',
    ]);
  });

  it('writes the module list and the Context type from every module.ts', () => {
    const modules = renderModules(folder({ ...NOTE_MODULE, ...TAG_MODULE }));
    expect(modules).toContain("import { noteModule, type NoteModuleContext } from '../modules/note/module';");
    expect(modules).toContain('export const modules = [noteModule, tagListModule] as const;');
    expect(modules).toContain(
      'export interface Context extends RequestContext, NoteModuleContext, TagListModuleContext {}',
    );
  });

  it('maps parents and binds enums from the mappers files', () => {
    expect(typeBindings(folder(NOTE_MODULE))).toMatchObject({
      mappers: { Note: '../modules/note/note.mappers#NoteMapper' },
      enumValues: { NoteKind: '../modules/note/note.mappers#NoteKind' },
      scalars: { DateTime: { input: 'Date', output: 'Date | string' } },
    });
  });

  it('refuses an enum no domain constant is bound to', () => {
    const root = folder({
      ...NOTE_MODULE,
      'modules/note/note.mappers.ts': 'export type NoteMapper = { id: string };\n',
    });
    expect(() => typeBindings(root)).toThrow(CodegenError);
    expect(() => typeBindings(root)).toThrow(/enum NoteKind is not bound to a domain constant/);
  });

  it('refuses a scalar it has no TypeScript type for, and a module without its exports', () => {
    expect(() =>
      typeBindings(folder({ ...TAG_MODULE, 'schema.graphql': `${SCHEMA}scalar Money\n` })),
    ).toThrow('scalar Money has no TypeScript mapping');
    expect(() =>
      renderModules(folder({ 'modules/tag-list/module.ts': 'export const tagListModule = {};\n' })),
    ).toThrow('modules/tag-list/module.ts must export TagListModuleContext');
  });

  it('generates resolver types with federation reference resolvers, parents mapped', async () => {
    const root = folder(NOTE_MODULE);
    await generateService(root);
    const types = readFileSync(path.join(root, 'generated', 'graphql.ts'), 'utf8');
    expect(types).toContain("import type { NoteMapper } from '../modules/note/note.mappers';");
    expect(types).toContain('__resolveReference?: ReferenceResolver');
    expect(types).toContain("import type { Context } from './modules';");
  }, 30_000);
});
