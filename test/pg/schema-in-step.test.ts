/**
 * The two providers' schemas and migrations stay in step: the PostgreSQL schema is exactly what
 * scripts/pg/schema.ts derives from the SQLite one, and each provider's init migration is exactly what
 * Prisma generates from its schema. Editing prisma/schema.prisma without `npm run db:schema` fails here.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { POSTGRES_SCHEMA, postgresSchemaFrom, readSqliteSchema } from "../../scripts/pg/schema";

const INIT = "20261122000000_init/migration.sql";

function migrationFor(schema: string): string {
  // --from-empty needs no database; the SQLite URL keeps prisma.config.ts on its offline default.
  return execFileSync(process.execPath, ["node_modules/prisma/build/index.js", "migrate", "diff", "--from-empty",
    "--to-schema-datamodel", schema, "--script"], { env: { ...process.env, DATABASE_URL: "file:./prisma/dev.sqlite" }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

describe("provider schemas in step", () => {
  it("prisma/postgresql/schema.prisma is derived from prisma/schema.prisma", () => {
    const derived = postgresSchemaFrom(readSqliteSchema());
    expect(readFileSync(POSTGRES_SCHEMA, "utf8")).toBe(derived);
    expect(derived).toMatch(/provider = "postgresql"/);
    expect(derived).not.toMatch(/"sqlite"/);
  });

  it("refuses a SQLite schema it does not recognise instead of deriving a wrong one", () => {
    expect(() => postgresSchemaFrom(readSqliteSchema().replace('"sqlite"', '"mysql"'))).toThrow(/datasource provider/);
    expect(() => postgresSchemaFrom(readSqliteSchema().replace("../app/generated/prisma", "../elsewhere"))).toThrow(/output/);
  });

  it("gives PostgreSQL the plain customer index where SQLite has the covering one over unbounded text", () => {
    const sqlite = readSqliteSchema();
    const pg = postgresSchemaFrom(sqlite);
    const orderIndex = (schema: string) => schema.split("\n").map((line) => line.trim()).find((line) => line.startsWith("@@index") && line.includes('map: "Order_customer_scan_idx"'));
    expect(orderIndex(sqlite)).toMatch(/^@@index\(\[shopId, customerId, processedAt, .*customerTags.*\]/);
    expect(orderIndex(pg)).toBe('@@index([shopId, customerId], map: "Order_customer_scan_idx")');
    expect(pg).not.toMatch(/postgresql instead/);
    // Only the line after the directive is replaced.
    expect(postgresSchemaFrom(sqlite.replace("  // postgresql instead: ", "  // (no directive) "))).toMatch(/customerTags, sourceUpdatedAt/);
  });

  it.each([
    ["prisma/schema.prisma", "prisma/migrations"],
    [POSTGRES_SCHEMA, "prisma/postgresql/migrations"],
  ])("%s matches its init migration", (schema, folder) => {
    expect(readFileSync(`${folder}/${INIT}`, "utf8")).toBe(migrationFor(schema));
  });

  it("each migrations folder is locked to its provider", () => {
    expect(readFileSync("prisma/migrations/migration_lock.toml", "utf8")).toMatch(/provider = "sqlite"/);
    expect(readFileSync("prisma/postgresql/migrations/migration_lock.toml", "utf8")).toMatch(/provider = "postgresql"/);
  });
});
