import { describe, expect, it } from "vitest";
import db, { dbProvider, sqliteConnection } from "~/db.server";
import { SqliteDatabase } from "~/lib/sqlite-library.server";

// Two SQLite libraries in one process corrupt a shared file (each drops the other's POSIX locks), so every
// extra connection must come from the adapter's own better-sqlite3.
describe.skipIf(process.env.TEST_DATABASE === "postgres")("the SQLite library for extra connections", () => {
  it("is the very better-sqlite3 the Prisma adapter opened the app's connection with", async () => {
    expect(dbProvider(db)).toBe("sqlite");
    await db.$queryRaw`SELECT 1`;
    const connection = sqliteConnection(db) as unknown as { constructor: unknown };
    expect(connection).toBeTruthy();
    expect(connection.constructor).toBe(SqliteDatabase);
    const memory = new SqliteDatabase(":memory:");
    expect(memory.prepare("SELECT 40 + 2 AS n").get()).toEqual({ n: 42 });
    memory.close();
  });
});
