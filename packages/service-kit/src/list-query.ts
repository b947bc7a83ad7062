/**
 * Lists with filters, sorts and keyset cursors, in one SQL statement per page. A module describes its
 * table once (the columns a filter may name, the keys an order may use, where custom field values
 * live); `listPage` compiles the caller's filter tree (`and` / `or` / `not`, operators per field) and
 * order into parameterised SQL, and pages with a cursor that carries the sort values of the last row
 * read, so pages stay stable while rows are added. NULLs sort last in both directions; the id breaks
 * ties. Every value the caller sends is bound as a parameter; identifiers come from the spec only.
 */
import {
  badUserInput,
  isUuid,
  MAX_FILTER_CONDITIONS,
  MAX_FILTER_DEPTH,
  MAX_PAGE_SIZE,
  type ListFilter,
  type ListPage,
  type ListRequest,
  type SortDirection,
} from '@platform/domain';
import type { RawQueryTransaction } from './pagination';

export type ColumnType =
  'text' | 'uuid' | 'timestamptz' | 'date' | 'int' | 'numeric' | 'boolean' | 'enum' | 'text[]';

/** A column of the table a filter or an order may use. */
export interface ListColumn {
  /** The column's name (a plain identifier). */
  column: string;
  type: ColumnType;
  /** Whether it may hold NULL (filters get `isNull`; NULLs sort last). */
  nullable?: boolean;
}

type ScalarType = Exclude<ColumnType, 'enum' | 'text[]'> | 'jsonb';
/** The types a value is bound as (and cast to). */
export type BindType = ScalarType | `${ScalarType}[]`;

/** What a predicate binds a value with: answers the placeholder, cast to the type. */
export type Bind = (value: string | readonly string[], type: BindType) => string;

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A filter field the module compiles itself (e.g. an equality through a blind index, a prefix through
 * search tokens): it answers an SQL condition over the row `t`, binding every value through `bind`.
 */
export type ListPredicate = (condition: Readonly<Record<string, unknown>>, bind: Bind) => string;

export interface ListSpec {
  /** The table (a plain identifier). */
  table: string;
  /** What a filter may name, by its field name in the API. */
  filters: Readonly<Record<string, ListColumn | ListPredicate>>;
  /** What an order may use, by its value in the API's order-field enum. */
  sorts: Readonly<Record<string, ListColumn>>;
  /** The jsonb column of custom field values: filters get `customFields`, orders `customFieldSort`. */
  customFieldsColumn?: string;
  /** The order-field enum value that sorts by a custom field (SortKey.customFieldKey names which). */
  customFieldSort?: string;
  /** A fixed SQL condition every row meets too (never caller input), e.g. `t.deleted_at IS NULL`. */
  where?: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const CUSTOM_FIELD_KEY = /^[a-z][a-z0-9_]{0,62}$/;
const MAX_VALUES = MAX_PAGE_SIZE;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new TypeError(`list-query: "${name}" is not a plain identifier`);
  return `"${name}"`;
}

const invalid = (path: string, message: string) =>
  badUserInput(`${path}: ${message}`, { issues: [{ path, message, code: 'invalid' }] });

const json = (value: unknown, path: string): string => {
  const text = JSON.stringify(value);
  if (text === undefined || text.includes('\\u0000')) throw invalid(path, 'not a JSON value');
  return text;
};

/** A date PostgreSQL can cast back: the scalars let year 0 through, which PostgreSQL refuses (1 BC is -0001). */
const storableDate = (value: unknown): value is Date =>
  value instanceof Date &&
  !Number.isNaN(value.getTime()) &&
  value.getUTCFullYear() >= 1 &&
  value.getUTCFullYear() <= 9999;

/** A caller's value as the text PostgreSQL casts to the column's type, checked so the cast cannot fail. */
function textOf(value: unknown, type: ScalarType, path: string): string {
  switch (type) {
    case 'timestamptz':
      if (storableDate(value)) return value.toISOString();
      break;
    case 'date':
      if (storableDate(value)) return value.toISOString().slice(0, 10);
      break;
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) return String(value);
      break;
    case 'numeric':
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value === 'string' && /^-?\d{1,30}(\.\d{1,20})?$/.test(value)) return value;
      break;
    case 'boolean':
      if (typeof value === 'boolean') return String(value);
      break;
    case 'uuid':
      if (typeof value === 'string' && isUuid(value)) return value;
      throw invalid(path, 'not an id');
    case 'jsonb':
      return json(value, path);
    case 'text':
      if (typeof value === 'string') return value;
  }
  throw invalid(path, `not a value of type ${type}`);
}

const likePrefix = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function listOf(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(path, 'must be a list');
  if (value.length > MAX_VALUES) throw invalid(path, `at most ${MAX_VALUES} values`);
  return value;
}

const ORDERED: ReadonlySet<ColumnType> = new Set(['text', 'timestamptz', 'date', 'int', 'numeric']);

interface Compiler {
  bind: Bind;
  spec: ListSpec;
  conditions: number;
}

/** One column's operators, e.g. `{ gte: …, lt: … }`. */
function columnCondition(
  compiler: Compiler,
  column: ListColumn,
  operators: Readonly<Record<string, unknown>>,
  path: string,
): string[] {
  const { bind } = compiler;
  const name = `t.${identifier(column.column)}`;
  const isEnum = column.type === 'enum';
  const expr = isEnum ? `${name}::text` : name;
  // What one value is checked and bound as: enums and tags compare as text.
  const scalar: ScalarType = column.type === 'enum' || column.type === 'text[]' ? 'text' : column.type;
  const listType: `${ScalarType}[]` = `${scalar}[]`;
  const one = (value: unknown, op: string) => bind(textOf(value, scalar, `${path}.${op}`), scalar);
  const many = (value: unknown, op: string) =>
    bind(
      listOf(value, `${path}.${op}`).map((item, index) => textOf(item, scalar, `${path}.${op}.${index}`)),
      listType,
    );
  const parts: string[] = [];
  for (const [op, value] of Object.entries(operators)) {
    if (value === undefined || value === null) continue;
    compiler.conditions += 1;
    if (column.type === 'text[]') {
      if (op === 'hasSome') parts.push(`${name} && ${many(value, op)}`);
      else if (op === 'hasAll') parts.push(`${name} @> ${many(value, op)}`);
      else if (op === 'isEmpty')
        parts.push(value === true ? `cardinality(${name}) = 0` : `cardinality(${name}) > 0`);
      else throw new TypeError(`list-query: ${op} does not apply to ${path}`);
      continue;
    }
    switch (op) {
      case 'eq':
        parts.push(`${expr} = ${one(value, op)}`);
        break;
      case 'ne':
        parts.push(`${expr} IS DISTINCT FROM ${one(value, op)}`);
        break;
      case 'in':
        parts.push(`${expr} = ANY(${many(value, op)})`);
        break;
      case 'notIn':
        parts.push(`(${expr} IS NULL OR NOT (${expr} = ANY(${many(value, op)})))`);
        break;
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte': {
        if (!ORDERED.has(column.type)) throw new TypeError(`list-query: ${op} does not apply to ${path}`);
        const sign = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[op];
        parts.push(`${expr} ${sign} ${one(value, op)}`);
        break;
      }
      case 'startsWith':
        if (column.type !== 'text') throw new TypeError(`list-query: startsWith does not apply to ${path}`);
        parts.push(
          `lower(${expr}) LIKE lower(${bind(likePrefix(textOf(value, 'text', `${path}.${op}`)), 'text')}) ESCAPE '\\'`,
        );
        break;
      case 'isNull':
        parts.push(value === true ? `${expr} IS NULL` : `${expr} IS NOT NULL`);
        break;
      default:
        throw new TypeError(`list-query: unknown operator ${op} on ${path}`);
    }
  }
  return parts;
}

/** `customFields: [{ key, eq | ne | in | gt | gte | lt | lte | startsWith | contains | exists }]`. */
function customFieldConditions(compiler: Compiler, conditions: unknown, path: string): string[] {
  const { bind, spec } = compiler;
  if (!spec.customFieldsColumn) throw new TypeError(`list-query: ${spec.table} has no custom fields`);
  const column = `t.${identifier(spec.customFieldsColumn)}`;
  return listOf(conditions, path).flatMap((condition, index) => {
    const at = `${path}.${index}`;
    if (!isRecord(condition)) throw invalid(at, 'not a condition');
    const { key, ...operators } = condition;
    if (typeof key !== 'string' || !CUSTOM_FIELD_KEY.test(key))
      throw invalid(`${at}.key`, 'not a custom field key');
    const value = `(${column} -> ${bind(key, 'text')})`;
    const parts: string[] = [];
    for (const [op, operand] of Object.entries(operators)) {
      if (operand === undefined || operand === null) continue;
      compiler.conditions += 1;
      const where = `${at}.${op}`;
      switch (op) {
        case 'eq':
          parts.push(`${value} = ${bind(json(operand, where), 'jsonb')}`);
          break;
        case 'ne':
          parts.push(`${value} IS DISTINCT FROM ${bind(json(operand, where), 'jsonb')}`);
          break;
        case 'in':
          parts.push(
            `${value} = ANY(${bind(
              listOf(operand, where).map((item, i) => json(item, `${where}.${i}`)),
              'jsonb[]',
            )})`,
          );
          break;
        case 'contains':
          parts.push(
            `(jsonb_typeof(${value}) = 'array' AND ${value} @> ${bind(json([operand], where), 'jsonb')})`,
          );
          break;
        case 'gt':
        case 'gte':
        case 'lt':
        case 'lte': {
          // Compared as jsonb, only with a value of the same JSON type (numbers numerically, strings
          // such as ISO dates by their text).
          const sign = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[op];
          const bound = bind(json(operand, where), 'jsonb');
          parts.push(`(jsonb_typeof(${value}) = jsonb_typeof(${bound}) AND ${value} ${sign} ${bound})`);
          break;
        }
        case 'startsWith':
          parts.push(
            `(jsonb_typeof(${value}) = 'string' AND lower(${value} #>> '{}') LIKE lower(${bind(likePrefix(textOf(operand, 'text', where)), 'text')}) ESCAPE '\\')`,
          );
          break;
        case 'exists':
          parts.push(
            operand === true
              ? `(${value} IS NOT NULL AND ${value} <> 'null'::jsonb)`
              : `(${value} IS NULL OR ${value} = 'null'::jsonb)`,
          );
          break;
        default:
          throw new TypeError(`list-query: unknown custom field operator ${op}`);
      }
    }
    return parts;
  });
}

const joined = (parts: readonly string[], glue: 'AND' | 'OR', empty: string) =>
  parts.length === 0 ? empty : parts.length === 1 ? (parts[0] ?? empty) : `(${parts.join(` ${glue} `)})`;

function filterCondition(compiler: Compiler, filter: ListFilter, path: string, depth: number): string {
  if (depth > MAX_FILTER_DEPTH) throw invalid(path, `and / or / not nest at most ${MAX_FILTER_DEPTH} deep`);
  const parts: string[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === null) continue;
    const at = `${path}.${key}`;
    if (key === 'and' || key === 'or') {
      const branches = listOf(value, at).map((branch, index) =>
        filterCondition(compiler, asFilter(branch, `${at}.${index}`), `${at}.${index}`, depth + 1),
      );
      parts.push(joined(branches, key === 'and' ? 'AND' : 'OR', key === 'and' ? 'TRUE' : 'FALSE'));
    } else if (key === 'not') {
      parts.push(`NOT ${filterCondition(compiler, asFilter(value, at), at, depth + 1)}`);
    } else if (key === 'customFields') {
      parts.push(...customFieldConditions(compiler, value, at));
    } else {
      const field = compiler.spec.filters[key];
      if (!field) throw new TypeError(`list-query: ${compiler.spec.table} cannot filter on ${key}`);
      const operators = asFilter(value, at);
      if (typeof field === 'function') {
        compiler.conditions += 1;
        parts.push(`(${field(operators, compiler.bind)})`);
      } else {
        parts.push(...columnCondition(compiler, field, operators, at));
      }
    }
    if (compiler.conditions > MAX_FILTER_CONDITIONS)
      throw invalid('filter', `at most ${MAX_FILTER_CONDITIONS} conditions`);
  }
  return `(${joined(parts, 'AND', 'TRUE')})`;
}

function asFilter(value: unknown, path: string): ListFilter {
  if (!isRecord(value)) throw invalid(path, 'not a filter');
  return value;
}

/**
 * The condition `listPage` puts on rows — the spec's fixed condition and the caller's filter tree — as
 * SQL over the table aliased `t`, every value bound through `bind`: for a list that pages another way
 * (one page per parent, `pagesByParent`) but filters like every list.
 */
export function listFilterSql(spec: ListSpec, filter: ListFilter | null, bind: Bind): string {
  const compiler: Compiler = { bind, spec, conditions: 0 };
  const parts = [
    ...(spec.where ? [`(${spec.where})`] : []),
    ...(filter ? [filterCondition(compiler, filter, 'filter', 1)] : []),
  ];
  return parts.length > 0 ? parts.join(' AND ') : 'TRUE';
}

/** One key of the order, resolved against the spec. */
interface OrderKey {
  expr: string;
  /** How its cursor value is cast back. */
  type: ScalarType;
  /** How its value is printed into the cursor. */
  printed: string;
  nullable: boolean;
  direction: SortDirection;
}

function printedAs(expr: string, type: ScalarType): string {
  if (type === 'timestamptz') return `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
  if (type === 'date') return `to_char(${expr}, 'YYYY-MM-DD')`;
  return `(${expr})::text`;
}

function orderKeys(spec: ListSpec, request: ListRequest): OrderKey[] {
  const keys = request.orderBy.map((key, index): OrderKey => {
    const at = `orderBy.${index}`;
    if (spec.customFieldSort !== undefined && key.field === spec.customFieldSort) {
      if (!key.customFieldKey || !CUSTOM_FIELD_KEY.test(key.customFieldKey)) {
        throw invalid(`${at}.customFieldKey`, 'name the custom field to sort by');
      }
      if (!spec.customFieldsColumn) throw new TypeError(`list-query: ${spec.table} has no custom fields`);
      // The key is checked against a strict pattern above, so it can be written into the SQL.
      const expr = `(t.${identifier(spec.customFieldsColumn)} -> '${key.customFieldKey}')`;
      return {
        expr,
        type: 'jsonb',
        printed: printedAs(expr, 'jsonb'),
        nullable: true,
        direction: key.direction,
      };
    }
    if (key.customFieldKey)
      throw invalid(`${at}.customFieldKey`, `only with ${spec.customFieldSort ?? 'a custom-field sort'}`);
    const column = spec.sorts[key.field];
    if (!column) throw new TypeError(`list-query: ${spec.table} cannot sort on ${key.field}`);
    const name = `t.${identifier(column.column)}`;
    const isEnum = column.type === 'enum';
    const expr = isEnum ? `${name}::text` : name;
    const type: ScalarType = column.type === 'enum' || column.type === 'text[]' ? 'text' : column.type;
    return {
      expr,
      type,
      printed: printedAs(expr, type),
      nullable: column.nullable ?? false,
      direction: key.direction,
    };
  });
  return keys;
}

/** The cursor: the order it belongs to, the sort values of its row (as text), and the row's id. */
interface Cursor {
  o: string;
  v: Array<string | null>;
  id: string;
}

const orderSignature = (request: ListRequest) =>
  request.orderBy
    .map((key) => `${key.field}${key.customFieldKey ? `:${key.customFieldKey}` : ''}:${key.direction}`)
    .join(',');

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether a cursor's value is one PostgreSQL casts back to the key's type without error. */
function castable(text: string, type: ScalarType): boolean {
  switch (type) {
    case 'timestamptz':
      return (
        TIMESTAMP.test(text) && new Date(`${text.slice(0, 23)}Z`).toISOString() === `${text.slice(0, 23)}Z`
      );
    case 'date':
      return DATE.test(text) && new Date(`${text}T00:00:00.000Z`).toISOString().slice(0, 10) === text;
    case 'int':
      return /^-?\d{1,10}$/.test(text) && Math.abs(Number(text)) <= 2147483647;
    case 'numeric':
      return /^-?\d{1,40}(\.\d{1,40})?$/.test(text);
    case 'boolean':
      return text === 'true' || text === 'false';
    case 'uuid':
      return isUuid(text);
    case 'jsonb':
      try {
        JSON.parse(text);
        return !text.includes('\\u0000');
      } catch {
        return false;
      }
    case 'text':
      return true;
  }
}

function decodeCursor(after: string, request: ListRequest, keys: readonly OrderKey[]): Cursor {
  const refused = invalid('after', 'not a cursor of this list in this order');
  let cursor: unknown;
  try {
    cursor = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    throw refused;
  }
  if (!isRecord(cursor)) throw refused;
  const { o, v, id } = cursor;
  if (
    typeof o !== 'string' ||
    o !== orderSignature(request) ||
    typeof id !== 'string' ||
    !isUuid(id) ||
    !Array.isArray(v) ||
    v.length !== keys.length
  ) {
    throw refused;
  }
  const values = v.map((value: unknown, index) => {
    const key = keys[index];
    if (value === null && key?.nullable) return null;
    if (typeof value !== 'string' || !key || !castable(value, key.type)) throw refused;
    return value;
  });
  return { o, v: values, id };
}

const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

/** Columns `listPage` adds to each row it reads. */
interface ListColumns {
  list_total: number;
  list_row: string | null;
}

/**
 * One page of the organization's rows of `spec.table` that match the request's filter, in its order,
 * after its cursor, with the total that match: one statement. Rows come back as PostgreSQL names their
 * columns (snake_case), beside the columns this function adds (list_total, list_row, list_sort_*).
 */
export async function listPage<Row extends Record<string, unknown>>(
  tx: RawQueryTransaction,
  spec: ListSpec,
  organizationId: string,
  request: ListRequest,
): Promise<ListPage<Row>> {
  const table = identifier(spec.table);
  const values: unknown[] = [organizationId];
  const bind: Bind = (value, type) => {
    values.push(value);
    return `$${values.length}::${type}`;
  };
  const compiler: Compiler = { bind, spec, conditions: 0 };
  const keys = orderKeys(spec, request);
  const cursor = request.after ? decodeCursor(request.after, request, keys) : null;
  const matches = [
    't.organization_id = $1::uuid',
    ...(spec.where ? [`(${spec.where})`] : []),
    ...(request.filter ? [filterCondition(compiler, request.filter, 'filter', 1)] : []),
  ].join(' AND ');
  const tieDirection = keys[keys.length - 1]?.direction ?? 'DESC';
  const comparison = (direction: SortDirection) => (direction === 'ASC' ? '>' : '<');
  const afterCursor = (index: number, position: Cursor): string => {
    const key = keys[index];
    if (!key) return `t.id ${comparison(tieDirection)} ${bind(position.id, 'uuid')}`;
    const value = position.v[index] ?? null;
    if (value === null) return `(${key.expr} IS NULL AND ${afterCursor(index + 1, position)})`;
    const later = `${key.expr} ${comparison(key.direction)} ${bind(value, key.type)}`;
    const nulls = key.nullable ? ` OR ${key.expr} IS NULL` : '';
    return `(${later}${nulls} OR (${key.expr} = ${bind(value, key.type)} AND ${afterCursor(index + 1, position)}))`;
  };
  const pageWhere = cursor ? `${matches} AND ${afterCursor(0, cursor)}` : matches;
  const order = [
    ...keys.map((key) => `${key.expr} ${key.direction} NULLS LAST`),
    `t.id ${tieDirection}`,
  ].join(', ');
  const printed = keys.map((key, index) => `${key.printed} AS list_sort_${index}`);
  values.push(request.first + 1);
  const limit = `$${values.length}::int`;
  // The count and the page in one statement: a page past the last row still reports the total.
  const rows = await tx.$queryRawUnsafe<Array<Row & ListColumns & Record<string, unknown>>>(
    `SELECT total.list_total, page.id AS list_row, page.*
       FROM (SELECT count(*)::int AS list_total FROM ${table} t WHERE ${matches}) total
       LEFT JOIN LATERAL (
         SELECT t.*${printed.length > 0 ? `, ${printed.join(', ')}` : ''}
           FROM ${table} t WHERE ${pageWhere}
          ORDER BY ${order}
          LIMIT ${limit}
       ) page ON true`,
    ...values,
  );
  const totalCount = rows[0]?.list_total ?? 0;
  const found = rows.filter((row) => row.list_row !== null);
  const items = found.slice(0, request.first);
  const signature = orderSignature(request);
  const cursors = items.map((row) =>
    encodeCursor({
      o: signature,
      v: keys.map((_, index) => {
        const value = row[`list_sort_${index}`];
        return typeof value === 'string' ? value : null;
      }),
      id: String(row.id),
    }),
  );
  return {
    items,
    cursors,
    hasNextPage: found.length > request.first,
    hasPreviousPage: request.after !== null,
    totalCount,
  };
}
