/**
 * One Prisma client per process, on a driver adapter (no engine binary; see ../shared/GUIDE.md
 * section 2). DATABASE_URL chooses the database: `file:...` is SQLite (the embedded default),
 * `postgresql://...` (or `postgres://`) is PostgreSQL, where many app instances share one database.
 * In development the client survives Vite's module reloads.
 *
 * Both providers' clients are generated from one model (prisma/postgresql/schema.prisma is derived from
 * prisma/schema.prisma), so they have the same delegates and results; `Db` is the SQLite client's type
 * and the PostgreSQL client is used through it. Code that needs provider-specific SQL asks `dbProvider`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "./generated/prisma-pg/client";

export type Db = PrismaClient;
export type DbProvider = "sqlite" | "postgresql";

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (for example file:./prisma/dev.sqlite or postgresql://...)");
  return url;
}

/** The provider a DATABASE_URL names; anything else is refused rather than guessed. */
export function providerOfUrl(url: string): DbProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL), got ${url.split(":")[0]}:`);
}

/**
 * The provider behind a client or a transaction client (`Prisma.TransactionClient` forwards to its
 * client, so both carry the generated client's `_activeProvider`).
 */
export function dbProvider(client: unknown): DbProvider {
  const active = (client as { _activeProvider?: string } | null)?._activeProvider;
  if (active === "postgresql") return "postgresql";
  if (active === "sqlite") return "sqlite";
  return providerOfUrl(databaseUrl());
}

/**
 * Serialises transactions that take the same `key` (for example "backfill:<shop>"), across processes:
 * on PostgreSQL a transaction-scoped advisory lock, released at commit or rollback; on SQLite nothing is
 * needed, since every interactive transaction begins IMMEDIATE and so holds the database's write lock.
 * Call it first in the transaction, before reading what the decision depends on.
 */
export async function transactionLock(tx: Pick<Db, "$queryRaw">, key: string): Promise<void> {
  if (dbProvider(tx) !== "postgresql") return;
  await tx.$queryRaw`SELECT 1 AS "locked" FROM (SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))) AS "lock"`;
}

/** The page cache per SQLite connection, in KiB (a negative cache_size is a size in KiB). */
function sqliteCacheKib(): number {
  const mb = Number(process.env.SQLITE_CACHE_MB ?? 32);
  if (!Number.isInteger(mb) || mb < 1) throw new Error(`SQLITE_CACHE_MB must be a positive integer, got ${process.env.SQLITE_CACHE_MB}`);
  return mb * 1024;
}

/**
 * SQLite connection settings, applied when the connection opens (before any query):
 * - journal_mode = WAL: readers never block the writer and a commit appends to the log instead of
 *   rewriting pages through a rollback journal (measured: a single-row UPDATE 25 ms -> 3 ms here);
 *   several processes (the demo server, the CLI, a second instance) can share the file.
 * - busy_timeout = 5000: a writer waits up to 5 s for another process's write lock instead of failing.
 * - synchronous stays FULL (the default): a commit is on disk before the webhook is answered 200, so an
 *   OS crash loses no acknowledged delivery. Group commit (app/ingest/order-batcher.server.ts) is what
 *   keeps that affordable. SQLITE_SYNCHRONOUS=NORMAL trades that for speed.
 * - cache_size = 32 MiB (SQLITE_CACHE_MB) instead of SQLite's 2 MiB: the ledger's secondary indexes
 *   (orders by customer, lines by order) take inserts all over the tree, and with 2 MiB most of them
 *   re-read their pages. Measured on the 1M-order bulk ingest (batches of 4,000): 136 -> 108 µs per order
 *   in the writer. 64 MiB measured no faster than 32 (1M orders: 104.8 and 106.6 s against 108.1 and
 *   108.9 s, within this machine's noise) and took the ingest over its 500 MB budget (peak RSS 501-505
 *   MB sampled, maxRSS up to 549 MB, against 471-473 and 486-498 MB).
 * - interactive transactions start with BEGIN IMMEDIATE instead of the adapter's BEGIN (deferred): a
 *   deferred transaction that reads, then writes while another process holds the write lock fails at
 *   once with SQLITE_BUSY / SQLITE_BUSY_SNAPSHOT (the busy timeout cannot help it). Measured with a web
 *   process and a worker process on one file: 990 of 4,400 webhook deliveries answered 500 that way.
 *   IMMEDIATE takes the write lock up front, waiting up to 5 s, so processes queue instead. The wait is
 *   on the event loop, not in SQLite's busy handler (beginImmediate).
 * - one statement or transaction at a time on the connection (ConnectionLock). The adapter serialises
 *   its transactions, but runs a query made outside them on the same connection at once: while another
 *   request's transaction is open, that query joins it, reads its uncommitted rows, and is undone if it
 *   rolls back. Found by the delivery-order property test: a refunds/create created the shop row while
 *   a duplicate delivery's transaction was open, the duplicate rolled back, and the shop row with it.
 * - a transaction started under `withRelaxedDurability` commits with synchronous = NORMAL and an
 *   auto-checkpoint threshold of RELAXED_CHECKPOINT_PAGES (set before its BEGIN and restored after its
 *   COMMIT, while the connection lock is held, so no other transaction commits that way; SQLite refuses
 *   the change inside a transaction). A backfill batch dirties more than the default 1,000 pages, so
 *   each one used to checkpoint on its own: copy its pages into the database and sync it. Every 16,000
 *   pages instead, the index pages that several batches touch are written once. Measured on the
 *   200k-order bulk ingest: 22.0-22.7 s with NORMAL alone, 18.2-18.7 s with this; 64,000 pages measured
 *   no better (18.1 s). The next commit of another transaction may carry the checkpoint of what the
 *   batches left (at most 64 MB of log).
 */
const RELAXED_CHECKPOINT_PAGES = 16_000;
/** A FIFO lock: `acquire` resolves with the release function once every earlier holder has released. */
class ConnectionLock {
  #tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const granted = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => released);
    return granted;
  }
}

interface AdapterTransaction {
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

interface LockableAdapter {
  queryRaw(query: unknown): Promise<unknown>;
  executeRaw(query: unknown): Promise<unknown>;
  startTransaction(isolationLevel?: unknown): Promise<AdapterTransaction>;
}

/**
 * Work whose commits can be re-derived after an OS crash or power loss (a backfill's batches and their
 * resume points: the bulk file is read again from the last durable resume point) runs in this context.
 */
const relaxedDurability = new AsyncLocalStorage<true>();

/**
 * Runs `work` so that the SQLite transactions it starts commit without waiting for the disk
 * (synchronous = NORMAL in WAL mode: a commit is atomic and consistent, and durable once a later
 * commit of the file, or a checkpoint, syncs the log, which keeps commits in order). An application
 * crash loses nothing; an OS crash or power loss may lose the last such commits, so only work that is
 * repeated from a durable resume point belongs here, and it ends with `syncToDisk`. Other work running
 * at the same time (webhooks) keeps full durability. No effect on PostgreSQL.
 */
export function withRelaxedDurability<T>(work: () => Promise<T>): Promise<T> {
  return relaxedDurability.run(true, work);
}

/**
 * Makes every commit so far durable: on SQLite a passive checkpoint, which syncs the write-ahead log
 * before copying it into the database. On PostgreSQL nothing is relaxed, so nothing is needed.
 */
export async function syncToDisk(db: Db): Promise<void> {
  if (dbProvider(db) !== "sqlite") return;
  await db.$queryRawUnsafe("PRAGMA wal_checkpoint(PASSIVE)");
}

interface TransactionHooks {
  /** Called with the lock held, before BEGIN; returns the undo, called after COMMIT or ROLLBACK. */
  beforeTransaction(): (() => void) | null;
  /** Called with the lock held, after beforeTransaction: takes the database's write lock (BEGIN). */
  begin(): Promise<void>;
  /** Ends a transaction `begin` opened when the adapter's own start failed after it. */
  abandon(): void;
}

/** Makes the adapter's own queries wait for its open transaction (and transactions for them). */
function serialiseConnection(adapter: LockableAdapter, hooks?: TransactionHooks): void {
  const lock = new ConnectionLock();
  for (const name of ["queryRaw", "executeRaw"] as const) {
    const run = adapter[name].bind(adapter);
    adapter[name] = async (query: unknown) => {
      const release = await lock.acquire();
      try {
        return await run(query);
      } finally {
        release();
      }
    };
  }
  const start = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel?: unknown) => {
    const release = await lock.acquire();
    let restore: (() => void) | null = null;
    const done = () => {
      try {
        restore?.();
      } finally {
        release();
      }
    };
    let transaction: AdapterTransaction;
    try {
      restore = hooks?.beforeTransaction() ?? null;
      await hooks?.begin();
      transaction = await start(isolationLevel);
    } catch (error) {
      try {
        hooks?.abandon();
      } finally {
        done();
      }
      throw error;
    }
    // Prisma sends COMMIT / ROLLBACK through the transaction, then calls one of these.
    let open = true;
    const end = (finish: () => Promise<void>) => async () => {
      try {
        await finish();
      } finally {
        if (open) done();
        open = false;
      }
    };
    transaction.commit = end(transaction.commit.bind(transaction));
    transaction.rollback = end(transaction.rollback.bind(transaction));
    return transaction;
  };
}
type SqliteClient = { pragma?: (source: string, options?: { simple: boolean }) => unknown; prepare?: (source: string) => unknown };

/** How long a transaction waits for another connection's write lock before failing (as busy_timeout). */
const WRITE_LOCK_WAIT_MS = 5_000;
/** Longest pause between two tries for the write lock. */
const WRITE_LOCK_POLL_MAX_MS = 4;

/**
 * BEGIN IMMEDIATE without blocking the thread: tried with busy_timeout = 0 and, while another
 * connection (another process, or a worker thread) holds the write lock, tried again after a pause on
 * the event loop. SQLite's busy handler would sleep inside the call instead, and with it the whole
 * event loop: a web process whose worker process held the lock for 100 ms stopped reading requests
 * for as long, and its busy handler's back-off (sleeps of up to 100 ms) added more. Measured in the
 * web + worker webhook benchmark at 300 orders/s: see bench/webhooks.bench.ts.
 */
export async function beginImmediate(exec: (source: string) => unknown, pragma: (source: string) => unknown,
  waitMs = WRITE_LOCK_WAIT_MS): Promise<void> {
  const deadline = Date.now() + waitMs;
  let pause = 1;
  for (;;) {
    pragma("busy_timeout = 0");
    try {
      exec("BEGIN IMMEDIATE");
      return;
    } catch (error) {
      // SQLITE_BUSY, or an extended code of it (SQLITE_BUSY_RECOVERY while another connection recovers the log).
      const code = (error as { code?: unknown }).code;
      if (typeof code !== "string" || !code.startsWith("SQLITE_BUSY") || Date.now() >= deadline) throw error;
    } finally {
      pragma(`busy_timeout = ${WRITE_LOCK_WAIT_MS}`);
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, WRITE_LOCK_POLL_MAX_MS);
  }
}

class SqliteAdapterFactory extends PrismaBetterSQLite3 {
  /** The better-sqlite3 connection once opened (see `sqliteConnection`). */
  connection: unknown = null;

  override async connect() {
    const adapter = await super.connect();
    let synchronous: "NORMAL" | "FULL" = "FULL";
    let writeLockTaken = false;
    const client = (adapter as unknown as { client?: SqliteClient }).client;
    this.connection = client ?? null;
    if (client?.pragma && client.prepare) {
      client.pragma("journal_mode = WAL");
      client.pragma(`busy_timeout = ${WRITE_LOCK_WAIT_MS}`);
      synchronous = process.env.SQLITE_SYNCHRONOUS === "NORMAL" ? "NORMAL" : "FULL";
      client.pragma(`synchronous = ${synchronous}`);
      client.pragma(`cache_size = -${sqliteCacheKib()}`);
      const prepare = client.prepare.bind(client);
      // The adapter's BEGIN: a no-op once `begin` below holds the write lock, else BEGIN IMMEDIATE.
      client.prepare = (source: string) => {
        if (source !== "BEGIN") return prepare(source);
        const begun = writeLockTaken;
        writeLockTaken = false;
        return prepare(begun ? "SELECT 1 WHERE 0" : "BEGIN IMMEDIATE");
      };
    }
    const pragma = client?.pragma?.bind(client);
    // The connection's own threshold, restored after each relaxed transaction.
    const checkpointPages = pragma ? Number(pragma("wal_autocheckpoint", { simple: true })) : 0;
    const sqlite = client as (SqliteClient & { exec?: (source: string) => unknown; inTransaction?: boolean }) | undefined;
    serialiseConnection(adapter as unknown as LockableAdapter, {
      begin: async () => {
        if (!pragma || !sqlite?.exec) return;
        await beginImmediate(sqlite.exec.bind(sqlite), pragma);
        writeLockTaken = true;
      },
      abandon: () => {
        writeLockTaken = false;
        if (sqlite?.inTransaction) sqlite.exec?.("ROLLBACK");
      },
      beforeTransaction: () => {
        if (!pragma || !relaxedDurability.getStore()) return null;
        pragma("synchronous = NORMAL");
        pragma(`wal_autocheckpoint = ${RELAXED_CHECKPOINT_PAGES}`);
        return () => {
          pragma(`synchronous = ${synchronous}`);
          pragma(`wal_autocheckpoint = ${checkpointPages}`);
        };
      },
    });
    return adapter;
  }
}

/**
 * PostgreSQL: a pg pool per process. DATABASE_POOL_SIZE bounds its connections (default 10): with N
 * instances the server needs N x pool size connections (plus the migration's two).
 */
function postgresAdapter(url: string): PrismaPg {
  const max = Number(process.env.DATABASE_POOL_SIZE ?? 10);
  if (!Number.isInteger(max) || max < 1) throw new Error(`DATABASE_POOL_SIZE must be a positive integer, got ${process.env.DATABASE_POOL_SIZE}`);
  return new PrismaPg({ connectionString: url, max, idleTimeoutMillis: 30_000 });
}

const sqliteFactories = new WeakMap<object, SqliteAdapterFactory>();

/**
 * The better-sqlite3 connection under a SQLite client (null before its first query, and always null on
 * PostgreSQL): the ledger writer runs prepared statements on it directly (app/ingest/ledger-sql.server.ts).
 */
export function sqliteConnection(client: Db): unknown {
  return sqliteFactories.get(client)?.connection ?? null;
}

export function createDb(url = databaseUrl()): Db {
  if (providerOfUrl(url) === "postgresql") {
    // Same models and results as the SQLite client (one source schema); only the query compiler differs.
    return new PostgresPrismaClient({ adapter: postgresAdapter(url) }) as unknown as Db;
  }
  const factory = new SqliteAdapterFactory({ url });
  const client = new PrismaClient({ adapter: factory });
  sqliteFactories.set(client, factory);
  return client;
}

declare global {
  var __marginLtvDb: Db | undefined;
}

const db: Db = globalThis.__marginLtvDb ?? createDb();
if (process.env.NODE_ENV !== "production") globalThis.__marginLtvDb = db;

export default db;
