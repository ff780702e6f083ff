/**
 * Per-file environment: Shopify app settings for the test helpers, and a private copy of the migrated
 * template database (set before any module opens the database): a SQLite file, or on PostgreSQL
 * (TEST_DATABASE=postgres) a database created from the run's template (test/setup/global.ts).
 */
import { copyFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { adminQuery, databaseUrl, testDatabaseKind } from "../support/pg-admin";

const dir = process.env.TEST_RUN_DIR;
if (!dir) throw new Error("TEST_RUN_DIR is not set: run the tests through vitest (test/setup/global.ts)");
const worker = process.env.VITEST_POOL_ID ?? "0";

if (testDatabaseKind() === "postgres") {
  const template = process.env.TEST_PG_TEMPLATE;
  if (!template) throw new Error("TEST_PG_TEMPLATE is not set: run the tests through vitest (test/setup/global.ts)");
  // Setup files run once per test file (in a fresh process); a database per file, as on SQLite.
  const name = `${template}_w${worker}_${process.pid}_${randomBytes(3).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  process.env.DATABASE_URL = databaseUrl(name);
  // A few connections per file's client: the files running at once must fit the server's max_connections.
  process.env.DATABASE_POOL_SIZE ??= "4";
} else {
  const file = path.join(dir, `worker-${worker}-${process.pid}.sqlite`);
  copyFileSync(path.join(dir, "template.sqlite"), file);
  process.env.DATABASE_URL = `file:${file}`;
}

process.env.SHOPIFY_API_KEY ??= "test_api_key";
process.env.SHOPIFY_API_SECRET ??= "test_api_secret";
process.env.SHOPIFY_APP_URL ??= "https://margin-ltv.test";
process.env.SCOPES ??= "read_orders,read_all_orders,read_products,read_inventory,read_discounts,read_returns,read_customers";
delete process.env.DEMO_MODE;
process.env.LOG_LEVEL ??= "silent";
