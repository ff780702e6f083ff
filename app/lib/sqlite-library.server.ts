/**
 * The better-sqlite3 class to open any extra connection with: the very copy Prisma's SQLite adapter
 * uses. The adapter pins its own better-sqlite3 (a different major than the project's), so npm installs
 * two copies, i.e. two SQLite libraries in one process. SQLite's locks are POSIX advisory locks, which a
 * process holds per file: when a connection of one library closes the file, the kernel drops the locks
 * the other library's connections still count on, and another process can write under them. SQLite
 * calls this out as a way to corrupt a database ("multiple copies of SQLite linked into the same
 * application"); here it showed as "database disk image is malformed" in an analytics refresh running
 * beside a web process. One library per process keeps SQLite's own bookkeeping of open files whole.
 */
import { createRequire } from "node:module";
import path from "node:path";
import type BetterSqlite3 from "better-sqlite3";

const require = createRequire(import.meta.url);
const adapterDir = path.dirname(require.resolve("@prisma/adapter-better-sqlite3"));

export const SqliteDatabase = require(require.resolve("better-sqlite3", { paths: [adapterDir] })) as typeof BetterSqlite3;
export type SqliteDatabase = BetterSqlite3.Database;
