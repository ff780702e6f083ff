import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { generateOrders } from "~/demo/generator";
import { upsertShop } from "~/shops/shops.server";
import { continueBackfill, onBulkFinished, retryBackfill, STALE_RUNNING_MS, startBackfill, type BackfillDeps } from "~/sync/backfill.server";
import { resetDb } from "../../support/db";
import { ingestBodies } from "../../support/ingest";
import { FakeShopify } from "./fake-shopify";
import { ledgerDump } from "./ledger-dump";

const SHOP = "backfill.myshopify.com";
const REFERENCE = "reference.myshopify.com";
const OPERATION = "gid://shopify/BulkOperation/1";
const BODIES = [...generateOrders({ orders: 160, seed: 11 })].map((body) => JSON.parse(JSON.stringify(body)));
const counted = BODIES.filter((body) => !body.test);
const WITH_REFUNDS = counted.filter((body) => body.refunds.length).length;
const REFUNDS = counted.reduce((total, body) => total + body.refunds.length, 0);

function setup() {
  const shopify = new FakeShopify(BODIES);
  shopify.buildBulkFile();
  return shopify;
}

async function expectSameLedgerAsWebhooks() {
  await ingestBodies(REFERENCE, BODIES);
  const { transactions, ...backfilled } = await ledgerDump(SHOP);
  const { transactions: none, ...reference } = await ledgerDump(REFERENCE);
  expect(backfilled).toEqual(reference);
  // Bulk output carries transactions (with fees) that webhooks do not.
  expect(none).toEqual([]);
  expect(transactions.length).toBeGreaterThanOrEqual(counted.length);
}

const row = () => db.syncBackfill.findFirstOrThrow({ where: { shopId: SHOP } });

beforeEach(async () => {
  await resetDb();
  await upsertShop(db, { id: SHOP, currency: "USD" });
});

describe("backfill", () => {
  it("runs a bulk operation, streams its result and reads refund details in a second pass", async () => {
    expect(WITH_REFUNDS).toBeGreaterThan(5);
    const shopify = setup();
    const deps: BackfillDeps = { fetch: shopify.fetch, batchSize: 40 };
    const { backfill, started } = await startBackfill(db, SHOP, shopify, deps);
    expect(started).toBe(true);
    expect(backfill).toMatchObject({ status: "waiting", step: "bulk", bulkOperationId: OPERATION });
    expect(shopify.calls.map((call) => call.operation)).toEqual(["RunBulk"]);
    expect(String(shopify.calls[0].variables?.query)).toContain("lineItems");

    // A second start while it runs starts nothing.
    expect((await startBackfill(db, SHOP, shopify, deps)).started).toBe(false);

    await onBulkFinished(db, SHOP, shopify, OPERATION, deps);
    expect(await row()).toMatchObject({
      status: "done", step: "done", ordersSeen: BODIES.length, ordersApplied: counted.length, refundOrders: WITH_REFUNDS,
      refundOrdersDone: WITH_REFUNDS, refundsApplied: REFUNDS, badRecords: 0, lastError: null,
    });
    expect((await row()).bytesDone).toBe(BigInt(Buffer.byteLength(shopify.bulkFile)));
    // Refunds were read 10 orders per request.
    expect(shopify.calls.filter((call) => call.operation === "SyncRefunds")).toHaveLength(Math.ceil(WITH_REFUNDS / 10));
    await expectSameLedgerAsWebhooks();
    expect(await db.syncPendingOrder.count({ where: { shopId: SHOP } })).toBe(0);
    // Reconciliation starts from the backfill's start.
    expect((await db.syncState.findUniqueOrThrow({ where: { shopId: SHOP } })).watermark).toEqual((await row()).startedAt);
  });

  for (const rangeSupported of [true, false]) {
    it(`resumes after a crash mid-file without redoing work (${rangeSupported ? "Range request" : "server ignores Range"})`, async () => {
      const shopify = setup();
      shopify.rangeSupported = rangeSupported;
      const { backfill } = await startBackfill(db, SHOP, shopify, { fetch: shopify.fetch });
      let batches = 0;
      const crash: BackfillDeps = { fetch: shopify.fetch, batchSize: 30, shouldStop: () => ++batches >= 2 };
      expect(await continueBackfill(db, SHOP, shopify, backfill.id, crash)).toBe("waiting");
      const halfway = await row();
      expect(halfway.step).toBe("download");
      expect(halfway.ordersApplied).toBe(60);
      expect(Number(halfway.bytesDone)).toBeGreaterThan(0);
      expect(Number(halfway.bytesDone)).toBeLessThan(Buffer.byteLength(shopify.bulkFile));
      // Everything before the resume point is in the ledger, nothing after it.
      expect(await db.order.count({ where: { shopId: SHOP } })).toBe(60);

      expect(await continueBackfill(db, SHOP, shopify, backfill.id, { fetch: shopify.fetch, batchSize: 30 })).toBe("done");
      expect(shopify.fileRequests.map((request) => request.range)).toEqual([null, `bytes=${halfway.bytesDone}-`]);
      // Each order was read and written once over the two runs: no duplicate work.
      expect(await row()).toMatchObject({ status: "done", ordersSeen: BODIES.length, ordersApplied: counted.length, ordersSkipped: BODIES.length - counted.length, refundsApplied: REFUNDS });
      await expectSameLedgerAsWebhooks();
    });
  }

  it("resumes the refund pass with the orders it had not read", async () => {
    const shopify = setup();
    const { backfill } = await startBackfill(db, SHOP, shopify, { fetch: shopify.fetch });
    let refundBatches = 0;
    const deps: BackfillDeps = {
      fetch: shopify.fetch, batchSize: 1000, refundBatch: 4,
      shouldStop: () => shopify.calls.some((call) => call.operation === "SyncRefunds") && ++refundBatches >= 1,
    };
    expect(await continueBackfill(db, SHOP, shopify, backfill.id, deps)).toBe("waiting");
    const halfway = await row();
    expect(halfway).toMatchObject({ step: "refunds", refundOrdersDone: 4 });
    expect(await db.syncPendingOrder.count({ where: { shopId: SHOP } })).toBe(WITH_REFUNDS - 4);
    const before = shopify.calls.length;
    expect(await continueBackfill(db, SHOP, shopify, backfill.id, { fetch: shopify.fetch, refundBatch: 4 })).toBe("done");
    const refundCalls = shopify.calls.slice(before).filter((call) => call.operation === "SyncRefunds");
    expect(refundCalls).toHaveLength(Math.ceil((WITH_REFUNDS - 4) / 4));
    expect(await row()).toMatchObject({ refundOrdersDone: WITH_REFUNDS, refundsApplied: REFUNDS });
    await expectSameLedgerAsWebhooks();
  });

  it("records a failure with its message, and a retry resumes from the failed step", async () => {
    const shopify = setup();
    shopify.failDownloads = 1;
    const { backfill } = await startBackfill(db, SHOP, shopify, { fetch: shopify.fetch });
    await expect(onBulkFinished(db, SHOP, shopify, OPERATION, { fetch: shopify.fetch })).rejects.toThrow(/HTTP 500/);
    expect(await row()).toMatchObject({ status: "failed", step: "download", lastError: "Downloading the bulk result failed: HTTP 500", attempts: 1 });
    expect((await row()).failedAt).toBeInstanceOf(Date);

    const retried = await retryBackfill(db, SHOP, shopify, { fetch: shopify.fetch });
    expect(retried.started).toBe(false);
    expect(await row()).toMatchObject({ status: "waiting", step: "download" });
    expect(await continueBackfill(db, SHOP, shopify, backfill.id, { fetch: shopify.fetch })).toBe("done");
    expect(shopify.calls.filter((call) => call.operation === "RunBulk")).toHaveLength(1);
    await expectSameLedgerAsWebhooks();
  });

  it("fails with Shopify's error code when the bulk operation fails, and waits while it runs", async () => {
    const shopify = setup();
    shopify.bulkStatus = "RUNNING";
    const polls: Date[] = [];
    const deps: BackfillDeps = { fetch: shopify.fetch, schedulePoll: async (_shop, _id, at) => void polls.push(at) };
    const { backfill } = await startBackfill(db, SHOP, shopify, deps);
    expect(await continueBackfill(db, SHOP, shopify, backfill.id, deps)).toBe("waiting");
    expect(polls).toHaveLength(2); // after submitting, and after finding it still running
    expect((await row()).objectCount).toBeGreaterThan(0);
    shopify.bulkStatus = "FAILED";
    await expect(continueBackfill(db, SHOP, shopify, backfill.id, deps)).rejects.toThrow("Bulk operation failed (INTERNAL_SERVER_ERROR)");
    expect(await row()).toMatchObject({ status: "failed", lastError: "Bulk operation failed (INTERNAL_SERVER_ERROR)" });
  });

  it("leaves a backfill another worker is on alone, and takes over one whose worker died", async () => {
    const shopify = setup();
    const { backfill } = await startBackfill(db, SHOP, shopify, { fetch: shopify.fetch });
    const now = new Date();
    await db.syncBackfill.update({ where: { shopId_id: { shopId: SHOP, id: backfill.id } }, data: { status: "running", updatedAt: now } });
    expect(await continueBackfill(db, SHOP, shopify, backfill.id, { fetch: shopify.fetch, now: () => new Date(now.getTime() + 60_000) })).toBe("busy");
    expect(shopify.fileRequests).toEqual([]);
    const later = new Date(now.getTime() + STALE_RUNNING_MS + 1000);
    expect(await continueBackfill(db, SHOP, shopify, backfill.id, { fetch: shopify.fetch, now: () => later })).toBe("done");
  });

  it("keeps each shop's backfill to itself", async () => {
    const shopify = setup();
    await upsertShop(db, { id: "other.myshopify.com", currency: "USD" });
    const { backfill } = await startBackfill(db, SHOP, shopify, { fetch: shopify.fetch });
    await expect(continueBackfill(db, "other.myshopify.com", shopify, backfill.id, { fetch: shopify.fetch })).rejects.toThrow(/No backfill/);
    await onBulkFinished(db, "other.myshopify.com", shopify, OPERATION, { fetch: shopify.fetch });
    expect(await db.order.count()).toBe(0);
  });
});
