// Detects which DBOS system schema a database holds (migration version, payload tables, columns) and refuses
// what the reader cannot read. Shared code (any process); reads the catalog only, never creates anything.
import type pg from 'pg';
import { errors } from '../errors.js';
import type { SchemaInfo } from '../reader/readerTypes.js';

export const DEFAULT_SCHEMA = 'dbos';

/** The tables the reader looks at. */
export const SYSTEM_TABLES = [
  'dbos_migrations',
  'workflow_status',
  'operation_outputs',
  'workflow_input',
  'workflow_output',
  'workflow_events',
  'workflow_events_history',
  'streams',
  'notifications',
] as const;
export type SystemTable = (typeof SYSTEM_TABLES)[number];

/**
 * Columns without which a recording cannot be replayed. Everything else is read when present and NULL
 * otherwise. `workflow_status.inputs` arrived with migration 22 (`consolidate_inputs`, TS SDK 2.x), which is
 * the oldest schema we read; `child_workflow_id` with migration 17.
 */
export const REQUIRED_COLUMNS: Partial<Record<SystemTable, string[]>> = {
  workflow_status: [
    'workflow_uuid',
    'status',
    'name',
    'class_name',
    'config_name',
    'created_at',
    'updated_at',
    'inputs',
    'output',
    'error',
  ],
  operation_outputs: ['workflow_uuid', 'function_id', 'function_name', 'output', 'error', 'child_workflow_id'],
};

/** Newest `dbos_migrations.version` this reader was checked against (SDK 5.3.0). Newer is read with a warning. */
export const NEWEST_KNOWN_MIGRATION = 123;
/** Migration 109 (`109_workflow_payload_tables`) adds workflow_input / workflow_output. */
export const PAYLOAD_TABLES_MIGRATION = 109;

/** Double-quotes an identifier for SQL text (schema names are the only identifiers that come from the user). */
export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/** An identifier for SQL a user copies (a GRANT): bare when Postgres would not fold or reject it, quoted otherwise. */
export function sqlIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : quoteIdent(name);
}

/** SchemaInfo plus what the reader needs to build its column lists. */
export interface DetectedSchema extends SchemaInfo {
  /** Columns present, by table (tables absent from the map do not exist). */
  columns: Partial<Record<SystemTable, string[]>>;
  /** Set when the version is newer than NEWEST_KNOWN_MIGRATION: readable, but not verified. */
  warning?: string;
}

/**
 * Reads the catalog of `schema` and returns what it is. Throws HistoryError 201 when there is no DBOS schema,
 * 202 when it is a version we do not read. `target` names the database in messages (host:port/db).
 */
export async function detectSchema(
  db: pg.Pool | pg.PoolClient,
  schema: string,
  target: string,
): Promise<DetectedSchema> {
  // From pg_catalog, not information_schema: information_schema.columns hides the tables the role may not read, which
  // would make a payload table look absent (inputs read as null, a false divergence) instead of refused below.
  const { rows } = await db.query<{ table_name: string; column_name: string; can_select: boolean }>(
    `SELECT c.relname AS table_name, a.attname AS column_name, has_table_privilege(c.oid, 'SELECT') AS can_select
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = $1 AND c.relname = ANY($2::text[]) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      ORDER BY c.relname, a.attnum`,
    [schema, SYSTEM_TABLES as unknown as string[]],
  );
  const columns: Partial<Record<SystemTable, string[]>> = {};
  const denied = new Set<string>();
  for (const r of rows) {
    (columns[r.table_name as SystemTable] ??= []).push(r.column_name);
    if (!r.can_select) denied.add(r.table_name);
  }

  const q = `${quoteIdent(schema)}`;
  if (!columns.workflow_status) {
    throw errors.notASystemDatabase(target, schema);
  }
  const priv = await db.query<{ usr: string; usage: boolean }>(
    `SELECT current_user AS usr, has_schema_privilege(n.oid, 'USAGE') AS usage
       FROM pg_catalog.pg_namespace n WHERE n.nspname = $1`,
    [schema],
  );
  const usage = priv.rows[0]?.usage ?? false;
  if (!usage || denied.size > 0) {
    throw errors.missingPrivileges(sqlIdent(priv.rows[0]?.usr ?? 'current_user'), target, sqlIdent(schema), {
      usage,
      tables: [...denied],
    });
  }
  if (!columns.dbos_migrations) {
    throw errors.schemaTooOld(target, schema);
  }
  const v = await db.query<{ version: number | string | null }>(
    `SELECT max(version) AS version FROM ${q}.dbos_migrations`,
  );
  const migrationVersion = Number(v.rows[0]?.version ?? 0);

  for (const [table, required] of Object.entries(REQUIRED_COLUMNS) as [SystemTable, string[]][]) {
    const have = new Set(columns[table] ?? []);
    const missing = required.filter((c) => !have.has(c));
    if (!columns[table] || missing.length > 0) {
      const what = !columns[table]
        ? `there is no table ${schema}.${table}`
        : `${schema}.${table} has no column ${missing.join(', ')}`;
      throw errors.schemaUnreadable(target, migrationVersion, NEWEST_KNOWN_MIGRATION, what);
    }
  }
  const hasPayloadTables = Boolean(columns.workflow_input && columns.workflow_output);
  const info: DetectedSchema = {
    schema,
    migrationVersion,
    generation: hasPayloadTables ? 'v5' : 'v4',
    hasPayloadTables,
    columns,
  };
  if (migrationVersion > NEWEST_KNOWN_MIGRATION) {
    info.warning =
      `${target} is at DBOS schema version ${migrationVersion}, newer than ${NEWEST_KNOWN_MIGRATION} ` +
      `(SDK 5.3.0) that this reader was checked against; reading it anyway.`;
  }
  return info;
}
