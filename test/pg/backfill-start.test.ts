/**
 * Two instances handling the same install at the same moment start one backfill, not two: the check and
 * the insert run under a per-shop transaction lock (advisory on PostgreSQL, the write lock on SQLite).
 */
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import db, { createDb, dbProvider } from "~/db.server";
import { upsertShop } from "~/shops/shops.server";
import { startBackfill } from "~/sync/backfill.server";
import { resetDb } from "../support/db";
import { FakeShopify } from "../sync/backfill/fake-shopify";

const SHOP = "backfill-race.myshopify.com";
// PostgreSQL: a second pool, as another instance. SQLite: better-sqlite3 waits for a lock synchronously,
// which would block this one process; the same client's transactions queue instead (other processes
// wait on BEGIN IMMEDIATE, as the storm test shows).
const second = dbProvider(db) === "postgresql" ? createDb(process.env.DATABASE_URL) : db;

beforeEach(async () => {
  await resetDb();
  await upsertShop(db, { id: SHOP, currency: "USD" });
});
afterAll(async () => {
  if (second !== db) await second.$disconnect();
});

describe("startBackfill on two connections at once", () => {
  it("starts exactly one backfill and submits one bulk operation", async () => {
    const shopify = new FakeShopify([]);
    shopify.buildBulkFile();
    const results = await Promise.all([
      startBackfill(db, SHOP, shopify, { fetch: shopify.fetch }),
      startBackfill(second, SHOP, shopify, { fetch: shopify.fetch }),
      startBackfill(db, SHOP, shopify, { fetch: shopify.fetch }),
    ]);
    expect(results.filter((result) => result.started)).toHaveLength(1);
    expect(await db.syncBackfill.count({ where: { shopId: SHOP } })).toBe(1);
    expect(shopify.calls.filter((call) => call.operation === "RunBulk")).toHaveLength(1);
    expect(new Set(results.map((result) => result.backfill.id)).size).toBe(1);
  });
});
