import { beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { emptyLedgerTotals, loadAnalyticsInput } from "~/analytics/input.server";
import { readProjections } from "~/analytics/projections.server";
import { refreshAnalytics } from "~/analytics/snapshot.server";
import { getShop } from "~/shops/shops.server";
import { recomputeMargins } from "~/margins/recompute.server";
import { resetDb } from "../support/db";
import { ingestBodies } from "../support/ingest";
import { orderBody } from "../support/orders";
import { AS_OF, customer, seedAnalyticsStore, SHOP } from "./fixture";
import { valueEventList } from "~/domain/value-events";

beforeAll(async () => {
  await resetDb();
  await seedAnalyticsStore();
});

describe("loadAnalyticsInput", () => {
  it("reads value events, acquisition facts, cancelled orders and each customer's order totals", async () => {
    const shop = (await getShop(db, SHOP))!;
    const { input, orderTotals } = await loadAnalyticsInput(db, shop, { asOf: AS_OF });
    const events = valueEventList(input.events);
    expect(events.map((e) => [e.customerId, e.orderId.replace("gid://shopify/Order/", ""), e.kind, e.contributionMargin])).toContainEqual([customer(2), "3", "refund", -3600]);
    expect(events.filter((e) => e.customerId === customer(1)).map((e) => e.orderId)).toEqual(["gid://shopify/Order/1", "gid://shopify/Order/2"]);
    expect([...input.cancelledOrderIds].sort()).toEqual(["gid://shopify/Order/5", "gid://shopify/Order/6"]);
    expect(input.acquisitions.find((a) => a.customerId === customer(1))).toMatchObject({
      firstOrderId: "gid://shopify/Order/1", channel: "web", countryCode: "US", firstDiscountCode: null,
      firstProductId: "gid://shopify/Product/7", firstProductTitle: "Mug", tags: ["vip", "wholesale"],
    });
    expect(input.acquisitions.find((a) => a.customerId === customer(5))).toMatchObject({ firstDiscountCode: "BIG50", countryCode: "GB" });
    expect(input.acquisitions.some((a) => a.customerId === customer(4))).toBe(false);
    // By hand from the fixture; cancelled orders (C3's second, C4's only) add nothing but their contacts (none here).
    const zero = { ordersWithFacts: 0, grossSales: 0, discounts: 0, discountedOrders: 0, returnedOrders: 0, returnedItems: 0, serviceContacts: 0 };
    expect(Object.fromEntries(orderTotals)).toEqual({
      [customer(1)]: { ...zero, ordersWithFacts: 2, grossSales: 15000 },
      [customer(2)]: { ...zero, ordersWithFacts: 1, grossSales: 8000, discounts: 800, discountedOrders: 1, returnedOrders: 1, returnedItems: 1 },
      [customer(3)]: { ...zero, ordersWithFacts: 1, grossSales: 6000 },
      [customer(4)]: zero,
      [customer(5)]: { ...zero, ordersWithFacts: 1, grossSales: 20000, discounts: 10000, discountedOrders: 1 },
    });
    // Orders processed after asOf are left out.
    const early = await loadAnalyticsInput(db, shop, { asOf: new Date("2026-03-01T00:00:00Z") });
    expect(early.orderTotals.get(customer(1))).toEqual({ ...zero, ordersWithFacts: 1, grossSales: 10000 });
    expect(early.orderTotals.has(customer(5))).toBe(false);
  });
});

// The worker path is the direct SQLite path's (PostgreSQL reads in one REPEATABLE READ transaction instead).
describe.skipIf(!process.env.DATABASE_URL?.startsWith("file:"))("loadAnalyticsInput's order scan in a worker thread (whole-shop loads on SQLite)", () => {
  it("gives the load of the one-thread path", async () => {
    const shop = (await getShop(db, SHOP))!;
    const inWorker = { timings: {}, totals: emptyLedgerTotals() };
    const here = { timings: {}, totals: emptyLedgerTotals() };
    const a = await loadAnalyticsInput(db, shop, { asOf: AS_OF, ...inWorker });
    const b = await loadAnalyticsInput(db, shop, { asOf: AS_OF, ...here, orderThread: "main" });
    expect(inWorker.timings).toMatchObject({ ordersThread: "worker", path: "sqlite-direct" });
    expect(here.timings).toMatchObject({ ordersThread: "main" });
    expect(a).toEqual(b);
    expect(inWorker.totals).toEqual(here.totals);
    expect(inWorker.totals).toMatchObject({ orders: 6, cancelledOrders: 2, guestOrders: 1, customers: 4 });
  });

  it("reads both halves from one state: a write committed after the snapshots is in neither", async () => {
    const shop = (await getShop(db, SHOP))!;
    const order = "gid://shopify/Order/1";
    const bump = (by: number) => db.$transaction([
      db.$executeRaw`UPDATE "Order" SET "grossSales" = "grossSales" + ${by} WHERE "shopId" = ${SHOP} AND "id" = ${order}`,
      db.$executeRaw`UPDATE "ValueEvent" SET "contributionMargin" = "contributionMargin" + ${by} WHERE "shopId" = ${SHOP} AND "orderId" = ${order}`,
    ]);
    const cm = (load: Awaited<ReturnType<typeof loadAnalyticsInput>>) => valueEventList(load.input.events).find((e) => e.orderId === order)!.contributionMargin;
    try {
      const load = await loadAnalyticsInput(db, shop, { asOf: AS_OF, afterPin: async () => void (await bump(100)) });
      expect(load.orderTotals.get(customer(1))!.grossSales).toBe(15000);
      expect(cm(load)).toBe(4000);
      const after = await loadAnalyticsInput(db, shop, { asOf: AS_OF });
      expect(after.orderTotals.get(customer(1))!.grossSales).toBe(15100);
      expect(cm(after)).toBe(4100);
    } finally {
      await bump(-100);
    }
  });

  it("fits the model in the worker; a model the history cannot identify comes back as the reason, not an error", async () => {
    const result = await refreshAnalytics(db, SHOP, { asOf: AS_OF });
    expect(result.readPath).toContain("model fitted and projected there");
    expect(result.workerParts?.["model fit"]).toBeGreaterThan(0);
    expect(await readProjections(db, SHOP)).toMatchObject({ status: "ready" });
    // Three customers, none back: the fit is refused in the worker, and the payload says why.
    const once = "once-only.myshopify.com";
    await ingestBodies(once, [1, 2, 3].map((n) => orderBody({ id: 900 + n, customerId: 900 + n, processedAt: `2026-0${n}-10T15:00:00Z`,
      lines: [{ id: 9000 + n, price: "40.00" }] })), { ianaTimezone: "America/New_York" });
    await recomputeMargins(db, once, { asOf: AS_OF });
    const refused = await refreshAnalytics(db, once, { asOf: AS_OF });
    expect(refused.readPath).toContain("model fitted and projected there");
    expect(await readProjections(db, once)).toMatchObject({
      status: "unavailable", message: "all 3 customers have frequency 0: BG/NBD cannot be estimated without repeat purchases",
    });
  });
});
