import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { generateOrders } from "~/demo/generator";
import { BULK_FINISHED_JOB, REREAD_ORDER_JOB, setAdminClientFactory } from "~/queue/jobs.server";
import { enqueue, runDueJobs } from "~/queue/queue.server";
import { upsertShop } from "~/shops/shops.server";
import { configureBackfill, startBackfill } from "~/sync/backfill.server";
import { BACKFILL_JOB, RECONCILE_JOB, setSyncAdminFactory } from "~/sync/jobs.server";
import { resetDb } from "../../support/db";
import { FakeShopify } from "./fake-shopify";

const SHOP = "jobs.myshopify.com";
const BODIES = [...generateOrders({ orders: 60, seed: 21 })].map((body) => JSON.parse(JSON.stringify(body)));

beforeEach(async () => {
  await resetDb();
  await upsertShop(db, { id: SHOP, currency: "USD" });
});

describe("the sync's queue jobs", () => {
  it("bulk_operations/finish's job continues the backfill to the end, then reconciliation runs and reschedules itself", async () => {
    const shopify = new FakeShopify(BODIES);
    shopify.buildBulkFile();
    setSyncAdminFactory(async () => shopify);
    configureBackfill({ fetch: shopify.fetch });
    await startBackfill(db, SHOP, shopify);
    // startBackfill scheduled a poll of the operation in case the webhook never comes.
    expect(await db.job.count({ where: { shopId: SHOP, kind: BACKFILL_JOB } })).toBe(1);

    await enqueue(db, { shopId: SHOP, kind: BULK_FINISHED_JOB, payload: { bulkOperationId: "gid://shopify/BulkOperation/1" } });
    expect(await runDueJobs(db, { kinds: [BULK_FINISHED_JOB], shopId: SHOP })).toBe(1);
    expect(await db.job.findFirstOrThrow({ where: { shopId: SHOP, kind: BULK_FINISHED_JOB } })).toMatchObject({ status: "done" });
    expect(await db.syncBackfill.findFirstOrThrow({ where: { shopId: SHOP } })).toMatchObject({ status: "done" });
    expect(await db.order.count({ where: { shopId: SHOP } })).toBe(BODIES.filter((body) => !body.test).length);

    expect(await runDueJobs(db, { kinds: [RECONCILE_JOB], shopId: SHOP })).toBe(1);
    expect(await db.syncReconciliation.findFirstOrThrow({ where: { shopId: SHOP } })).toMatchObject({ status: "done", repaired: 0 });
    const next = await db.job.findFirstOrThrow({ where: { shopId: SHOP, kind: RECONCILE_JOB, status: "queued" } });
    expect(next.runAt.getTime()).toBeGreaterThan(Date.now() + 25 * 60_000);
  });

  it("provides fetchOrder to orders/edited re-reads", async () => {
    const shopify = new FakeShopify(BODIES.slice(0, 3));
    setAdminClientFactory(async () => shopify);
    const id = `gid://shopify/Order/${BODIES[0].id}`;
    await enqueue(db, { shopId: SHOP, kind: REREAD_ORDER_JOB, payload: { orderId: id } });
    expect(await runDueJobs(db, { kinds: [REREAD_ORDER_JOB], shopId: SHOP })).toBe(1);
    expect(await db.order.findUnique({ where: { shopId_id: { shopId: SHOP, id } }, select: { name: true } })).toEqual({ name: BODIES[0].name });
    expect(shopify.calls.map((call) => call.operation)).toEqual(["SyncOrder"]);
  });
});
