import { buildSchema, parse } from 'graphql';
import { DEFAULT_QUERY_LIMITS, operationCost, structuralRefusal } from '../src/limits';

const schema = buildSchema(`
  type Query {
    me: User
    users(first: Int = 20): UserConnection!
    tags: [String!]!
    sessions(first: Int, after: String): UserConnection!
    history(last: Int, before: String): UserConnection!
    recent(first: Int = 5): [User!]!
  }
  type User { id: ID!, friends: [User!]!, contacts(first: Int = 20): ContactConnection }
  type UserConnection { edges: [UserEdge!]!, totalCount: Int! }
  type UserEdge { node: User! }
  type ContactConnection { nodes: [Contact!]! }
  type Contact { id: ID! }
`);
const limits = DEFAULT_QUERY_LIMITS;
const cost = (query: string, variables: Record<string, unknown> = {}) =>
  operationCost(schema, parse(query), variables, undefined, limits);

describe('operationCost', () => {
  it('counts a field 1 and multiplies children by first, taking the argument’s default', () => {
    expect(cost('{ me { id } }')).toBe(2);
    // users 1 + 5 × (edges 1 + node 1 + id 1)
    expect(cost('{ users(first: 5) { edges { node { id } } } }')).toBe(16);
    expect(cost('{ users { totalCount } }')).toBe(1 + 20 * 1);
    expect(cost('query($n: Int) { users(first: $n) { totalCount } }', { n: 50 })).toBe(51);
  });

  it('multiplies nested pages, and assumes a size for lists without first', () => {
    // users 1 + 10 × (edges 1 + node 1 + contacts 1 + 10 × (nodes 1 + id 1))
    expect(cost('{ users(first: 10) { edges { node { contacts(first: 10) { nodes { id } } } } } }')).toBe(
      1 + 10 * (3 + 10 * 2),
    );
    expect(cost('{ me { friends { id } } }')).toBe(1 + 1 + limits.assumedListSize);
    expect(cost('{ tags }')).toBe(1);
  });
});

describe('operationCost of a page size left open', () => {
  const assumed = limits.assumedListSize;

  it('counts a first argument without an SDL default as the assumed list size (what resolvers page)', () => {
    expect(cost('{ sessions { totalCount } }')).toBe(1 + assumed);
    expect(cost('{ sessions(first: 3) { totalCount } }')).toBe(1 + 3);
    expect(cost('query($n: Int) { sessions(first: $n) { totalCount } }')).toBe(1 + assumed);
  });

  it('counts an explicit null like a left-out argument: the SDL default, else the assumed size', () => {
    expect(cost('{ sessions(first: null) { totalCount } }')).toBe(1 + assumed);
    expect(cost('query($n: Int) { sessions(first: $n) { totalCount } }', { n: null })).toBe(1 + assumed);
    expect(cost('{ users(first: null) { totalCount } }')).toBe(1 + 20);
    expect(cost('{ recent(first: null) { id } }')).toBe(1 + 5);
    expect(cost('query($n: Int) { recent(first: $n) { id } }', { n: null })).toBe(1 + 5);
  });

  it('treats last like first', () => {
    expect(cost('{ history { totalCount } }')).toBe(1 + assumed);
    expect(cost('{ history(last: null) { totalCount } }')).toBe(1 + assumed);
    expect(cost('{ history(last: 7) { totalCount } }')).toBe(1 + 7);
  });

  it('uses the configured assumed list size', () => {
    const sized = (query: string) =>
      operationCost(schema, parse(query), {}, undefined, { ...limits, assumedListSize: 50 });
    expect(sized('{ sessions { totalCount } }')).toBe(51);
    expect(sized('{ users { totalCount } }')).toBe(21);
  });
});

describe('structuralRefusal', () => {
  it('lets well-formed, modest documents and non-documents through (Apollo answers those)', () => {
    expect(structuralRefusal(schema, '{ me { id } }', limits)).toBeNull();
    expect(structuralRefusal(schema, '{ me { ', limits)).toBeNull();
    expect(structuralRefusal(schema, undefined, limits)).toBeNull();
  });

  it('names the limit, its maximum and what it found', () => {
    const deep = `{ me ${'{ friends '.repeat(15)}{ id }${' }'.repeat(15)} }`;
    expect(structuralRefusal(schema, deep, limits)?.extensions).toMatchObject({
      code: 'MAX_DEPTH_EXCEEDED',
      details: { limit: 'depth', max: 12, found: 17 },
    });
    const aliases = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    expect(structuralRefusal(schema, aliases, limits)?.extensions).toMatchObject({
      code: 'MAX_ALIASES_EXCEEDED',
      details: { limit: 'aliases', max: 30, found: 31 },
    });
  });
});
