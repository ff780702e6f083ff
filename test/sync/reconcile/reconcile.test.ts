import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { reconcileShop, WATERMARK_OVERLAP_MS } from "~/sync/reconcile.server";
import { resetDb } from "../../support/db";
import { ingestBodies } from "../../support/ingest";
import { orderBody } from "../../support/orders";
import { FakeShopify } from "../backfill/fake-shopify";

const SHOP = "reconcile.myshopify.com";
const NOW = new Date("2026-05-01T12:00:00Z");

// Shopify's truth: four orders changed since the watermark (one a test order) and one before it.
const current = orderBody({ id: 1, customerId: 10, processedAt: "2026-04-30T08:00:00Z", updatedAt: "2026-05-01T09:00:00Z", lines: [{ id: 11, price: "10.00" }] });
const editedV1 = orderBody({ id: 2, customerId: 20, processedAt: "2026-04-30T08:00:00Z", updatedAt: "2026-04-30T08:00:00Z", lines: [{ id: 21, price: "30.00" }] });
const editedV2 = orderBody({ id: 2, customerId: 20, processedAt: "2026-04-30T08:00:00Z", updatedAt: "2026-05-01T10:00:00Z", lines: [{ id: 21, price: "30.00" }],
  refunds: [{ id: 201, createdAt: "2026-05-01T10:00:00Z", lines: [{ id: 202, lineItemId: 21, quantity: 1, subtotal: "30.00" }] }] });
const missed = orderBody({ id: 3, customerId: 30, processedAt: "2026-05-01T10:30:00Z", updatedAt: "2026-05-01T10:30:00Z", lines: [{ id: 31, price: "55.00" }] });
const testOrder = orderBody({ id: 4, test: true, processedAt: "2026-05-01T11:00:00Z", lines: [{ id: 41, price: "1.00" }] });
const old = orderBody({ id: 5, processedAt: "2026-04-01T08:00:00Z", lines: [{ id: 51, price: "5.00" }] });

beforeEach(async () => {
  await resetDb();
  // The ledger got #1 (up to date) and #2's first version; the webhooks for #2's refund and for #3 were missed.
  await ingestBodies(SHOP, [current, editedV1, old]);
  await db.syncState.create({ data: { shopId: SHOP, watermark: new Date("2026-04-30T12:00:00Z") } });
});

describe("reconcileShop", () => {
  it("repairs a missing and a stale order, records the drift and advances the watermark", async () => {
    const shopify = new FakeShopify([current, editedV2, missed, testOrder, old]);
    const result = await reconcileShop(db, SHOP, shopify, { now: () => NOW, pageSize: 2 });
    expect(result).toMatchObject({ checked: 3, missing: 1, stale: 1, repaired: 2, until: new Date("2026-05-01T11:00:00Z") });
    expect(result.since).toEqual(new Date(Date.parse("2026-04-30T12:00:00Z") - WATERMARK_OVERLAP_MS));
    // Listed with the watermark filter, paginated; only the two drifted orders were read in full.
    const listings = shopify.calls.filter((call) => call.operation === "SyncOrdersUpdated");
    expect(listings.map((call) => call.variables?.query)).toEqual(Array(2).fill("updated_at:>'2026-04-30T11:55:00.000Z'"));
    expect(shopify.calls.filter((call) => call.operation === "SyncOrder").map((call) => call.variables?.id))
      .toEqual(["gid://shopify/Order/2", "gid://shopify/Order/3"]);

    const stored = await db.order.findMany({ where: { shopId: SHOP }, orderBy: { id: "asc" } });
    expect(stored.map((order) => order.id)).toEqual(["gid://shopify/Order/1", "gid://shopify/Order/2", "gid://shopify/Order/3", "gid://shopify/Order/5"]);
    expect(stored[1].sourceUpdatedAt).toEqual(new Date("2026-05-01T10:00:00Z"));
    expect(await db.refund.findMany({ where: { shopId: SHOP }, select: { id: true, merchandise: true } }))
      .toEqual([{ id: "gid://shopify/Refund/201", merchandise: 3000n }]);

    const drift = await db.syncDrift.findMany({ where: { shopId: SHOP }, orderBy: { orderId: "asc" } });
    expect(drift.map((row) => [row.orderId, row.kind, row.storedUpdatedAt?.toISOString() ?? null])).toEqual([
      ["gid://shopify/Order/2", "stale", "2026-04-30T08:00:00.000Z"],
      ["gid://shopify/Order/3", "missing", null],
    ]);
    const state = await db.syncState.findUniqueOrThrow({ where: { shopId: SHOP } });
    expect(state).toMatchObject({ watermark: new Date("2026-05-01T11:00:00Z"), lastReconcileAt: NOW, lastReconcileId: result.id, driftRepaired: 2 });
    expect(await db.syncReconciliation.findUniqueOrThrow({ where: { shopId_id: { shopId: SHOP, id: result.id } } }))
      .toMatchObject({ status: "done", checked: 3, missing: 1, stale: 1, repaired: 2 });
  });

  it("finds nothing to repair the second time (idempotent), and keeps the drift total", async () => {
    const shopify = new FakeShopify([current, editedV2, missed, testOrder, old]);
    await reconcileShop(db, SHOP, shopify, { now: () => NOW });
    const again = await reconcileShop(db, SHOP, shopify, { now: () => NOW });
    expect(again).toMatchObject({ missing: 0, stale: 0, repaired: 0 });
    expect((await db.syncState.findUniqueOrThrow({ where: { shopId: SHOP } })).driftRepaired).toBe(2);
  });

  it("records a failed run and leaves the watermark where it was", async () => {
    const shopify = new FakeShopify([current, editedV2, missed]);
    shopify.graphql = async () => { throw new Error("connection reset"); };
    await expect(reconcileShop(db, SHOP, shopify, { now: () => NOW })).rejects.toThrow("connection reset");
    const run = await db.syncReconciliation.findFirstOrThrow({ where: { shopId: SHOP } });
    expect(run).toMatchObject({ status: "failed", error: "connection reset" });
    expect((await db.syncState.findUniqueOrThrow({ where: { shopId: SHOP } })).watermark).toEqual(new Date("2026-04-30T12:00:00Z"));
  });
});
