import { parse } from 'graphql';
import {
  ACCESS_DIRECTIVES_SDL,
  anonymousContext,
  createSubgraphServer,
  generateInternalContextKeys,
  importInternalContextPrivateKey,
  MAX_JSON_DEPTH,
  nestsDeeperThan,
  signInternalContext,
  type KeyLike,
  type RequestContext,
  type RunningSubgraph,
} from '../src';
import {
  findUnstorableLiterals,
  findUnstorableVariables,
  MAX_INPUT_GUARD_ISSUES,
  unstorableReason,
} from '../src/input-guard';
import { capturingLogger, postGraphQL, type LogLine } from './support';

const HIGH = '\uD83D';
const LOW = '\uDE00';

describe('unstorableReason', () => {
  it.each([
    ['a NUL character', 'Ada\u0000Lovelace', 'nul_character'],
    ['only a NUL character', '\u0000', 'nul_character'],
    ['a lone high surrogate', `Ada${HIGH}`, 'unpaired_surrogate'],
    ['a lone high surrogate before another character', `${HIGH}x`, 'unpaired_surrogate'],
    ['a lone low surrogate', `${LOW}Ada`, 'unpaired_surrogate'],
    ['two high surrogates', `${HIGH}${HIGH}${LOW}`, 'unpaired_surrogate'],
    ['a reversed pair', `${LOW}${HIGH}`, 'unpaired_surrogate'],
    ['a BEL', 'Ada\u0007', 'control_character'],
    ['an escape sequence', '\u001b[31mred', 'control_character'],
    ['a backspace', 'a\bb', 'control_character'],
    ['DEL', 'a\u007f', 'control_character'],
    ['a C1 control', 'a\u0085b', 'control_character'],
  ])('refuses %s', (_what, value, reason) => {
    expect(unstorableReason(value)).toBe(reason);
  });

  it.each([
    ['plain text', 'Ada Lovelace'],
    ['the empty string', ''],
    ['a surrogate pair (emoji)', `smile ${HIGH}${LOW}`],
    ['tab, line feed and carriage return', 'one\ttwo\nthree\r\n'],
    ['text right around the controls', ' ~\u00a0\u00ff'],
    ['U+FFFD and non-characters', '\uFFFD\uFFFE\uFFFF'],
  ])('accepts %s', (_what, value) => {
    expect(unstorableReason(value)).toBeUndefined();
  });
});

describe('findUnstorableVariables', () => {
  it('addresses strings nested in objects, lists and JSON values by their path', () => {
    const issues = findUnstorableVariables({
      input: {
        givenName: 'Ada\u0000',
        familyName: 'Lovelace',
        tags: ['ok', `bad${LOW}`],
        customFields: { nested: [{ deeper: '\u0000' }], [`key\u0000`]: 'value' },
      },
      id: 'fine',
    });
    expect(issues).toEqual([
      { path: 'input.givenName', code: 'nul_character', message: expect.stringContaining('NUL') as unknown },
      {
        path: 'input.tags.1',
        code: 'unpaired_surrogate',
        message: expect.stringContaining('surrogate') as unknown,
      },
      {
        path: 'input.customFields.nested.0.deeper',
        code: 'nul_character',
        message: expect.any(String) as unknown,
      },
      {
        path: 'input.customFields."key\\u0000"',
        code: 'nul_character',
        message: expect.any(String) as unknown,
      },
    ]);
  });

  it('finds nothing in clean, empty or missing variables', () => {
    expect(
      findUnstorableVariables({ input: { name: 'x', count: 2, flags: [true, null], json: {} } }),
    ).toEqual([]);
    expect(findUnstorableVariables({})).toEqual([]);
    expect(findUnstorableVariables(undefined)).toEqual([]);
  });

  it('walks JSON nested far deeper than the call stack would allow', () => {
    let value: unknown = '\u0000';
    for (let depth = 0; depth < 200_000; depth += 1) value = { a: value };
    const issues = findUnstorableVariables({ json: value });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path.startsWith('json.a.a.a')).toBe(true);
  });

  it('reports a bounded number of issues', () => {
    const issues = findUnstorableVariables({ tags: Array.from({ length: 1_000 }, () => '\u0000') });
    expect(issues).toHaveLength(MAX_INPUT_GUARD_ISSUES);
    expect(issues[0]?.path).toBe('tags.0');
  });
});

describe('findUnstorableLiterals', () => {
  it('addresses inline argument literals from the argument name, and variable defaults by $name', () => {
    const document = parse(`
      mutation ($tag: String = "t\\u0000") {
        create(input: { name: "Ada\\u0000", tags: ["ok", "x\\u0000"], id: $id }, note: "fine") { id }
        other(id: "\\u0000") @include(if: true) { id }
      }
    `);
    expect(findUnstorableLiterals(document).map((found) => found.path)).toEqual([
      '$tag',
      'input.name',
      'input.tags.1',
      'id',
    ]);
  });

  it('finds nothing in a document without unstorable literals', () => {
    expect(findUnstorableLiterals(parse('{ contact(id: "7") { id } }'))).toEqual([]);
  });
});

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, the value itself being level 1', () => {
    expect(nestsDeeperThan({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(nestsDeeperThan({ a: [{ b: 1 }] }, 2)).toBe(true);
    expect(nestsDeeperThan({ a: [], b: { c: 'x' } }, 2)).toBe(false);
    expect(nestsDeeperThan('text', 0)).toBe(false);
  });

  it('measures nesting far deeper than the call stack would allow', () => {
    let value: unknown = 1;
    for (let depth = 0; depth < 200_000; depth += 1) value = [value];
    expect(nestsDeeperThan(value, MAX_JSON_DEPTH)).toBe(true);
  });
});

describe('input guard on a subgraph', () => {
  const typeDefs = parse(/* GraphQL */ `
    ${ACCESS_DIRECTIVES_SDL}
    scalar JSONObject

    input NoteInput {
      text: String!
      tags: [String!]
      data: JSONObject
    }

    type Note {
      id: ID!
      text: String!
    }

    type Query {
      note(id: ID!): Note @public
    }

    type Mutation {
      addNote(input: NoteInput!): Note! @public
    }
  `);

  let subgraph: RunningSubgraph;
  let privateKey: KeyLike;
  let logLines: LogLine[];
  const written: string[] = [];

  beforeAll(async () => {
    const keys = await generateInternalContextKeys();
    privateKey = await importInternalContextPrivateKey(keys.privateJwk);
    const { logger, lines } = capturingLogger();
    logLines = lines;
    subgraph = await createSubgraphServer<RequestContext>({
      service: 'notes',
      port: 0,
      logger,
      typeDefs,
      internalContextKey: keys.publicJwk,
      context: (base) => ({ ...base }),
      resolvers: {
        Query: {
          note: (_parent: unknown, args: { id: string }) => ({ id: args.id, text: 'stored' }),
        },
        Mutation: {
          addNote: (_parent: unknown, args: { input: { text: string } }) => {
            written.push(args.input.text);
            return { id: String(written.length), text: args.input.text };
          },
        },
      },
    });
  });

  afterAll(async () => {
    await subgraph.close();
  });

  const call = async (query: string, variables: Record<string, unknown> = {}) =>
    postGraphQL(
      subgraph.graphqlUrl,
      { query, variables },
      {
        'x-internal-context': await signInternalContext(privateKey, anonymousContext(), {
          requestId: 'guard',
        }),
      },
    );

  const ADD = 'mutation ($input: NoteInput!) { addNote(input: $input) { id text } }';

  it('answers a NUL character in a variable with BAD_USER_INPUT naming the path, before the resolver runs', async () => {
    const before = written.length;
    const result = await call(ADD, { input: { text: 'Ada\u0000Lovelace', tags: ['a'] } });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      errors: [
        {
          message: 'input.text must not contain the NUL character (U+0000)',
          extensions: {
            code: 'BAD_USER_INPUT',
            details: {
              issues: [
                {
                  path: 'input.text',
                  code: 'nul_character',
                  message: 'must not contain the NUL character (U+0000)',
                },
              ],
            },
          },
        },
      ],
    });
    expect(written).toHaveLength(before);
  });

  it('refuses lone surrogates in lists and in JSON scalars, every issue at once', async () => {
    const result = await call(ADD, {
      input: { text: 'ok', tags: ['fine', `x${HIGH}`], data: { deep: { er: [`${LOW}`] } } },
    });
    expect(result.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: {
        issues: [
          { path: 'input.tags.1', code: 'unpaired_surrogate' },
          { path: 'input.data.deep.er.0', code: 'unpaired_surrogate' },
        ],
      },
    });
  });

  it('refuses a NUL character written inline in the operation', async () => {
    const before = written.length;
    const result = await call('mutation { addNote(input: { text: "Ada\\u0000" }) { id } }');
    expect(result.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { issues: [{ path: 'input.text', code: 'nul_character' }] },
    });
    expect(written).toHaveLength(before);
  });

  it('guards queries too', async () => {
    const result = await call('query ($id: ID!) { note(id: $id) { id } }', { id: '\u0000' });
    expect(result.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { issues: [{ path: 'id' }] },
    });
  });

  it('lets clean input through, tabs, line breaks and emoji included', async () => {
    const text = `tab\there,\r\nnew line, smile ${HIGH}${LOW}`;
    const result = await call(ADD, { input: { text, data: { note: 'x' } } });
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toEqual({ addNote: { id: String(written.length), text } });
  });

  it('refuses a request body nested deeper than MAX_JSON_DEPTH with 400 BAD_REQUEST, before parsing the operation', async () => {
    const headers = {
      'content-type': 'application/json',
      'x-internal-context': await signInternalContext(privateKey, anonymousContext(), { requestId: 'deep' }),
    };
    // Written by hand: JSON.stringify itself gives up a little over 4,000 levels deep.
    const nested = (levels: number) => `${'{"a":'.repeat(levels)}"x"${'}'.repeat(levels)}`;
    const body = (levels: number) =>
      `{"query":${JSON.stringify(ADD)},"variables":{"input":{"text":"ok","data":${nested(levels)}}}}`;
    const before = written.length;

    const tooDeep = await fetch(subgraph.graphqlUrl, { method: 'POST', headers, body: body(5_000) });
    expect(tooDeep.status).toBe(400);
    expect(await tooDeep.json()).toEqual({
      errors: [
        {
          message: `request body nests deeper than ${MAX_JSON_DEPTH} levels`,
          extensions: { code: 'BAD_REQUEST' },
        },
      ],
    });
    expect(written).toHaveLength(before);

    // body, variables, input, data: the JSON value itself may nest the rest of the way.
    const deepest = await fetch(subgraph.graphqlUrl, {
      method: 'POST',
      headers,
      body: body(MAX_JSON_DEPTH - 4),
    });
    expect(deepest.status).toBe(200);
    expect(written).toHaveLength(before + 1);
  });

  it('does not log refused input as an unexpected error', () => {
    expect(logLines.filter((line) => line.msg === 'unexpected error in operation')).toEqual([]);
  });
});
