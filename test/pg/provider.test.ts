/**
 * DATABASE_URL chooses the provider, and the suite really runs on the database it says it does
 * (`npm test` on SQLite, `npm run test:pg` on PostgreSQL).
 */
import { describe, expect, it } from "vitest";
import db, { dbProvider, providerOfUrl } from "~/db.server";
import { testDatabaseKind } from "../support/pg-admin";

describe("database provider", () => {
  it("is chosen by the DATABASE_URL scheme, and an unknown scheme is refused", () => {
    expect(providerOfUrl("file:./prisma/dev.sqlite")).toBe("sqlite");
    expect(providerOfUrl("postgresql://app@db.internal:5432/margin")).toBe("postgresql");
    expect(providerOfUrl("postgres://app@db.internal/margin")).toBe("postgresql");
    expect(() => providerOfUrl("mysql://app@db/margin")).toThrow(/file: \(SQLite\) or postgresql:\/\//);
    expect(() => providerOfUrl("./dev.sqlite")).toThrow(/DATABASE_URL must start/);
  });

  it("is the one this run was started for, on the client and inside a transaction", async () => {
    const expected = testDatabaseKind() === "postgres" ? "postgresql" : "sqlite";
    expect(dbProvider(db)).toBe(expected);
    expect(await db.$transaction(async (tx) => dbProvider(tx))).toBe(expected);
    const version = await db.$queryRawUnsafe<{ v: string }[]>(expected === "postgresql" ? "SELECT version() AS v" : "SELECT sqlite_version() AS v");
    expect(version[0].v).toMatch(expected === "postgresql" ? /^PostgreSQL \d+/ : /^3\.\d+/);
  });
});
