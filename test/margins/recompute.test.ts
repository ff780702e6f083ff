import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { loadCostConfig } from "~/costs/config.server";
import { replaceServiceContacts } from "~/costs/service.server";
import { getCostSettings } from "~/costs/settings.server";
import { saveVariantCosts } from "~/costs/variants.server";
import { computeOrderMargin } from "~/domain/economics/margin";
import { readLedgerOrders } from "~/margins/ledger-reader.server";
import { RECOMPUTE_ORDERS_PER_TRANSACTION, recomputeMargins, recomputeOrders } from "~/margins/recompute.server";
import { marginStatus } from "~/margins/schedule.server";
import { resetDb } from "../support/db";
import { ingestBodies } from "../support/ingest";
import { orderBody } from "../support/orders";
import { AS_OF, BODIES, order, seedCosts, seedStore, SHOP, V11 } from "../costs/fixture";

async function margins() {
  const rows = await db.orderMargin.findMany({ where: { shopId: SHOP }, orderBy: { orderId: "asc" } });
  return Object.fromEntries(rows.map((row) => [row.orderId, {
    netRevenue: Number(row.netRevenue), grossMargin: Number(row.grossMargin), contributionMargin: Number(row.contributionMargin),
    cogs: Number(row.cogs), costVersion: row.costVersion, breakdown: JSON.parse(row.breakdown),
  }]));
}

beforeEach(async () => {
  await resetDb();
  await seedStore();
  await seedCosts();
});

describe("recomputeMargins", () => {
  it("stores every order's hand-computed contribution margin with the cost version", async () => {
    const result = await recomputeMargins(db, SHOP, { asOf: AS_OF });
    const { version } = await getCostSettings(db, SHOP);
    expect(result).toMatchObject({ orders: 4, costVersion: version, superseded: false });
    const stored = await margins();
    // #1001: 85.00 revenue - 20.00 goods - fee (85.00 x 2.9% = 2.465 -> 2.47, + 0.30) - fulfilment 3.00 - shipping 6.00
    expect(stored[order(101)]).toMatchObject({ netRevenue: 8500, cogs: -2000, grossMargin: 6500, contributionMargin: 5323, costVersion: version });
    // #1002: 40.00 - 10.00 - (1.16 + 0.30) - 2.50 - 6.00
    expect(stored[order(102)]).toMatchObject({ netRevenue: 4000, cogs: -1000, grossMargin: 3000, contributionMargin: 3000 - 146 - 250 - 600 });
    // #1003 cancelled: nothing counts, no fee assumed.
    expect(stored[order(103)]).toMatchObject({ netRevenue: 0, cogs: 0, grossMargin: 0, contributionMargin: 0 });
    expect(stored[order(103)].breakdown.status).toBe("cancelled");
    // #1004: 80.00 - 40.00 refunded; goods -20.00 + 10.00 restocked; fee 2.32 + 0.30; fulfilment 3.00; shipping 6.00; return 5.00 + 1.00
    expect(stored[order(104)]).toMatchObject({ netRevenue: 4000, cogs: -2000, grossMargin: 3000, contributionMargin: 3000 - 262 - 300 - 600 - 600 });
    expect(stored[order(104)].breakdown.amounts).toMatchObject({ cogsRecovered: 1000, reverseLogistics: -600, refundedMerchandise: -4000 });
    expect(result.totals.contributionMargin).toBe(5323 + 2004 + 0 + 1238);
  });

  it("writes value events that add up to each margin, with countsAsPurchase false for cancelled orders and refunds", async () => {
    await recomputeMargins(db, SHOP, { asOf: AS_OF });
    const events = await db.valueEvent.findMany({ where: { shopId: SHOP }, orderBy: [{ orderId: "asc" }, { seq: "asc" }] });
    expect(events.map((e) => [e.orderId, e.seq, e.kind, Number(e.revenue), Number(e.grossMargin), Number(e.contributionMargin), e.countsAsPurchase])).toEqual([
      [order(101), 0, "order", 8500, 6500, 5323, true],
      [order(102), 0, "order", 4000, 3000, 2004, true],
      [order(103), 0, "order", 0, 0, 0, false],
      [order(104), 0, "order", 8000, 6000, 4838, true],
      [order(104), 1, "refund", -4000, -3000, -3600, false],
    ]);
    expect(events.find((e) => e.kind === "refund")?.at.toISOString()).toBe("2026-02-10T12:00:00.000Z");
    expect(events.find((e) => e.orderId === order(104))?.customerId).toBeNull();
  });

  it("totals equal the sum of the engine's per-order results", async () => {
    const result = await recomputeMargins(db, SHOP, { asOf: AS_OF, pageSize: 3 });
    const config = await loadCostConfig(db, SHOP);
    const orders = await readLedgerOrders(db, SHOP, BODIES.map((body) => String(body.admin_graphql_api_id)));
    const engine = orders.map((o) => computeOrderMargin(o, config, { asOf: AS_OF }));
    const sum = (key: "netRevenue" | "grossMargin" | "contributionMargin") => engine.reduce((total, b) => total + b[key], 0);
    expect(result.totals).toEqual({ netRevenue: sum("netRevenue"), grossMargin: sum("grossMargin"), contributionMargin: sum("contributionMargin") });
    const stored = await margins();
    for (const b of engine) expect(stored[b.orderId].contributionMargin).toBe(b.contributionMargin);
    expect(result.coverage).toEqual({ known: 8000 + 4000 + 8000, estimated: 0, missing: 0 });
  });

  it("keeps the cost in force when each order was placed across a cost change (effective dating end to end)", async () => {
    await recomputeMargins(db, SHOP, { asOf: AS_OF });
    expect((await margins())[order(102)].cogs).toBe(-1000);
    await saveVariantCosts(db, SHOP, [{ variantId: V11, unitCost: 1200, validFrom: new Date("2026-03-01T00:00:00Z"), source: "manual" }]);
    const before = await marginStatus(db, SHOP);
    expect(before.upToDate).toBe(false);
    await recomputeMargins(db, SHOP, { asOf: AS_OF });
    const stored = await margins();
    expect(stored[order(101)].cogs).toBe(-2000); // January: still 10.00 a unit
    expect(stored[order(104)].cogs).toBe(-2000); // February: still 10.00
    expect(stored[order(102)].cogs).toBe(-1200); // March: 12.00
    expect(stored[order(102)].contributionMargin).toBe(2004 - 200);
    const after = await marginStatus(db, SHOP);
    expect(after).toMatchObject({ upToDate: true, orders: 4, current: 4, run: { status: "done", percent: 100 } });
  });

  it("reports progress page by page and removes margins of orders gone from the ledger", async () => {
    await recomputeMargins(db, SHOP, { asOf: AS_OF });
    await db.$executeRawUnsafe(`DELETE FROM "Order" WHERE "shopId" = '${SHOP}' AND "id" = '${order(104)}'`);
    const progress: number[] = [];
    await recomputeMargins(db, SHOP, { asOf: AS_OF, pageSize: 1, onProgress: (p) => progress.push(p.done) });
    expect(progress).toEqual([0, 1, 2, 3]);
    expect(Object.keys(await margins())).toEqual([order(101), order(102), order(103)]);
    expect(await db.valueEvent.count({ where: { shopId: SHOP, orderId: order(104) } })).toBe(0);
  });

  it("charges service contacts on the order they are attributed to", async () => {
    await replaceServiceContacts(db, SHOP, [
      { customerId: "gid://shopify/Customer/1", orderName: null, contactedAt: new Date("2026-02-01T00:00:00Z") }, // -> #1001 (latest before)
      { customerId: "gid://shopify/Customer/1", orderName: null, contactedAt: new Date("2025-12-01T00:00:00Z") }, // before any order -> first, #1001
      { customerId: null, orderName: "#1002", contactedAt: new Date("2026-03-11T00:00:00Z") },
    ]);
    await recomputeMargins(db, SHOP, { asOf: AS_OF });
    const stored = await margins();
    expect(stored[order(101)].contributionMargin).toBe(5323 - 800);
    expect(stored[order(101)].breakdown.serviceContacts).toBe(2);
    expect(stored[order(102)].contributionMargin).toBe(2004 - 400);
  });
});

describe("recomputeOrders (incremental)", () => {
  it("recomputes only the given orders, with the current cost version", async () => {
    await recomputeMargins(db, SHOP, { asOf: AS_OF });
    const before = await margins();
    // A new refund arrives for #1001 (1 unit, not restocked) and the order is re-ingested.
    await ingestBodies(SHOP, [orderBody({ id: 101, name: "#1001", customerId: 1, processedAt: "2026-01-10T12:00:00Z", updatedAt: "2026-01-20T00:00:00Z",
      shipping: "5.00", totalPrice: "85.00", lines: [{ id: 1001, variantId: 11, price: "40.00", quantity: 2 }],
      refunds: [{ id: 9002, createdAt: "2026-01-20T00:00:00Z", lines: [{ id: 8002, lineItemId: 1001, quantity: 1, subtotal: "40.00" }] }] })],
    { currency: "USD", ianaTimezone: "UTC" });
    const result = await recomputeOrders(db, SHOP, [order(101)], { asOf: AS_OF });
    expect(result.orders).toBe(1);
    const after = await margins();
    // -40.00 revenue, the unit is not restocked (its 10.00 stays in COGS), return costs 5.00 + 1.00.
    expect(after[order(101)].contributionMargin).toBe(5323 - 4000 - 600);
    expect(after[order(102)]).toEqual(before[order(102)]);
    const events = await db.valueEvent.findMany({ where: { shopId: SHOP, orderId: order(101) }, orderBy: { seq: "asc" } });
    expect(events.map((e) => [e.kind, Number(e.contributionMargin), e.countsAsPurchase])).toEqual([["order", 5323, true], ["refund", -4600, false]]);
  });

  it("recomputes a burst larger than one transaction slice by slice, to the same rows and totals as the full recompute", async () => {
    const extra = 2 * RECOMPUTE_ORDERS_PER_TRANSACTION + 50;
    await ingestBodies(SHOP, Array.from({ length: extra }, (_, i) => orderBody({
      id: 5000 + i, name: `#${5000 + i}`, customerId: 1 + (i % 7), processedAt: "2026-01-15T12:00:00Z", updatedAt: "2026-01-15T12:00:00Z",
      shipping: "5.00", totalPrice: `${20 + (i % 9)}.00`, lines: [{ id: 50_000 + i, variantId: 11, price: `${20 + (i % 9)}.00`, quantity: 1 }],
    })), { currency: "USD", ianaTimezone: "UTC" });
    const full = await recomputeMargins(db, SHOP, { asOf: AS_OF });
    const expected = await margins();
    expect(Object.keys(expected)).toHaveLength(4 + extra);
    await db.valueEvent.deleteMany({ where: { shopId: SHOP } });
    await db.orderMargin.deleteMany({ where: { shopId: SHOP } });

    // The client, counting its transactions (the recompute's slices among them).
    let transactions = 0;
    const counting = new Proxy(db, {
      get: (target, key) => key === "$transaction"
        ? (...args: Parameters<typeof db.$transaction>) => {
          transactions += 1;
          return target.$transaction(...args);
        }
        : Reflect.get(target, key, target),
    });
    const ids = Object.keys(expected);
    const result = await recomputeOrders(counting, SHOP, ids, { asOf: AS_OF });
    expect(transactions).toBeGreaterThanOrEqual(Math.ceil(ids.length / RECOMPUTE_ORDERS_PER_TRANSACTION));
    expect(result.orders).toBe(4 + extra);
    expect(result.totals).toEqual(full.totals);
    expect(result.coverage).toEqual(full.coverage);
    expect(await margins()).toEqual(expected);
  });

  it("drops the rows of an order no longer in the ledger", async () => {
    await recomputeMargins(db, SHOP, { asOf: AS_OF });
    await db.$executeRawUnsafe(`DELETE FROM "Order" WHERE "shopId" = '${SHOP}' AND "id" = '${order(102)}'`);
    await recomputeOrders(db, SHOP, [order(102)]);
    expect(await db.orderMargin.count({ where: { shopId: SHOP, orderId: order(102) } })).toBe(0);
    expect(await db.orderMargin.count({ where: { shopId: SHOP } })).toBe(3);
  });
});
