/**
 * Per-worker environment: Shopify app settings for the test helpers, and a private copy of the
 * migrated template database (set before any module opens the database).
 */
import { copyFileSync } from "node:fs";
import path from "node:path";

const dir = process.env.TEST_RUN_DIR;
if (!dir) throw new Error("TEST_RUN_DIR is not set: run the tests through vitest (test/setup/global.ts)");
const worker = process.env.VITEST_POOL_ID ?? "0";
const file = path.join(dir, `worker-${worker}-${process.pid}.sqlite`);
copyFileSync(path.join(dir, "template.sqlite"), file);

process.env.DATABASE_URL = `file:${file}`;
process.env.SHOPIFY_API_KEY ??= "test_api_key";
process.env.SHOPIFY_API_SECRET ??= "test_api_secret";
process.env.SHOPIFY_APP_URL ??= "https://margin-ltv.test";
process.env.SCOPES ??= "read_orders,read_all_orders,read_products,read_inventory,read_discounts,read_returns,read_customers";
delete process.env.DEMO_MODE;
process.env.LOG_LEVEL ??= "silent";
