/**
 * Streaming reads for the analytics recompute: a query's rows as arrays in SELECT column order, one at
 * a time, from one consistent view of the database.
 *
 * - SQLite (DATABASE_URL is a file, the embedded default): a private read-only better-sqlite3
 *   connection for the whole load, inside one read transaction (WAL: a stable snapshot while writers
 *   go on), raw rows from `iterate()`. Reading hundreds of thousands of rows through Prisma's driver
 *   adapter costs ~50-80 us a row; this costs ~1 us. The event loop is given back every few thousand
 *   rows so a refresh does not stall the requests of the process running it.
 * - Anything else (PostgreSQL, or ANALYTICS_DIRECT_SQLITE=off): the same SQL through `$queryRaw`
 *   (Prisma.Sql renders `$n` placeholders there). Every query the analytics run is portable SQL. On
 *   PostgreSQL `withRowSnapshot` runs the reads in one REPEATABLE READ, READ ONLY transaction: read
 *   one by one, a refresh racing the webhooks could see an order's events but not its row.
 *
 * Values come back as the driver gives them (text or Date for dates, number or bigint for amounts):
 * `instantMs` and `num` (~/lib/sql-values) accept both.
 */
import { dbProvider, type Db } from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { SqliteDatabase } from "~/lib/sqlite-library.server";

export type Reader = Pick<Db, "$queryRaw">;
export type SqlRow = unknown[];

export interface RowSource {
  /** "sqlite-direct" or "prisma": which path served the rows (benchmarks and tests print it). */
  readonly kind: "sqlite-direct" | "prisma";
  /** Calls `onRow` with each row's values in the SELECT's column order; resolves to the row count. */
  each(query: Prisma.Sql, onRow: (row: SqlRow) => void): Promise<number>;
  /** Every row of a small result as an object keyed by column name (pages of a paged scan). */
  all(query: Prisma.Sql): Promise<Record<string, unknown>[]>;
  /**
   * The whole result as columns: one array of values per selected column (distinct names), in row
   * order. On the direct path SQLite builds each column as one JSON array (json_group_array over the
   * query) and JavaScript parses it: measured on 1.1M value events, ~0.3 us a value against ~2 us a
   * row stepped through `each`. The result is held whole, and each column is one string there (V8 caps
   * a string at ~512 MB: a column of 40-character ids reaches it near 12M rows): for reads of a few
   * million rows. `width`:
   * how many columns the query selects (an empty result still gives that many arrays).
   */
  columns(query: Prisma.Sql, width: number): Promise<unknown[][]>;
  /** Ends the read transaction and closes a private connection. Safe to call twice. */
  close(): void;
}

const MMAP_BYTES = 2 ** 32;

/** Rows between two yields to the event loop on the direct path. */
const ROWS_PER_SLICE = 20_000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const bind = (value: unknown): unknown =>
  value instanceof Date ? value.toISOString().replace(/Z$/, "+00:00") : typeof value === "boolean" ? (value ? 1 : 0) : value;

/** The SQLite file behind DATABASE_URL when the direct path applies, else null. */
export function directSqliteFile(): string | null {
  const url = process.env.DATABASE_URL;
  if (!url?.startsWith("file:") || process.env.ANALYTICS_DIRECT_SQLITE === "off") return null;
  return url.slice("file:".length).split("?")[0];
}

/** The direct SQLite path's row source: also gives a result's columns as the JSON texts SQLite built. */
export interface SqliteRowSource extends RowSource {
  readonly kind: "sqlite-direct";
  /** RowSource.columns before parsing: one JSON array text per column (a string crosses to another thread as one copy). */
  columnTexts(query: Prisma.Sql, width: number): Promise<string[]>;
}

export const isSqliteDirect = (rows: RowSource): rows is SqliteRowSource => rows.kind === "sqlite-direct" && "columnTexts" in rows;

class DirectSource implements SqliteRowSource {
  readonly kind = "sqlite-direct" as const;
  private handle: SqliteDatabase | null;

  constructor(file: string, snapshot: boolean) {
    // The adapter's own SQLite library (see sqlite-library.server.ts): a second copy would corrupt the file.
    this.handle = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
    this.handle.pragma("busy_timeout = 5000");
    // Memory-mapped reads: no read() system call per page of a 1M-row scan (measured: -35% CPU on the
    // value-event read). Read-only mapping of the file; pages stay in the OS cache, not the heap.
    this.handle.pragma(`mmap_size = ${MMAP_BYTES}`);
    // The snapshot is taken at the first read and kept until close(): every read of a load sees the
    // same committed state. A scan that pages its own reads (the margin recompute) passes false.
    if (snapshot) this.handle.exec("BEGIN");
  }

  /** Takes the snapshot now (a read starts the read transaction) instead of at the first query. */
  pin(): void {
    if (!this.handle) throw new Error("RowSource is closed");
    this.handle.prepare("SELECT COUNT(*) FROM sqlite_master").get();
  }

  async each(query: Prisma.Sql, onRow: (row: SqlRow) => void): Promise<number> {
    if (!this.handle) throw new Error("RowSource is closed");
    const statement = this.handle.prepare(query.sql).raw(true);
    let n = 0;
    for (const row of statement.iterate(...query.values.map(bind)) as IterableIterator<SqlRow>) {
      onRow(row);
      if (++n % ROWS_PER_SLICE === 0) await yieldToEventLoop();
    }
    return n;
  }

  async all(query: Prisma.Sql): Promise<Record<string, unknown>[]> {
    if (!this.handle) throw new Error("RowSource is closed");
    return this.handle.prepare(query.sql).all(...query.values.map(bind)) as Record<string, unknown>[];
  }

  async columns(query: Prisma.Sql, width: number): Promise<unknown[][]> {
    return (await this.columnTexts(query, width)).map((text) => JSON.parse(text) as unknown[]);
  }

  async columnTexts(query: Prisma.Sql, width: number): Promise<string[]> {
    if (!this.handle) throw new Error("RowSource is closed");
    const names = this.handle.prepare(query.sql).columns().map((column) => column.name);
    if (names.length !== width || new Set(names).size !== width) throw new Error(`columns() wants ${width} distinct column names, got ${names.join(", ")}`);
    // The aggregate takes the rows in the order the subquery gives them; callers whose order matters check it.
    const wrapped = `SELECT ${names.map((name) => `json_group_array("${name.replaceAll('"', '""')}")`).join(", ")} FROM (${query.sql})`;
    return this.handle.prepare(wrapped).raw(true).get(...query.values.map(bind)) as string[];
  }

  close(): void {
    if (!this.handle) return;
    try {
      if (this.handle.inTransaction) this.handle.exec("COMMIT");
    } finally {
      this.handle.close();
      this.handle = null;
    }
  }
}

class PrismaSource implements RowSource {
  readonly kind = "prisma" as const;
  constructor(private readonly db: Reader) {}

  // Rows come back as objects keyed by column name: every selected column needs a distinct name (alias
  // aggregates), or PostgreSQL's two "sum" columns collapse into one and the positions shift.
  async each(query: Prisma.Sql, onRow: (row: SqlRow) => void): Promise<number> {
    const rows = await this.db.$queryRaw<Record<string, unknown>[]>(query);
    for (const row of rows) onRow(Object.values(row));
    return rows.length;
  }

  all(query: Prisma.Sql): Promise<Record<string, unknown>[]> {
    return this.db.$queryRaw<Record<string, unknown>[]>(query);
  }

  async columns(query: Prisma.Sql, width: number): Promise<unknown[][]> {
    const rows = await this.db.$queryRaw<Record<string, unknown>[]>(query);
    if (!rows.length) return Array.from({ length: width }, () => []);
    const names = Object.keys(rows[0]);
    if (names.length !== width) throw new Error(`columns() wants ${width} distinct column names, got ${names.join(", ")}`);
    return names.map((name) => rows.map((row) => row[name]));
  }

  close(): void {}
}

/** A direct, read-only snapshot of the SQLite file `file` (see DirectSource); the caller must close() it. */
export function openSqliteSnapshot(file: string): SqliteRowSource & { pin(): void } {
  return new DirectSource(file, true);
}

/**
 * Runs `pinAll` while no write can commit: snapshots taken inside it (each connection's `pin`) all see
 * the same committed state. It runs inside an interactive transaction of `db` (SQLite file clients
 * begin them with BEGIN IMMEDIATE, db.server.ts), which holds the write lock and commits nothing.
 *
 * Not through a second connection of this process: this process's own writers would then wait for
 * that lock inside SQLite's busy handler, which blocks the thread, and with it the replies the pins
 * wait for. The one-process webhook benchmark hung that way (a refresh left "running", every
 * webhook after it unanswered). Through `db`, they queue on the client's connection lock instead.
 */
export async function whileWritesWait<T>(db: Pick<Db, "$transaction">, pinAll: () => Promise<T>): Promise<T> {
  return db.$transaction(() => pinAll(), { maxWait: 30_000, timeout: 60_000 });
}

/**
 * A row source for one load; the caller must close() it (try/finally). The client must point at
 * DATABASE_URL. `snapshot` (default true) keeps one read transaction for all the source's reads.
 */
export function openRowSource(db: Reader, options: { snapshot?: boolean } = {}): RowSource {
  const file = directSqliteFile();
  return file ? new DirectSource(file, options.snapshot ?? true) : new PrismaSource(db);
}

// ------------------------------------------------------------------------------------------------

const ISO_LENGTH = 29; // "2026-01-05T12:00:00.000+00:00", the text form the SQLite adapter stores

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * Milliseconds since the epoch of a date column's value: a Date (PostgreSQL), epoch milliseconds, or
 * the ISO text SQLite stores. The stored form ("...T12:00:00.000+00:00") is read with integer
 * arithmetic (Date.parse costs ~1 us, a third of a 1M-row load); any other text goes to Date.parse.
 * Throws on a value that is no date.
 */
export function instantMs(value: unknown): number {
  if (typeof value === "string") {
    if (value.length === ISO_LENGTH && value.charCodeAt(23) === 43 /* + */ && value.endsWith("+00:00") && value.charCodeAt(10) === 84 /* T */) {
      const y = digit(value, 0) * 1000 + digit(value, 1) * 100 + digit(value, 2) * 10 + digit(value, 3);
      const mo = digit(value, 5) * 10 + digit(value, 6);
      const d = digit(value, 8) * 10 + digit(value, 9);
      const h = digit(value, 11) * 10 + digit(value, 12);
      const mi = digit(value, 14) * 10 + digit(value, 15);
      const s = digit(value, 17) * 10 + digit(value, 18);
      const ms = digit(value, 20) * 100 + digit(value, 21) * 10 + digit(value, 22);
      const ok = y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 59 && ms >= 0 && ms <= 999;
      if (ok) return ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + s * 1000 + ms;
    }
    const parsed = Date.parse(value);
    if (Number.isNaN(parsed)) throw new RangeError(`Not a date: ${JSON.stringify(value.slice(0, 40))}`);
    return parsed;
  }
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new RangeError("Invalid Date");
    return ms;
  }
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "bigint") return Number(value);
  throw new RangeError(`Not a date: ${String(value)}`);
}

/** Longest a PostgreSQL read snapshot may stay open (a 1M-order load reads for under a minute). */
const SNAPSHOT_TIMEOUT_MS = 600_000;

/**
 * Runs `read` on a row source whose reads all see one committed state of the database: the direct
 * SQLite connection's read transaction, or on PostgreSQL a REPEATABLE READ, READ ONLY transaction of
 * the client (`reader`, the second argument, runs other queries in the same snapshot). A transaction client passed in
 * is already one view; SQLite through Prisma (direct path off) reads statement by statement, since a
 * long transaction there would hold up the process's writes.
 */
export async function withRowSnapshot<T>(db: Reader, read: (rows: RowSource, reader: Reader) => Promise<T>): Promise<T> {
  const client = db as Partial<Pick<Db, "$transaction">> & Reader;
  if (dbProvider(db) === "postgresql" && typeof client.$transaction === "function") {
    // `Db` is typed as the SQLite client, whose only level is Serializable; the PostgreSQL client takes this.
    const options = { isolationLevel: "RepeatableRead", maxWait: 30_000, timeout: SNAPSHOT_TIMEOUT_MS } as unknown as
      { isolationLevel: "Serializable"; maxWait: number; timeout: number };
    return client.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("SET TRANSACTION READ ONLY");
      return read(new PrismaSource(tx), tx);
    }, options);
  }
  const rows = openRowSource(db);
  try {
    return await read(rows, db);
  } finally {
    rows.close();
  }
}
