/**
 * Test databases on a PostgreSQL server (TEST_DATABASE=postgres): the admin connection comes from
 * PG_TEST_URL (scripts/pg/start.sh writes one; `npm run test:pg` sets it). Database names are generated
 * here (never user input), so they are safe to quote into DDL.
 */
import pg from "pg";

export type TestDatabaseKind = "sqlite" | "postgres";

export function testDatabaseKind(): TestDatabaseKind {
  const kind = process.env.TEST_DATABASE ?? "sqlite";
  if (kind !== "sqlite" && kind !== "postgres") throw new Error(`TEST_DATABASE must be sqlite or postgres, got ${kind}`);
  return kind;
}

export function adminUrl(): string {
  const url = process.env.PG_TEST_URL;
  if (!url) throw new Error("TEST_DATABASE=postgres needs PG_TEST_URL (run `npm run test:pg`, or scripts/pg/start.sh)");
  return url;
}

/** The URL of database `name` on the admin URL's server. */
export function databaseUrl(name: string): string {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function adminQuery(sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await client.query(sql, values);
  } finally {
    await client.end();
  }
}

/** Drops every database whose name starts with `prefix` (a run's template and its copies). */
export async function dropDatabases(prefix: string): Promise<void> {
  const { rows } = await adminQuery("SELECT datname FROM pg_database WHERE starts_with(datname, $1)", [prefix]);
  // Copies first: a template cannot be dropped while it is being copied.
  const names = (rows as { datname: string }[]).map((row) => row.datname).sort((a, b) => b.length - a.length);
  for (const name of names) await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
