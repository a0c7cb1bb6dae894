// Compares a live PostgreSQL schema with prisma/schema.prisma, the way `prisma migrate diff`
// would if its native schema engine could run here. The schema side comes from Prisma's own
// parser (the prisma-schema Wasm build), so `@map`, `@db.*` and default names are resolved
// by Prisma rather than re-implemented; only Prisma's SQL rendering rules (type names,
// default constraint names, default referential actions) are mirrored below.
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import type { ClientBase } from 'pg';

// ---------------------------------------------------------------------------------------
// The subset of Prisma's DMMF this comparison reads.

type Literal = string | number | boolean;

interface FunctionDefault {
  name: string;
  args: unknown[];
}

export interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  type: string;
  nativeType?: [string, string[]] | null;
  isList: boolean;
  isRequired: boolean;
  hasDefaultValue: boolean;
  default?: FunctionDefault | Literal | Literal[];
  isUpdatedAt?: boolean;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}

export interface DmmfModel {
  name: string;
  dbName: string | null;
  schema?: string | null;
  fields: DmmfField[];
}

export interface DmmfEnum {
  name: string;
  dbName?: string | null;
  schema?: string | null;
  values: { name: string; dbName?: string | null }[];
}

export interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  algorithm?: string;
  fields: { name: string; sortOrder?: 'asc' | 'desc' }[];
}

export interface Dmmf {
  datamodel: { models: DmmfModel[]; enums: DmmfEnum[]; indexes: DmmfIndex[] };
}

/** Parse schema.prisma text with Prisma's official parser; throws on an invalid schema. */
export function loadDmmf(schemaText: string): Dmmf {
  return JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: schemaText }))) as Dmmf;
}

// ---------------------------------------------------------------------------------------
// The live database, read from pg_catalog (information_schema hides typmods and index order).

export interface DbColumn {
  table: string;
  column: string;
  /** format_type() output, except enums (and enum arrays) by bare type name. */
  type: string;
  /** format_type() output, quoted where needed: usable in a cast. */
  sqlType: string;
  notNull: boolean;
  default: string | null;
}

export interface DbIndex {
  name: string;
  table: string;
  /** Key columns in order, " DESC" appended where descending; "(expression)" for expressions. */
  columns: string[];
  unique: boolean;
  primary: boolean;
  method: string;
  partial: boolean;
  /** On a partition, not attached to an index of its parent: the partition's own. */
  partitionOnly: boolean;
}

export interface DbForeignKey {
  name: string;
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: string;
  onUpdate: string;
}

/** A partitioned table (its partitions are not tables of the schema: they are its storage). */
export interface DbPartitioned {
  table: string;
  /** "RANGE (created_at)", as pg_get_partkeydef prints it. */
  key: string;
  hasDefault: boolean;
}

export interface DbSnapshot {
  tables: string[];
  partitioned: DbPartitioned[];
  columns: DbColumn[];
  enums: Map<string, string[]>;
  indexes: DbIndex[];
  foreignKeys: DbForeignKey[];
}

const TABLES_SQL = `
SELECT c.relname AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition`;

// Enum columns are reported by type name: format_type() would quote names that need it,
// while Prisma's DMMF gives them bare.
const COLUMNS_SQL = `
SELECT c.relname AS table, a.attname AS column, a.attnotnull AS "notNull",
       CASE WHEN et.oid IS NULL THEN format_type(a.atttypid, a.atttypmod)
            ELSE et.typname || CASE WHEN t.typcategory = 'A' THEN '[]' ELSE '' END END AS type,
       format_type(a.atttypid, a.atttypmod) AS "sqlType",
       pg_get_expr(d.adbin, d.adrelid) AS default
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_type et ON et.typtype = 'e'
       AND et.oid = CASE WHEN t.typcategory = 'A' THEN t.typelem ELSE t.oid END
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
   AND a.attnum > 0 AND NOT a.attisdropped`;

const ENUMS_SQL = `
SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace
  JOIN pg_enum e ON e.enumtypid = t.oid
 WHERE n.nspname = current_schema()
 GROUP BY t.typname`;

// Only the first indnkeyatts entries are key columns; the rest are INCLUDE columns.
// indoption is an int2vector, so it is indexed from 0; bit 1 means DESC.
// An index on a partition that is attached to its parent's index is that index's storage; it
// is reported under the partitioned table it belongs to, by the parent index alone.
const INDEXES_SQL = `
SELECT i.relname AS name, COALESCE(p.relname, t.relname) AS table, x.indisunique AS unique,
       x.indisprimary AS primary, am.amname AS method, x.indpred IS NOT NULL AS partial,
       t.relispartition AS "partitionOnly",
       ARRAY(SELECT COALESCE(a.attname::text, '(expression)')
                    || CASE WHEN x.indoption[k.ord - 1] & 1 = 1 THEN ' DESC' ELSE '' END
               FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
               LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
              WHERE k.ord <= x.indnkeyatts
              ORDER BY k.ord) AS columns
  FROM pg_index x
  JOIN pg_class i ON i.oid = x.indexrelid
  JOIN pg_class t ON t.oid = x.indrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
  JOIN pg_am am ON am.oid = i.relam
  LEFT JOIN pg_inherits pi ON pi.inhrelid = t.oid AND t.relispartition
  LEFT JOIN pg_class p ON p.oid = pi.inhparent
 WHERE n.nspname = current_schema()
   AND NOT EXISTS (SELECT 1 FROM pg_inherits ii WHERE ii.inhrelid = i.oid)`;

const FOREIGN_KEYS_SQL = `
SELECT c.conname AS name, t.relname AS table, rt.relname AS "refTable",
       ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
              ORDER BY k.ord) AS columns,
       ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum
              ORDER BY k.ord) AS "refColumns",
       c.confdeltype AS "onDelete", c.confupdtype AS "onUpdate"
  FROM pg_constraint c
  JOIN pg_class t ON t.oid = c.conrelid
  JOIN pg_class rt ON rt.oid = c.confrelid
  JOIN pg_namespace n ON n.oid = t.relnamespace
 WHERE c.contype = 'f' AND n.nspname = current_schema()
   AND c.conparentid = 0`;

const PARTITIONED_SQL = `
SELECT c.relname AS table, pg_get_partkeydef(c.oid) AS key,
       EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class d ON d.oid = i.inhrelid
                WHERE i.inhparent = c.oid AND pg_get_expr(d.relpartbound, d.oid) = 'DEFAULT')
         AS "hasDefault"
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = current_schema() AND c.relkind = 'p' AND NOT c.relispartition`;

/** pg_constraint's confdeltype/confupdtype codes, as Prisma's referential action names. */
const ACTION_BY_CODE: Record<string, string> = {
  a: 'NoAction',
  r: 'Restrict',
  c: 'Cascade',
  n: 'SetNull',
  d: 'SetDefault',
};

export async function readDatabase(client: ClientBase): Promise<DbSnapshot> {
  const tables = await client.query<{ name: string }>(TABLES_SQL);
  const columns = await client.query<DbColumn>(COLUMNS_SQL);
  const enums = await client.query<{ name: string; values: string[] }>(ENUMS_SQL);
  const indexes = await client.query<DbIndex>(INDEXES_SQL);
  const fks = await client.query<DbForeignKey>(FOREIGN_KEYS_SQL);
  const partitioned = await client.query<DbPartitioned>(PARTITIONED_SQL);
  return {
    tables: tables.rows.map((r) => r.name),
    partitioned: partitioned.rows,
    columns: columns.rows,
    enums: new Map(enums.rows.map((r) => [r.name, r.values])),
    indexes: indexes.rows,
    foreignKeys: fks.rows.map((fk) => ({
      ...fk,
      onDelete: ACTION_BY_CODE[fk.onDelete] ?? fk.onDelete,
      onUpdate: ACTION_BY_CODE[fk.onUpdate] ?? fk.onUpdate,
    })),
  };
}

// ---------------------------------------------------------------------------------------
// Names: Prisma's @map/@@map resolution and its default constraint names.

/** Prisma's own bookkeeping table: present in every migrated database, absent from the schema. */
export const MIGRATIONS_TABLE = '_prisma_migrations';

/** PostgreSQL's NAMEDATALEN - 1; Prisma truncates generated names to fit it. */
const MAX_IDENTIFIER = 63;

/** Prisma's default name: `<table>_<col>_<col>` cut so that the suffix still fits. */
function constraintName(parts: string[], suffix: string): string {
  return parts.join('_').slice(0, MAX_IDENTIFIER - suffix.length) + suffix;
}

const tableOf = (model: DmmfModel) => model.dbName ?? model.name;
const columnOf = (field: DmmfField) => field.dbName ?? field.name;
const enumTypeOf = (e: DmmfEnum) => e.dbName ?? e.name;
const enumLabelOf = (v: { name: string; dbName?: string | null }) => v.dbName ?? v.name;

class Schema {
  readonly models: DmmfModel[];
  readonly enums: DmmfEnum[];
  readonly indexes: DmmfIndex[];

  constructor(dmmf: Dmmf) {
    ({ models: this.models, enums: this.enums, indexes: this.indexes } = dmmf.datamodel);
    // Everything below reads current_schema(); multiSchema would need per-object namespaces.
    const withSchema = [...this.models, ...this.enums].filter((x) => x.schema);
    if (withSchema.length) {
      throw new Error(`compareSchema: multiSchema is not supported (${withSchema[0]?.name})`);
    }
  }

  model(name: string): DmmfModel {
    const model = this.models.find((m) => m.name === name);
    if (!model) throw new Error(`compareSchema: DMMF has no model ${name}`);
    return model;
  }

  enumOf(field: DmmfField): DmmfEnum {
    const found = this.enums.find((e) => e.name === field.type);
    if (!found) throw new Error(`compareSchema: DMMF has no enum ${field.type}`);
    return found;
  }

  column(model: DmmfModel, fieldName: string): string {
    const field = model.fields.find((f) => f.name === fieldName);
    if (!field) throw new Error(`compareSchema: ${model.name} has no field ${fieldName}`);
    return columnOf(field);
  }
}

/** Fields stored as columns; relation (object) fields live only in Prisma. */
const columnFields = (model: DmmfModel) =>
  model.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const list = (xs: string[]) => `(${xs.join(', ')})`;

// ---------------------------------------------------------------------------------------
// Column types: Prisma's PostgreSQL rendering, expressed as format_type() prints it.

const precision = (args: string[]) => (args.length ? `(${args.join(',')})` : '');

/** Native types (`@db.X(args)`) by their DMMF name. */
const NATIVE_TYPES: Record<string, (args: string[]) => string> = {
  Text: () => 'text',
  // Prisma renders a bare @db.Char / @db.Bit as CHAR / BIT, which PostgreSQL sizes at 1.
  Char: (a) => `character(${a[0] ?? 1})`,
  VarChar: (a) => `character varying${precision(a)}`,
  Bit: (a) => `bit(${a[0] ?? 1})`,
  VarBit: (a) => `bit varying${precision(a)}`,
  Uuid: () => 'uuid',
  Xml: () => 'xml',
  Json: () => 'json',
  JsonB: () => 'jsonb',
  Inet: () => 'inet',
  Citext: () => 'citext',
  Money: () => 'money',
  Oid: () => 'oid',
  Boolean: () => 'boolean',
  ByteA: () => 'bytea',
  Date: () => 'date',
  SmallInt: () => 'smallint',
  Integer: () => 'integer',
  BigInt: () => 'bigint',
  Real: () => 'real',
  DoublePrecision: () => 'double precision',
  Decimal: (a) => `numeric${precision(a)}`,
  Timestamp: (a) => `timestamp${precision(a)} without time zone`,
  Timestamptz: (a) => `timestamp${precision(a)} with time zone`,
  Time: (a) => `time${precision(a)} without time zone`,
  Timetz: (a) => `time${precision(a)} with time zone`,
};

/** Prisma's PostgreSQL type for each scalar when no @db attribute is given. */
const DEFAULT_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
};

function expectedType(schema: Schema, field: DmmfField): string {
  let base: string | undefined;
  if (field.kind === 'enum') base = enumTypeOf(schema.enumOf(field));
  else if (field.nativeType) base = NATIVE_TYPES[field.nativeType[0]]?.(field.nativeType[1]);
  else base = DEFAULT_TYPES[field.type];
  const described = field.nativeType ? `@db.${field.nativeType[0]}` : field.type;
  if (!base) throw new Error(`compareSchema: no PostgreSQL mapping for ${described}`);
  return field.isList ? `${base}[]` : base;
}

// ---------------------------------------------------------------------------------------
// Column defaults.

type ExpectedDefault =
  | { kind: 'none' }
  | { kind: 'now' }
  | { kind: 'autoincrement' }
  | { kind: 'dbgenerated'; sql: string | undefined }
  | { kind: 'value'; value: unknown };

/** Default functions Prisma Client evaluates itself: they never reach the database. */
const CLIENT_SIDE_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);

const isFunctionDefault = (d: DmmfField['default']): d is FunctionDefault =>
  typeof d === 'object' && !Array.isArray(d) && d !== null;

function expectedDefault(schema: Schema, field: DmmfField): ExpectedDefault {
  const d = field.default;
  if (!field.hasDefaultValue || d === undefined) return { kind: 'none' };
  if (isFunctionDefault(d)) {
    if (d.name === 'now') return { kind: 'now' };
    if (d.name === 'autoincrement' || d.name === 'sequence') return { kind: 'autoincrement' };
    if (d.name === 'dbgenerated') {
      const sql = typeof d.args[0] === 'string' && d.args[0] !== '' ? d.args[0] : undefined;
      return { kind: 'dbgenerated', sql };
    }
    if (CLIENT_SIDE_DEFAULTS.has(d.name)) return { kind: 'none' };
    throw new Error(`compareSchema: unknown default function ${d.name}()`);
  }
  return { kind: 'value', value: literalParam(schema, field, d) };
}

/** The DMMF literal as a `pg` query parameter of the column's type. */
function literalParam(schema: Schema, field: DmmfField, value: Literal | Literal[]): unknown {
  const one = (v: Literal): unknown => {
    // Enum defaults name the Prisma value; the database stores its @map label.
    if (field.kind === 'enum') {
      const found = schema.enumOf(field).values.find((x) => x.name === v);
      return found ? enumLabelOf(found) : v;
    }
    // Bytes defaults are base64 in the schema.
    if (field.type === 'Bytes' && typeof v === 'string') return Buffer.from(v, 'base64');
    return v;
  };
  return Array.isArray(value) ? value.map(one) : one(value);
}

const NOW = /^(CURRENT_TIMESTAMP|now\(\))(::[\w ()]+)?$/;
const NEXTVAL = /^nextval\('[^']+'::regclass\)$/;

async function compareDefault(
  client: ClientBase,
  where: string,
  expected: ExpectedDefault,
  actual: DbColumn,
): Promise<string[]> {
  const got = actual.default;
  switch (expected.kind) {
    case 'none':
      return got === null ? [] : [`${where}: has DEFAULT ${got}, schema has no database default`];
    case 'now':
      return got !== null && NOW.test(got)
        ? []
        : [`${where}: DEFAULT is ${got ?? 'missing'}, expected CURRENT_TIMESTAMP (now())`];
    case 'autoincrement':
      return got !== null && NEXTVAL.test(got)
        ? []
        : [`${where}: DEFAULT is ${got ?? 'missing'}, expected nextval(...) (autoincrement())`];
    case 'dbgenerated':
      return compareGeneratedDefault(client, where, expected.sql, actual);
    case 'value':
      return compareLiteralDefault(client, where, expected.value, actual);
  }
}

/**
 * Compares values, not spellings: PostgreSQL casts both the column's default expression and
 * the schema's literal to the column type (as an INSERT would), so `'[]'` vs `'[ ]'` or
 * `1.5` vs `1.50` agree.
 */
async function compareLiteralDefault(
  client: ClientBase,
  where: string,
  value: unknown,
  actual: DbColumn,
): Promise<string[]> {
  const wanted = JSON.stringify(value instanceof Buffer ? value.toString('base64') : value);
  if (actual.default === null) return [`${where}: DEFAULT is missing, expected ${wanted}`];
  try {
    const { rows } = await client.query<{ same: boolean }>(
      `SELECT ((${actual.default})::${actual.sqlType})::text
              IS NOT DISTINCT FROM ($1::${actual.sqlType})::text AS same`,
      [value],
    );
    return rows[0]?.same ? [] : [`${where}: DEFAULT is ${actual.default}, expected ${wanted}`];
  } catch (err) {
    return [`${where}: DEFAULT ${actual.default} not comparable with ${wanted}: ${String(err)}`];
  }
}

/**
 * dbgenerated() holds SQL, which PostgreSQL stores rewritten (casts added, keywords folded);
 * a rolled-back probe column with the same type and default yields the canonical spelling.
 */
async function compareGeneratedDefault(
  client: ClientBase,
  where: string,
  sql: string | undefined,
  actual: DbColumn,
): Promise<string[]> {
  if (actual.default === null) return [`${where}: DEFAULT is missing, expected dbgenerated()`];
  if (sql === undefined) return [];
  await client.query('BEGIN');
  try {
    await client.query(`CREATE TEMP TABLE drift_probe (c ${actual.sqlType} DEFAULT ${sql})`);
    const { rows } = await client.query<{ expr: string }>(
      `SELECT pg_get_expr(adbin, adrelid) AS expr FROM pg_attrdef
        WHERE adrelid = 'pg_temp.drift_probe'::regclass`,
    );
    const canonical = rows[0]?.expr;
    return canonical === actual.default
      ? []
      : [`${where}: DEFAULT is ${actual.default}, expected ${canonical} (dbgenerated("${sql}"))`];
  } catch (err) {
    return [`${where}: dbgenerated("${sql}") cannot be evaluated: ${String(err)}`];
  } finally {
    await client.query('ROLLBACK');
  }
}

// ---------------------------------------------------------------------------------------
// The comparisons. Each returns human-readable mismatches, empty when in sync.

function compareTables(schema: Schema, db: DbSnapshot): string[] {
  const expected = new Set([...schema.models.map(tableOf), MIGRATIONS_TABLE]);
  const actual = new Set(db.tables);
  return [
    ...[...expected].filter((t) => !actual.has(t)).map((t) => `table ${t}: missing`),
    ...[...actual].filter((t) => !expected.has(t)).map((t) => `table ${t}: not in the schema`),
  ];
}

async function compareColumns(
  client: ClientBase,
  schema: Schema,
  db: DbSnapshot,
): Promise<string[]> {
  const out: string[] = [];
  for (const model of schema.models) {
    const table = tableOf(model);
    if (!db.tables.includes(table)) continue; // already reported as a missing table
    const actual = new Map(db.columns.filter((c) => c.table === table).map((c) => [c.column, c]));
    const fields = columnFields(model);
    for (const field of fields) {
      const column = actual.get(columnOf(field));
      const where = `${table}.${columnOf(field)}`;
      if (!column) out.push(`${where}: missing column (${model.name}.${field.name})`);
      else out.push(...(await compareColumn(client, schema, field, column, where)));
    }
    const known = new Set(fields.map(columnOf));
    for (const name of actual.keys()) {
      if (!known.has(name)) out.push(`${table}.${name}: column not in the schema`);
    }
  }
  return out;
}

async function compareColumn(
  client: ClientBase,
  schema: Schema,
  field: DmmfField,
  column: DbColumn,
  where: string,
): Promise<string[]> {
  const type = expectedType(schema, field);
  if (column.type !== type) {
    // The default is compared in the column's type, so it is meaningless until that matches.
    return [`${where}: type is ${column.type}, expected ${type}`];
  }
  const out: string[] = [];
  // Prisma never marks scalar-list columns NOT NULL, even though lists are "required".
  const notNull = field.isRequired && !field.isList;
  if (column.notNull !== notNull) {
    out.push(`${where}: is ${column.notNull ? 'NOT NULL' : 'nullable'}, expected the opposite`);
  }
  out.push(...(await compareDefault(client, where, expectedDefault(schema, field), column)));
  return out;
}

function compareEnums(schema: Schema, db: DbSnapshot): string[] {
  const out: string[] = [];
  const expected = new Set(schema.enums.map(enumTypeOf));
  for (const e of schema.enums) {
    const values = e.values.map(enumLabelOf);
    const actual = db.enums.get(enumTypeOf(e));
    if (!actual) out.push(`enum ${enumTypeOf(e)}: missing`);
    else if (!same(actual, values)) {
      out.push(`enum ${enumTypeOf(e)}: values are ${list(actual)}, expected ${list(values)}`);
    }
  }
  for (const name of db.enums.keys()) {
    if (!expected.has(name)) out.push(`enum ${name}: not in the schema`);
  }
  return out;
}

type IndexShape = Omit<DbIndex, 'name'>;

const INDEX_SUFFIX = { id: '_pkey', unique: '_key', normal: '_idx' } as const;

function expectedIndexes(schema: Schema): Map<string, IndexShape> {
  const out = new Map<string, IndexShape>();
  for (const index of schema.indexes) {
    if (index.type === 'fulltext') throw new Error('compareSchema: fulltext is MySQL-only');
    const model = schema.model(index.model);
    const table = tableOf(model);
    const names = index.fields.map((f) => schema.column(model, f.name));
    // Prisma names a primary key after the table alone.
    const parts = index.type === 'id' ? [table] : [table, ...names];
    out.set(index.dbName ?? constraintName(parts, INDEX_SUFFIX[index.type]), {
      table,
      columns: index.fields.map((f, i) => `${names[i]}${f.sortOrder === 'desc' ? ' DESC' : ''}`),
      unique: index.type !== 'normal',
      primary: index.type === 'id',
      // Prisma's algorithms (BTree, Hash, Gist, Gin, SpGist, Brin) are pg_am names, capitalised.
      method: (index.algorithm ?? 'BTree').toLowerCase(),
      partial: false,
      partitionOnly: false,
    });
  }
  return out;
}

function describeIndex(i: IndexShape): string {
  const kind = i.primary ? 'PRIMARY KEY' : i.unique ? 'UNIQUE' : 'INDEX';
  const where = i.partial ? ' WHERE ...' : '';
  const only = i.partitionOnly ? ' on one partition only' : '';
  return `${kind} ${i.table} USING ${i.method} ${list(i.columns)}${where}${only}`;
}

function compareIndexes(schema: Schema, db: DbSnapshot): string[] {
  const out: string[] = [];
  const expected = expectedIndexes(schema);
  const actual = new Map(
    db.indexes
      .filter((i) => i.table !== MIGRATIONS_TABLE)
      .map(({ name, ...shape }) => [name, shape] as const),
  );
  for (const [name, want] of expected) {
    const got = actual.get(name);
    if (!got) out.push(`index ${name}: missing (${describeIndex(want)})`);
    else if (describeIndex(got) !== describeIndex(want)) {
      out.push(`index ${name}: is ${describeIndex(got)}, expected ${describeIndex(want)}`);
    }
  }
  for (const [name, got] of actual) {
    if (!expected.has(name)) out.push(`index ${name}: not in the schema (${describeIndex(got)})`);
  }
  return out;
}

type ForeignKeyShape = Omit<DbForeignKey, 'name'>;

/**
 * One FK per relation field that holds `fields:`. Caveat: the DMMF does not expose
 * `@relation(map: ...)`, so a custom FK name would be reported as missing + extra.
 */
function expectedForeignKeys(schema: Schema): Map<string, ForeignKeyShape> {
  const out = new Map<string, ForeignKeyShape>();
  for (const model of schema.models) {
    for (const field of model.fields) {
      const from = field.relationFromFields ?? [];
      if (field.kind !== 'object' || from.length === 0) continue;
      const target = schema.model(field.type);
      const columns = from.map((f) => schema.column(model, f));
      // Prisma's defaults: Restrict when a referencing scalar is required, else SetNull;
      // updates cascade.
      const required = from.some((f) => model.fields.find((x) => x.name === f)?.isRequired);
      out.set(constraintName([tableOf(model), ...columns], '_fkey'), {
        table: tableOf(model),
        columns,
        refTable: tableOf(target),
        refColumns: (field.relationToFields ?? []).map((f) => schema.column(target, f)),
        onDelete: field.relationOnDelete ?? (required ? 'Restrict' : 'SetNull'),
        onUpdate: field.relationOnUpdate ?? 'Cascade',
      });
    }
  }
  return out;
}

const describeForeignKey = (fk: ForeignKeyShape) =>
  `${fk.table}${list(fk.columns)} -> ${fk.refTable}${list(fk.refColumns)} ` +
  `ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`;

function compareForeignKeys(schema: Schema, db: DbSnapshot): string[] {
  const out: string[] = [];
  const expected = expectedForeignKeys(schema);
  const actual = new Map(db.foreignKeys.map(({ name, ...shape }) => [name, shape] as const));
  for (const [name, want] of expected) {
    const got = actual.get(name);
    if (!got) out.push(`foreign key ${name}: missing (${describeForeignKey(want)})`);
    else if (describeForeignKey(got) !== describeForeignKey(want)) {
      out.push(
        `foreign key ${name}: is ${describeForeignKey(got)}, expected ${describeForeignKey(want)}`,
      );
    }
  }
  for (const [name, got] of actual) {
    if (!expected.has(name)) {
      out.push(`foreign key ${name}: not in the schema (${describeForeignKey(got)})`);
    }
  }
  return out;
}

/**
 * Prisma cannot declare partitioning, so which tables are partitioned, by what key, is given
 * apart from the schema (`table → "RANGE (column)"`); each needs a default partition too.
 */
export type ExpectedPartitioning = Record<string, string>;

function comparePartitioning(expected: ExpectedPartitioning, db: DbSnapshot): string[] {
  const out: string[] = [];
  const actual = new Map(db.partitioned.map((p) => [p.table, p]));
  for (const [table, key] of Object.entries(expected)) {
    const got = actual.get(table);
    if (!got) out.push(`table ${table}: not partitioned, expected PARTITION BY ${key}`);
    else if (got.key !== key)
      out.push(`table ${table}: partitioned by ${got.key}, expected ${key}`);
    else if (!got.hasDefault) out.push(`table ${table}: no default partition`);
  }
  for (const table of actual.keys()) {
    if (!(table in expected)) out.push(`table ${table}: partitioned, expected a plain table`);
  }
  return out;
}

/**
 * Every difference between the database behind `client` (its current schema) and the
 * Prisma schema plus the expected partitioning, as readable lines; empty when they match.
 */
export async function compareSchema(
  dmmf: Dmmf,
  client: ClientBase,
  partitioning: ExpectedPartitioning = {},
): Promise<string[]> {
  const schema = new Schema(dmmf);
  const db = await readDatabase(client);
  return [
    ...compareTables(schema, db),
    ...comparePartitioning(partitioning, db),
    ...compareEnums(schema, db),
    ...(await compareColumns(client, schema, db)),
    ...compareIndexes(schema, db),
    ...compareForeignKeys(schema, db),
  ];
}
