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

export function createDb(url = databaseUrl()): PrismaClient {
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
}

declare global {
  var __marginLtvDb: PrismaClient | undefined;
}

const db: PrismaClient = globalThis.__marginLtvDb ?? createDb();
if (process.env.NODE_ENV !== "production") globalThis.__marginLtvDb = db;

export default db;
