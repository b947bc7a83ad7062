import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isPermission } from '@platform/domain';
import { buildSchema, isObjectType, Kind, type GraphQLField } from 'graphql';

// Every Query and Mutation field of the composed supergraph declares who may call it, with exactly one
// of the access directives, naming a permission the platform knows. A field added without one fails
// here (and its service refuses to start).

const SUPERGRAPH = readFileSync(path.join(__dirname, '..', 'supergraph.graphql'), 'utf8');
const schema = buildSchema(SUPERGRAPH, { assumeValidSDL: true });
const ACCESS = new Set(['permission', 'signedIn', 'public']);

function declarations(field: GraphQLField<unknown, unknown>) {
  return (field.astNode?.directives ?? []).filter((directive) => ACCESS.has(directive.name.value));
}

const roots = [schema.getQueryType(), schema.getMutationType()].flatMap((type) =>
  type ? Object.values(type.getFields()).map((field) => [`${type.name}.${field.name}`, field] as const) : [],
);

describe('access declarations in the supergraph', () => {
  it('has the root fields to check', () => {
    expect(roots.length).toBeGreaterThan(20);
  });

  it.each(roots)('%s declares exactly one access directive', (_coordinate, field) => {
    expect(declarations(field)).toHaveLength(1);
  });

  it('names only permissions the platform knows, on root and entity fields alike', () => {
    const unknown: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        for (const directive of declarations(field)) {
          if (directive.name.value !== 'permission') continue;
          const name = directive.arguments?.find((argument) => argument.name.value === 'name')?.value;
          if (name?.kind !== Kind.STRING || !isPermission(name.value))
            unknown.push(`${type.name}.${field.name}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });
});
