/**
 * Hostile inputs for every root field of the supergraph, generated from the schema itself: a
 * valid-looking baseline per field and, per argument leaf, malformed and boundary values (empty, very
 * long, NUL and other control characters, lone UTF-16 surrogates, wrong enum spellings, foreign and
 * malformed ids, deeply nested JSON, numbers at and past the limits). A field added to any subgraph is
 * covered by the next run without anyone listing it here.
 */
import { randomUUID } from 'node:crypto';
import {
  buildSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isRequiredArgument,
  isScalarType,
  Kind,
  type ConstDirectiveNode,
  type GraphQLArgument,
  type GraphQLEnumType,
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';

export type OperationKind = 'query' | 'mutation';

export interface RootField {
  operation: OperationKind;
  name: string;
  field: GraphQLField<unknown, unknown>;
  /** The subgraph resolving the field, from the supergraph's join directives. */
  subgraph: string | undefined;
}

/** Federation internals a supergraph may mention; the gateway never exposes them as root fields. */
const FEDERATION_INTERNALS: ReadonlySet<string> = new Set(['_entities', '_service']);

function directive(
  node: { readonly directives?: ReadonlyArray<ConstDirectiveNode> } | null | undefined,
  name: string,
): ConstDirectiveNode[] {
  return (node?.directives ?? []).filter((found) => found.name.value === name);
}

function stringArgument(found: ConstDirectiveNode, name: string): string | undefined {
  const value = found.arguments?.find((argument) => argument.name.value === name)?.value;
  if (value?.kind === Kind.STRING || value?.kind === Kind.ENUM) return value.value;
  return undefined;
}

/** Hidden from the API schema by composition (`@inaccessible`): the gateway does not serve it. */
function isAccessible(item: {
  astNode?: { readonly directives?: ReadonlyArray<ConstDirectiveNode> } | null;
}) {
  return directive(item.astNode, 'inaccessible').length === 0;
}

/**
 * Builds the supergraph as a plain GraphQL schema (its join and link directives are declared in the
 * document itself) and lists every Query and Mutation field the gateway exposes.
 */
export function supergraphRootFields(supergraphSdl: string): { schema: GraphQLSchema; fields: RootField[] } {
  const schema = buildSchema(supergraphSdl, { assumeValidSDL: true });
  const graphs = new Map<string, string>();
  const graphEnum = schema.getType('join__Graph');
  if (isEnumType(graphEnum)) {
    for (const value of graphEnum.getValues()) {
      const name = directive(value.astNode, 'join__graph')[0];
      const subgraph = name ? stringArgument(name, 'name') : undefined;
      if (subgraph) graphs.set(value.name, subgraph);
    }
  }
  const fields: RootField[] = [];
  for (const [operation, type] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const) {
    if (!type) continue;
    const typeGraphs = directive(type.astNode, 'join__type').flatMap(
      (found) => stringArgument(found, 'graph') ?? [],
    );
    for (const field of Object.values(type.getFields())) {
      if (FEDERATION_INTERNALS.has(field.name) || !isAccessible(field)) continue;
      const joinField = directive(field.astNode, 'join__field')[0];
      const graph =
        (joinField && stringArgument(joinField, 'graph')) ??
        (typeGraphs.length === 1 ? typeGraphs[0] : undefined);
      fields.push({ operation, name: field.name, field, subgraph: graph ? graphs.get(graph) : undefined });
    }
  }
  return { schema, fields };
}

// ---------------------------------------------------------------------------------------------------
// Selection sets

/** Object depth of an automatic selection: the root field's type and one level below it. */
export const SELECTION_DEPTH = 2;

/**
 * Every leaf field (and `__typename`) of the returned type, and objects below it to `depth`, skipping
 * fields that need arguments. Empty for leaf types.
 */
export function selectionFor(type: GraphQLOutputType, depth = 1): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (!isObjectType(named) && !isInterfaceType(named)) return '{ __typename }';
  const parts = ['__typename'];
  for (const field of Object.values(named.getFields())) {
    if (!isAccessible(field) || field.args.some((argument) => isRequiredArgument(argument))) continue;
    if (isLeafType(getNamedType(field.type))) {
      parts.push(field.name);
    } else if (depth < SELECTION_DEPTH) {
      parts.push(`${field.name} ${selectionFor(field.type, depth + 1)}`);
    }
  }
  return `{ ${parts.join(' ')} }`;
}

// ---------------------------------------------------------------------------------------------------
// Ids known to the test, by GraphQL type name

/** Ids of one tenant's real objects, keyed by their GraphQL type; the first id seen is kept. */
export class IdPool {
  private readonly ids = new Map<string, string>();

  add(typename: string, id: string): void {
    if (!this.ids.has(typename)) this.ids.set(typename, id);
  }

  get(typename: string | undefined): string | undefined {
    return typename === undefined ? undefined : this.ids.get(typename);
  }

  /** Collects `{ __typename, id }` pairs anywhere in a response. */
  collect(data: unknown): void {
    const pending: unknown[] = [data];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (Array.isArray(next)) {
        pending.push(...(next as unknown[]));
      } else if (typeof next === 'object' && next !== null) {
        const record = next as Record<string, unknown>;
        const typename = record['__typename'];
        const id = record['id'];
        if (typeof typename === 'string' && typeof id === 'string') this.add(typename, id);
        pending.push(...Object.values(record));
      }
    }
  }
}

/** Argument names whose ids point at a type of another name (`ownerId` is a User). */
const ID_ALIASES: Readonly<Record<string, string>> = {
  owner: 'User',
  assignee: 'User',
  author: 'User',
  creator: 'User',
  actor: 'User',
  user: 'User',
  tenant: 'Organization',
  organization: 'Organization',
};

/** The GraphQL type an id argument names: `id` of a field returning X is an X, `contactId` a Contact. */
function idTargetType(schema: GraphQLSchema, root: RootField, leafName: string): string | undefined {
  if (leafName === 'id') return getNamedType(root.field.type).name;
  const match = /^(.+?)Ids?$/.exec(leafName);
  if (!match?.[1]) return undefined;
  const alias = ID_ALIASES[match[1]];
  if (alias) return alias;
  const candidate = `${match[1].charAt(0).toUpperCase()}${match[1].slice(1)}`;
  return schema.getType(candidate) ? candidate : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Values

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface GenerationContext {
  schema: GraphQLSchema;
  /** Ids of the acting tenant's own objects. */
  own: IdPool;
  /** Ids of another tenant's objects: an id that exists, but not for the caller. */
  foreign: IdPool;
}

let sequence = 0;
function unique(): string {
  sequence += 1;
  return `${Date.now().toString(36)}${sequence}${Math.random().toString(36).slice(2, 6)}`;
}

/** The example a description gives (`e.g. crm.contact.created.v1`), which is a valid value by definition. */
function documentedExample(description: string | null | undefined): string | undefined {
  const match = /e\.g\.\s+(\S+?)[.,;)]?(?:\s|$)/.exec(description ?? '');
  return match?.[1];
}

interface Position {
  root: RootField;
  /** The argument or input field name the value is for. */
  name: string;
  description: string | null | undefined;
  defaultValue: unknown;
}

/** Where a value goes: an argument of the root field, or a field of an input object inside one. */
function fieldPosition(
  root: RootField,
  field: Pick<GraphQLArgument, 'name' | 'description' | 'defaultValue'>,
): Position {
  return { root, name: field.name, description: field.description, defaultValue: field.defaultValue };
}

function baselineString(position: Position, named: GraphQLNamedType): string {
  const lower = position.name.toLowerCase();
  if (lower.includes('email')) return `hostile-${unique()}@example.com`;
  if (lower.includes('password')) return `correct horse battery staple ${unique()}`;
  if (lower.includes('slug')) return `hostile-${unique()}`;
  const example = documentedExample(position.description) ?? documentedExample(named.description);
  if (example) return example;
  if (lower.includes('url')) return `https://example.com/${unique()}`;
  return `Hostile ${position.name} ${unique()}`;
}

function isDateTime(named: GraphQLNamedType): boolean {
  return /date|time/i.test(named.name);
}

function baselineScalar(position: Position, named: GraphQLNamedType, context: GenerationContext): Json {
  const { defaultValue } = position;
  if (
    typeof defaultValue === 'string' ||
    typeof defaultValue === 'number' ||
    typeof defaultValue === 'boolean'
  ) {
    return defaultValue;
  }
  switch (named.name) {
    case 'ID':
      return context.own.get(idTargetType(context.schema, position.root, position.name)) ?? randomUUID();
    case 'String':
      return baselineString(position, named);
    case 'Int':
      return 10;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return true;
    default:
      // An amount (the kit's Decimal): a canonical decimal string.
      if (named.name === 'Decimal') return '1250.5';
      // A calendar date (crm's due dates) is a date-time's first ten characters.
      if (named.name === 'Date') return new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      if (isDateTime(named)) return new Date(Date.now() + 86_400_000).toISOString();
      return { source: 'hostile-input-test', at: unique() };
  }
}

/**
 * The fields of an input object a generated value fills in: all of them (the first of a oneOf), but an
 * optional field whose type is being filled in already (`enclosing`, the object itself included): a
 * recursive input (a filter's `and`, `or` and `not`) would otherwise never end, and filled in even one
 * level deep it multiplies a list's cases (thousands per filter) with leaves already covered above.
 */
function fieldsToFill(type: GraphQLInputObjectType, enclosing: ReadonlySet<string>) {
  const fields = Object.values(type.getFields()).filter(
    (field) =>
      isAccessible(field) && (isNonNullType(field.type) || !enclosing.has(getNamedType(field.type).name)),
  );
  return type.isOneOf ? fields.slice(0, 1) : fields;
}

/** A valid-looking value for `type`, with every optional input field filled in too (recursive ones once). */
export function baselineValue(
  type: GraphQLInputType,
  position: Position,
  context: GenerationContext,
  enclosing: ReadonlySet<string> = new Set(),
): Json {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [baselineValue(nullable.ofType, position, context, enclosing)];
  if (isInputObjectType(nullable)) {
    const value: Record<string, Json> = {};
    const inside = new Set([...enclosing, nullable.name]);
    for (const field of fieldsToFill(nullable, inside)) {
      value[field.name] = baselineValue(field.type, fieldPosition(position.root, field), context, inside);
    }
    return value;
  }
  if (isEnumType(nullable)) return firstEnumValue(nullable);
  return baselineScalar(position, nullable, context);
}

function firstEnumValue(type: GraphQLEnumType): string {
  return type.getValues().find((value) => isAccessible(value))?.name ?? '';
}

/** `{"a":{"a":…}}`, `depth` levels deep, built without recursion. */
export function deeplyNested(depth: number): Json {
  let value: Json = 'bottom';
  for (let level = 0; level < depth; level += 1) value = { a: value };
  return value;
}

export const LONG_STRING_LENGTH = 100_000;
export const DEEP_JSON_LEVELS = 5_000;
const C0_CONTROLS =
  Array.from({ length: 31 }, (_, code) => String.fromCharCode(code + 1)).join('') + '\u007f';

/** One hostile value for a leaf; `mustRefuse` when no service may accept it. */
export interface LeafVariant {
  label: string;
  value: Json;
  mustRefuse: boolean;
  /** Holds text no service can store (NUL, a lone surrogate): the refusal names the position. */
  unstorable?: boolean;
}

function stringVariants(): LeafVariant[] {
  return [
    { label: 'empty string', value: '', mustRefuse: false },
    {
      label: `${LONG_STRING_LENGTH}-character string`,
      value: 'x'.repeat(LONG_STRING_LENGTH),
      mustRefuse: false,
    },
    { label: 'NUL character', value: 'Ada\u0000Lovelace', mustRefuse: true, unstorable: true },
    { label: 'C0 control characters', value: `a${C0_CONTROLS}z`, mustRefuse: false },
    // A high surrogate here, a low one in ids: one check refuses both, and each kind is sent to every
    // root field that takes text.
    { label: 'lone high surrogate', value: 'Ada\uD800', mustRefuse: true, unstorable: true },
  ];
}

function idVariants(target: string | undefined, context: GenerationContext): LeafVariant[] {
  const foreign = context.foreign.get(target);
  const variants: LeafVariant[] = [
    { label: 'empty id', value: '', mustRefuse: false },
    { label: 'malformed id', value: 'not-a-uuid', mustRefuse: false },
    { label: 'nonexistent UUID', value: randomUUID(), mustRefuse: false },
    { label: 'NUL in id', value: `${randomUUID()}\u0000`, mustRefuse: true, unstorable: true },
    { label: 'lone low surrogate in id', value: '\uDC00', mustRefuse: true, unstorable: true },
    { label: `${LONG_STRING_LENGTH}-character id`, value: '9'.repeat(LONG_STRING_LENGTH), mustRefuse: false },
  ];
  if (foreign)
    variants.push({ label: `another tenant's ${target ?? ''} id`, value: foreign, mustRefuse: false });
  const foreignOrganization = context.foreign.get('Organization');
  if (foreignOrganization && target !== 'Organization') {
    variants.push({
      label: "another tenant's organization id",
      value: foreignOrganization,
      mustRefuse: false,
    });
  }
  const foreignUser = context.foreign.get('User');
  if (foreignUser && target !== 'User') {
    variants.push({ label: "another tenant's user id", value: foreignUser, mustRefuse: false });
  }
  return variants;
}

function intVariants(): LeafVariant[] {
  return [
    { label: '2^31', value: 2 ** 31, mustRefuse: true },
    { label: '-2^31-1', value: -(2 ** 31) - 1, mustRefuse: true },
    { label: '2^31-1', value: 2 ** 31 - 1, mustRefuse: false },
    { label: '-1', value: -1, mustRefuse: false },
    { label: '0', value: 0, mustRefuse: false },
    { label: '1e308', value: 1e308, mustRefuse: true },
    { label: 'fraction', value: 1.5, mustRefuse: true },
    { label: 'NaN as a string', value: 'NaN', mustRefuse: true },
  ];
}

function floatVariants(): LeafVariant[] {
  return [
    { label: '1e308', value: 1e308, mustRefuse: false },
    { label: '-1e308', value: -1e308, mustRefuse: false },
    { label: 'smallest subnormal', value: 5e-324, mustRefuse: false },
    { label: '-1', value: -1, mustRefuse: false },
    { label: 'NaN as a string', value: 'NaN', mustRefuse: true },
    { label: 'Infinity as a string', value: 'Infinity', mustRefuse: true },
  ];
}

function enumVariants(type: GraphQLEnumType): LeafVariant[] {
  const first = firstEnumValue(type);
  const flipped = first === first.toUpperCase() ? first.toLowerCase() : first.toUpperCase();
  const variants: LeafVariant[] = [
    { label: 'empty enum value', value: '', mustRefuse: true },
    { label: 'unknown enum value', value: 'NOT_A_VALUE_OF_THIS_ENUM', mustRefuse: true },
    { label: 'NUL in enum value', value: `${first}\u0000`, mustRefuse: true },
  ];
  if (!type.getValue(flipped)) {
    variants.unshift({ label: `wrong-case enum value ${flipped}`, value: flipped, mustRefuse: true });
  }
  return variants;
}

function dateTimeVariants(): LeafVariant[] {
  return [
    { label: 'empty date-time', value: '', mustRefuse: false },
    { label: 'malformed date-time', value: 'not-a-date', mustRefuse: false },
    { label: 'impossible date', value: '2026-02-30T10:00:00.000Z', mustRefuse: false },
    { label: 'largest ECMAScript date', value: '+275760-09-13T00:00:00.000Z', mustRefuse: false },
    { label: 'year 0', value: '0000-01-01T00:00:00.000Z', mustRefuse: false },
    { label: 'epoch as a number', value: 0, mustRefuse: false },
    {
      label: 'NUL in date-time',
      value: '2026-01-01T00:00:00.000Z\u0000',
      mustRefuse: true,
      unstorable: true,
    },
  ];
}

/** A calendar date's hostile values: a date-time's, and dates at and past the edges of the calendar. */
function dateVariants(): LeafVariant[] {
  return [
    ...dateTimeVariants(),
    { label: 'impossible calendar date', value: '2026-02-30', mustRefuse: false },
    { label: 'calendar year 0', value: '0000-01-01', mustRefuse: false },
    { label: 'last calendar date', value: '9999-12-31', mustRefuse: false },
  ];
}

/** An exact decimal's hostile values (the kit's Decimal: at most 15 integer digits and 4 decimals). */
function decimalVariants(): LeafVariant[] {
  return [
    { label: 'empty decimal', value: '', mustRefuse: true },
    { label: 'decimal in words', value: 'twelve', mustRefuse: true },
    { label: 'decimal with an exponent', value: '1e3', mustRefuse: true },
    { label: '16 integer digits', value: '1234567890123456', mustRefuse: true },
    { label: '5 decimals', value: '1.23456', mustRefuse: true },
    { label: '1e308 as a number', value: 1e308, mustRefuse: true },
    { label: 'largest decimal', value: '999999999999999.9999', mustRefuse: false },
    { label: 'negative decimal', value: '-1', mustRefuse: false },
    { label: 'decimal as a number', value: 12.5, mustRefuse: false },
    { label: 'decimal as an object', value: { amount: 1 }, mustRefuse: true },
    { label: 'NUL in decimal', value: '1\u00002', mustRefuse: true },
  ];
}

function jsonVariants(): LeafVariant[] {
  const wide: Record<string, Json> = {};
  for (let index = 0; index < 5_000; index += 1) wide[`k${index}`] = index;
  return [
    {
      label: `JSON nested ${DEEP_JSON_LEVELS} deep`,
      value: { nested: deeplyNested(DEEP_JSON_LEVELS) },
      // Deeper than any request body may nest (and than Node's JSON.stringify can write).
      mustRefuse: true,
    },
    { label: 'JSON with 5000 keys', value: wide, mustRefuse: false },
    { label: 'JSON array', value: [1, 2, 3], mustRefuse: false },
    { label: 'JSON string', value: 'just a string', mustRefuse: false },
    { label: 'JSON huge number', value: { n: 1e308, m: -1e308, s: 5e-324 }, mustRefuse: false },
    { label: 'NUL in JSON value', value: { note: 'a\u0000b' }, mustRefuse: true, unstorable: true },
    { label: 'NUL in JSON key', value: { 'a\u0000b': 1 }, mustRefuse: true, unstorable: true },
    {
      label: 'lone surrogate in JSON',
      value: { note: ['ok', '\uDBFF'] },
      mustRefuse: true,
      unstorable: true,
    },
    {
      label: 'JSON __proto__ key',
      value: JSON.parse(
        '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
      ) as Json,
      mustRefuse: false,
    },
  ];
}

/** The hostile values for one leaf, by its named type. */
export function leafVariants(
  type: GraphQLInputType,
  position: Position,
  context: GenerationContext,
): LeafVariant[] {
  const named = getNullableType(type);
  if (isEnumType(named)) return enumVariants(named);
  if (!isScalarType(named)) return [];
  switch (named.name) {
    case 'ID':
      return idVariants(idTargetType(context.schema, position.root, position.name), context);
    case 'String':
      return stringVariants();
    case 'Int':
      return intVariants();
    case 'Float':
      return floatVariants();
    case 'Boolean':
      return [
        { label: 'boolean as a string', value: 'true', mustRefuse: true },
        { label: 'boolean as a number', value: 1, mustRefuse: true },
      ];
    default:
      // A custom scalar the test does not know gets every kind of hostile value.
      if (named.name === 'Decimal') return decimalVariants();
      if (named.name === 'Date') return dateVariants();
      return isDateTime(named) ? dateTimeVariants() : [...jsonVariants(), ...stringVariants()];
  }
}

// ---------------------------------------------------------------------------------------------------
// Cases

export type PathSegment = string | number;

interface Slot {
  path: PathSegment[];
  type: GraphQLInputType;
  position: Position;
}

/**
 * What an operator input looks like to the list compiler: its field names and their types, every enum
 * counted as one (RelationshipStateFilter and LeadStatusFilter are the same operators over enums).
 */
function filterShape(type: GraphQLInputObjectType): string {
  return Object.values(type.getFields())
    .map((field) => {
      const named = getNamedType(field.type);
      const list = isListType(getNullableType(field.type)) ? '[]' : '';
      return `${field.name}:${isEnumType(named) ? 'enum' : named.name}${list}`;
    })
    .join(',');
}

/**
 * Every position inside an argument's value, the argument itself first: input objects, lists (looked
 * into at index 0), and the scalar and enum leaves. A shared operator input (StringFilter,
 * DateTimeFilter, IdFilter, the enum filters… — an input type named `…Filter` whose shape was met
 * already under the same root field) is looked into once per root field: the list compiler treats every occurrence alike, and a filter of
 * thirty fields would otherwise multiply into thousands of cases that test the same code.
 */
function slotsOf(
  type: GraphQLInputType,
  position: Position,
  path: PathSegment[],
  enclosing: ReadonlySet<string> = new Set(),
  expanded: Set<string> = new Set(),
): Slot[] {
  const slots: Slot[] = [{ path, type, position }];
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    slots.push(...slotsOf(nullable.ofType, position, [...path, 0], enclosing, expanded));
  } else if (isInputObjectType(nullable)) {
    const shared = enclosing.size > 0 && nullable.name.endsWith('Filter');
    const shape = shared ? filterShape(nullable) : '';
    if (shared && expanded.has(shape)) return slots;
    if (shared) expanded.add(shape);
    const inside = new Set([...enclosing, nullable.name]);
    // Inside a filter, operators of one type (eq, gt, gte, lt, lte over a Decimal…) take the same
    // path through the compiler: the first of each type is looked into, the others are left out.
    const leaves = new Set<string>();
    for (const field of fieldsToFill(nullable, inside)) {
      const named = getNamedType(field.type);
      const leaf = `${named.name}${isListType(getNullableType(field.type)) ? '[]' : ''}`;
      if (nullable.name.endsWith('Filter') && isLeafType(named)) {
        if (leaves.has(leaf)) continue;
        leaves.add(leaf);
      }
      slots.push(
        ...slotsOf(field.type, fieldPosition(position.root, field), [...path, field.name], inside, expanded),
      );
    }
  }
  return slots;
}

/** Structural hostilities of a position: null, and for lists and input objects empty or wrong shapes. */
function structuralVariants(type: GraphQLInputType): LeafVariant[] {
  const nullable = getNullableType(type);
  const required = isNonNullType(type);
  const variants: LeafVariant[] = [{ label: 'null', value: null, mustRefuse: required }];
  if (isListType(nullable)) {
    variants.push(
      { label: 'empty list', value: [], mustRefuse: false },
      { label: 'list with a null item', value: [null], mustRefuse: isNonNullType(nullable.ofType) },
    );
  }
  if (isInputObjectType(nullable)) {
    const hasRequiredField = Object.values(nullable.getFields()).some((field) => isNonNullType(field.type));
    variants.push(
      { label: 'empty object', value: {}, mustRefuse: hasRequiredField },
      { label: 'string instead of an object', value: 'not an object', mustRefuse: true },
    );
  }
  return variants;
}

/** Text between values (brackets, commas, keys) on the writer's stack. */
class Punctuation {
  constructor(readonly text: string) {}
}

/**
 * Writes nested arrays and objects without recursion: Node's JSON.stringify gives up a little over
 * 4,000 levels deep, and a client need not be written in JavaScript.
 */
function writeNested(
  value: unknown,
  key: (name: string) => string,
  leaf: (value: unknown) => string,
): string {
  const out: string[] = [];
  const text = (written: string) => new Punctuation(written);
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (next instanceof Punctuation) {
      out.push(next.text);
    } else if (Array.isArray(next)) {
      out.push('[');
      pending.push(text(']'));
      for (let index = next.length - 1; index >= 0; index -= 1) {
        pending.push(next[index] ?? null);
        if (index > 0) pending.push(text(','));
      }
    } else if (typeof next === 'object' && next !== null) {
      out.push('{');
      pending.push(text('}'));
      const entries: Array<[string, unknown]> = Object.entries(next).filter(([, item]) => item !== undefined);
      for (let index = entries.length - 1; index >= 0; index -= 1) {
        const [name, item] = entries[index] ?? ['', null];
        pending.push(item, text(`${index > 0 ? ',' : ''}${key(name)}`));
      }
    } else {
      out.push(leaf(next));
    }
  }
  return out.join('');
}

/** JSON text of `value` at any depth. */
export function toJsonText(value: unknown): string {
  return writeNested(
    value,
    (name) => `${JSON.stringify(name)}:`,
    (item) => JSON.stringify(item ?? null),
  );
}

function setAt(root: Record<string, Json>, path: readonly PathSegment[], value: Json): void {
  let target: Json = root;
  for (const [index, segment] of path.entries()) {
    const last = index === path.length - 1;
    if (Array.isArray(target) && typeof segment === 'number') {
      if (last) target[segment] = value;
      else target = target[segment] ?? null;
    } else if (
      typeof target === 'object' &&
      target !== null &&
      !Array.isArray(target) &&
      typeof segment === 'string'
    ) {
      if (last) target[segment] = value;
      else target = target[segment] ?? null;
    } else {
      throw new Error(`no value at ${path.join('.')}`);
    }
  }
}

export interface HostileCase {
  root: RootField;
  label: string;
  query: string;
  variables: Record<string, Json>;
  /** No service may accept it: the answer must refuse the input (or the request). */
  mustRefuse: boolean;
  /** The position (`input.givenName`) the refusal must name. */
  names?: string;
}

function operationWithVariables(root: RootField, argumentNames: readonly string[]): string {
  const args = root.field.args.filter((argument) => argumentNames.includes(argument.name));
  const definitions = args.map((argument) => `$${argument.name}: ${argument.type.toString()}`).join(', ');
  const call = args.map((argument) => `${argument.name}: $${argument.name}`).join(', ');
  return `${root.operation} Hostile${definitions ? `(${definitions})` : ''} { ${root.name}${
    call ? `(${call})` : ''
  } ${selectionFor(root.field.type)} }`;
}

/** A GraphQL literal for a value of `type` (enum names bare, JSON objects as object literals). */
export function literal(value: Json, type: GraphQLInputType): string {
  if (value === null) return 'null';
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    return Array.isArray(value)
      ? `[${value.map((item) => literal(item, nullable.ofType)).join(', ')}]`
      : literal(value, nullable.ofType);
  }
  if (isInputObjectType(nullable) && typeof value === 'object' && !Array.isArray(value)) {
    const fields = nullable.getFields();
    return `{ ${Object.entries(value)
      .map(([name, item]) => {
        const field = fields[name];
        return `${name}: ${field ? literal(item, field.type) : jsonLiteral(item)}`;
      })
      .join(', ')} }`;
  }
  if (isEnumType(nullable) && typeof value === 'string' && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value))
    return value;
  return jsonLiteral(value);
}

/** A JSON value as a GraphQL literal (object keys bare, strings quoted), at any depth. */
function jsonLiteral(value: Json): string {
  return writeNested(
    value,
    (name) => `${name}:`,
    (item) => JSON.stringify(item ?? null),
  );
}

function inlineOperation(root: RootField, values: Readonly<Record<string, Json>>): string {
  const call = root.field.args
    .filter((argument) => argument.name in values)
    .map((argument) => `${argument.name}: ${literal(values[argument.name] ?? null, argument.type)}`)
    .join(', ');
  return `${root.operation} HostileInline { ${root.name}${call ? `(${call})` : ''} ${selectionFor(root.field.type)} }`;
}

/** The baseline arguments of a root field for the acting tenant. */
export function baselineArguments(root: RootField, context: GenerationContext): Record<string, Json> {
  const values: Record<string, Json> = {};
  for (const argument of root.field.args) {
    if (!isAccessible(argument)) continue;
    values[argument.name] = baselineValue(argument.type, fieldPosition(root, argument), context);
  }
  return values;
}

/** The baseline operation of a root field, arguments as variables. */
export function baselineCase(root: RootField, context: GenerationContext): HostileCase {
  const variables = baselineArguments(root, context);
  return {
    root,
    label: 'baseline',
    query: operationWithVariables(root, Object.keys(variables)),
    variables,
    mustRefuse: false,
  };
}

/**
 * Every case of one root field: the baseline, each leaf's hostile values as variables (one leaf
 * changed at a time, fresh baseline each time so unique values stay unique), structural variants of
 * every argument and input object, and a few inline-literal forms.
 */
export function hostileCases(root: RootField, context: GenerationContext): HostileCase[] {
  const cases: HostileCase[] = [baselineCase(root, context)];
  const argumentsOf = root.field.args.filter((argument) => isAccessible(argument));
  type Change = (values: Record<string, Json>) => void;
  const add = (
    label: string,
    change: Change,
    expected: Pick<HostileCase, 'mustRefuse' | 'names'>,
    inline = false,
  ) => {
    const values = baselineArguments(root, context);
    change(values);
    cases.push({
      root,
      label: inline ? `inline ${label}` : label,
      query: inline ? inlineOperation(root, values) : operationWithVariables(root, Object.keys(values)),
      variables: inline ? {} : values,
      ...expected,
    });
  };

  // A value of the wrong kind for its type (null where one is required, a string for an object, an
  // unknown enum value, an Int past 2^31, a Boolean as a string…) is refused by GraphQL's coercion of
  // the variables at the gateway, identically wherever it stands: each kind once per root field, at the
  // first position that takes it. What the subgraphs decide (text, ids, custom scalars, nulls they
  // accept) is sent to every position.
  const sent = new Set<string>();
  /** True the first time a kind of case comes up for this root field. */
  const once = (kind: string): boolean => {
    if (sent.has(kind)) return false;
    sent.add(kind);
    return true;
  };
  for (const argument of argumentsOf) {
    add(`${argument.name}: omitted`, (values) => delete values[argument.name], {
      mustRefuse: isRequiredArgument(argument),
    });
    for (const slot of slotsOf(argument.type, fieldPosition(root, argument), [argument.name])) {
      const where = slot.path.join('.');
      const named = getNullableType(slot.type);
      const builtInCoercion =
        isEnumType(named) || (isScalarType(named) && ['Int', 'Float', 'Boolean'].includes(named.name));
      const structural = structuralVariants(slot.type);
      for (const variant of [...structural, ...leafVariants(slot.type, slot.position, context)]) {
        if (variant.mustRefuse && (builtInCoercion || structural.includes(variant))) {
          const kind = variant.label.startsWith('wrong-case') ? 'wrong-case enum value' : variant.label;
          if (!once(`variable ${kind}`)) continue;
        }
        add(`${where}: ${variant.label}`, (values) => setAt(values, slot.path, variant.value), {
          mustRefuse: variant.mustRefuse,
          ...(variant.unstorable ? { names: where } : {}),
        });
      }
    }
  }

  // Inline literals: the baseline as written in the document, and NUL, lone surrogates (a parse
  // error in GraphQL syntax), wrong enum spellings, out-of-range numbers and deep JSON written inline.
  // Each is written once per root field, at the first position that takes it: the parser, validation
  // and limits refuse the others the same way wherever they stand, and a literal NUL (which parses)
  // meets the input guard the variables prove at every position.
  if (argumentsOf.length > 0) add('baseline', () => undefined, { mustRefuse: false }, true);
  for (const argument of argumentsOf) {
    for (const slot of slotsOf(argument.type, fieldPosition(root, argument), [argument.name])) {
      const where = slot.path.join('.');
      const set =
        (value: Json): Change =>
        (values) =>
          setAt(values, slot.path, value);
      const type = getNullableType(slot.type);
      if (isEnumType(type)) {
        const first = firstEnumValue(type);
        const wrong = first === first.toUpperCase() ? first.toLowerCase() : first.toUpperCase();
        if (!type.getValue(wrong) && once('inline enum'))
          add(`${where}: wrong-case enum ${wrong}`, set(wrong), { mustRefuse: true }, true);
      } else if (
        !isScalarType(type) ||
        type.name === 'Float' ||
        type.name === 'Boolean' ||
        // Like date-times, a decimal's literal is checked by the subgraph's scalar only (the gateway
        // treats custom scalars as opaque); its hostile values are sent as variables above.
        type.name === 'Decimal' ||
        isDateTime(type)
      ) {
        continue;
      } else if (type.name === 'Int') {
        if (once('inline Int')) add(`${where}: 2^31`, set(2 ** 31), { mustRefuse: true }, true);
      } else if (type.name === 'String' || type.name === 'ID') {
        // Written inline, NUL takes the literal path into the same input guard the variables above
        // already prove at every position: once per root field.
        if (once('inline NUL'))
          add(`${where}: NUL character`, set('Ada\u0000Lovelace'), { mustRefuse: true, names: where }, true);
        if (once('inline surrogate'))
          add(`${where}: lone surrogate`, set('\uD800'), { mustRefuse: true }, true);
      } else {
        if (once('inline deep JSON'))
          add(
            `${where}: JSON nested ${DEEP_JSON_LEVELS} deep`,
            set(deeplyNested(DEEP_JSON_LEVELS)),
            { mustRefuse: true },
            true,
          );
        if (once('inline NUL in JSON'))
          add(`${where}: NUL in JSON`, set({ note: 'a\u0000b' }), { mustRefuse: true, names: where }, true);
      }
    }
  }
  return cases;
}
