/**
 * The statements the ledger writer runs, behind one small interface with two implementations:
 *
 * - `portable`: Prisma raw queries (`$queryRaw` / `$executeRaw`, multi-row INSERTs), plain SQL with quoted
 *   identifiers that SQLite and PostgreSQL both accept. The PostgreSQL path, and the fallback anywhere
 *   the SQLite connection is not reachable.
 * - `sqlite`: the same SQL text run as cached prepared statements directly on the better-sqlite3
 *   connection under the Prisma client, inside the caller's Prisma interactive transaction (one
 *   connection, so the statements are part of that transaction and roll back with it). Prisma's
 *   query compiler and adapter cost several times SQLite's own work per statement (profiled: ~85 % of
 *   the bulk backfill's time), and the adapter re-prepares every statement.
 *
 * Both take the statements as Prisma.Sql (built with Prisma.sql), bind values the way the Prisma adapter
 * binds them for SQLite (Date as ISO-8601 text with "+00:00", boolean as 1/0), so rows read the same
 * whichever wrote them. Tests run the ingestion on both (test/sync/ledger-writers.test.ts).
 */
import type { Db } from "~/db.server";
import { sqliteConnection } from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { insertRows as insertRowsPortable, type SqlValue } from "~/lib/chunks";

export type LedgerSqlKind = "sqlite" | "portable";

export interface LedgerSql {
  readonly kind: LedgerSqlKind;
  $queryRaw<T = unknown>(query: Prisma.Sql): Promise<T>;
  $executeRaw(query: Prisma.Sql): Promise<number>;
  /** Inserts rows (all with the same keys in the same order) into `table`. */
  insertRows(table: string, rows: Record<string, SqlValue>[]): Promise<void>;
}

interface RawClient {
  $queryRaw<T = unknown>(query: Prisma.Sql): PromiseLike<T>;
  $executeRaw(query: Prisma.Sql): PromiseLike<number>;
}

/** Prisma raw queries on a transaction (or client): portable SQL, the PostgreSQL path. */
export function portableLedgerSql(tx: RawClient): LedgerSql {
  return {
    kind: "portable",
    $queryRaw: async <T>(query: Prisma.Sql) => (await tx.$queryRaw<T>(query)) as T,
    $executeRaw: async (query: Prisma.Sql) => tx.$executeRaw(query),
    insertRows: (table, rows) => insertRowsPortable(tx, table, rows),
  };
}

interface SqliteStatement {
  readonly reader: boolean;
  run(...params: unknown[]): { changes: number };
  all(...params: unknown[]): unknown[];
}

interface SqliteConnection {
  readonly inTransaction: boolean;
  readonly open: boolean;
  prepare(source: string): SqliteStatement;
}

function isSqliteConnection(value: unknown): value is SqliteConnection {
  return typeof value === "object" && value !== null && typeof (value as SqliteConnection).prepare === "function"
    && typeof (value as SqliteConnection).inTransaction === "boolean";
}

const DAY_MS = 86_400_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, "0"));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, "0"));
/** "YYYY-MM-DDT" of each day met; a day's orders and lines share it. */
const dayPrefixes = new Map<number, string>();

/**
 * `date.toISOString()` with "Z" written "+00:00", the adapter's default iso8601 format, built from a
 * cached day prefix and the time of day: the bulk ingest binds ~5 instants an order, and toISOString
 * plus replace measured ~1 µs each against ~0.12 µs this way (1M instants).
 */
export function sqliteTimestamp(date: Date): string {
  const ms = date.getTime();
  const day = Math.floor(ms / DAY_MS);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = date.toISOString().slice(0, -"00:00:00.000Z".length); // throws on an invalid Date, as before
    if (dayPrefixes.size >= 100_000) dayPrefixes.clear();
    dayPrefixes.set(day, prefix);
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${prefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[rest - seconds * 1000]}+00:00`;
}

/** As @prisma/adapter-better-sqlite3 binds values (its default iso8601 timestamp format). */
function bindValue(value: unknown): unknown {
  if (value instanceof Date) return sqliteTimestamp(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return value ?? null;
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Prepared statements kept per connection; statements with long IN lists vary, so the cache is bounded. */
const MAX_CACHED_STATEMENTS = 256;
const statementCaches = new WeakMap<SqliteConnection, Map<string, SqliteStatement>>();

function statementsOf(connection: SqliteConnection): Map<string, SqliteStatement> {
  let cache = statementCaches.get(connection);
  if (!cache) {
    cache = new Map();
    statementCaches.set(connection, cache);
  }
  return cache;
}

function prepared(connection: SqliteConnection, source: string): SqliteStatement {
  const cache = statementsOf(connection);
  let statement = cache.get(source);
  if (!statement) {
    if (cache.size >= MAX_CACHED_STATEMENTS) cache.delete(cache.keys().next().value as string);
    statement = connection.prepare(source);
    cache.set(source, statement);
  }
  return statement;
}

function sqliteLedgerSql(connection: SqliteConnection): LedgerSql {
  const guard = () => {
    // Outside a transaction these statements would commit on their own, apart from the caller's work.
    if (!connection.inTransaction) throw new Error("The SQLite ledger writer runs only inside a transaction");
  };
  return {
    kind: "sqlite",
    $queryRaw: async <T>(query: Prisma.Sql) => {
      guard();
      return prepared(connection, query.sql).all(query.values.map(bindValue)) as T;
    },
    $executeRaw: async (query: Prisma.Sql) => {
      guard();
      return prepared(connection, query.sql).run(query.values.map(bindValue)).changes;
    },
    insertRows: async (table, rows) => {
      if (!rows.length) return;
      guard();
      const columns = Object.keys(rows[0]);
      for (const name of [table, ...columns]) {
        if (!IDENTIFIER.test(name)) throw new Error(`Not a plain SQL identifier: ${name}`);
      }
      // One prepared single-row INSERT run per row: in SQLite that beats building multi-row statements.
      const statement = prepared(connection,
        `INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`);
      for (const row of rows) {
        // The row's values in its keys' order (the interface's contract: the same keys in the same order
        // on every row); Object.values measured ~3x faster than a keyed read per column.
        const values: unknown[] = Object.values(row);
        if (values.length !== columns.length) throw new Error(`Rows of ${table} differ in their columns`);
        for (let index = 0; index < values.length; index += 1) {
          const value = values[index];
          // Dates (sqliteTimestamp, cheap enough to format each one), booleans, null and undefined.
          if (typeof value === "object" || typeof value === "boolean" || value === undefined) values[index] = bindValue(value);
        }
        statement.run(values);
      }
    },
  };
}

let forced: LedgerSqlKind | null = null;

/**
 * Chooses the implementation for all later calls (tests and benchmarks compare the two); null restores
 * the default: `sqlite` where the connection is reachable, unless LEDGER_SQL=portable.
 */
export function forceLedgerSql(kind: LedgerSqlKind | null): void {
  forced = kind;
}

/** The ledger statements for `tx`, an interactive transaction of `db`. */
export function ledgerSqlFor(db: Db, tx: RawClient): LedgerSql {
  const wanted = forced ?? (process.env.LEDGER_SQL === "portable" ? "portable" : "sqlite");
  if (wanted === "sqlite") {
    const connection = sqliteConnection(db);
    if (isSqliteConnection(connection) && connection.open && connection.inTransaction) return sqliteLedgerSql(connection);
  }
  return portableLedgerSql(tx);
}

/** `true` for a unique/primary-key violation raised by the SQLite connection itself. */
export function isSqliteUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE");
}
