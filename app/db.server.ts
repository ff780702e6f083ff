/**
 * One Prisma client per process, on the better-sqlite3 driver adapter (no engine binary; see
 * ../shared/GUIDE.md section 2). In development the client survives Vite's module reloads.
 */
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "./generated/prisma/client";

export type Db = PrismaClient;

function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set (for example file:./prisma/dev.sqlite)");
  return url;
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
 * - interactive transactions start with BEGIN IMMEDIATE instead of the adapter's BEGIN (deferred): a
 *   deferred transaction that reads, then writes while another process holds the write lock fails at
 *   once with SQLITE_BUSY / SQLITE_BUSY_SNAPSHOT (the busy timeout cannot help it). Measured with a web
 *   process and a worker process on one file: 990 of 4,400 webhook deliveries answered 500 that way.
 *   IMMEDIATE takes the write lock up front, waiting up to the busy timeout, so processes queue instead.
 */
type SqliteClient = { pragma?: (source: string) => unknown; prepare?: (source: string) => unknown };

class SqliteAdapterFactory extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect();
    const client = (adapter as unknown as { client?: SqliteClient }).client;
    if (client?.pragma && client.prepare) {
      client.pragma("journal_mode = WAL");
      client.pragma("busy_timeout = 5000");
      client.pragma(`synchronous = ${process.env.SQLITE_SYNCHRONOUS === "NORMAL" ? "NORMAL" : "FULL"}`);
      const prepare = client.prepare.bind(client);
      client.prepare = (source: string) => prepare(source === "BEGIN" ? "BEGIN IMMEDIATE" : source);
    }
    return adapter;
  }
}

export function createDb(url = databaseUrl()): PrismaClient {
  return new PrismaClient({ adapter: new SqliteAdapterFactory({ url }) });
}

declare global {
  var __marginLtvDb: PrismaClient | undefined;
}

const db: PrismaClient = globalThis.__marginLtvDb ?? createDb();
if (process.env.NODE_ENV !== "production") globalThis.__marginLtvDb = db;

export default db;
