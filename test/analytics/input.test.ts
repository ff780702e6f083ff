import { beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { loadAnalyticsInput } from "~/analytics/input.server";
import { getShop } from "~/shops/shops.server";
import { resetDb } from "../support/db";
import { AS_OF, customer, seedAnalyticsStore, SHOP } from "./fixture";

beforeAll(async () => {
  await resetDb();
  await seedAnalyticsStore();
});

describe("loadAnalyticsInput", () => {
  it("reads value events, acquisition facts, cancelled orders and each customer's order totals", async () => {
    const shop = (await getShop(db, SHOP))!;
    const { input, orderTotals } = await loadAnalyticsInput(db, shop, { asOf: AS_OF });
    expect(input.events.map((e) => [e.customerId, e.orderId.replace("gid://shopify/Order/", ""), e.kind, e.contributionMargin])).toContainEqual([customer(2), "3", "refund", -3600]);
    expect(input.events.filter((e) => e.customerId === customer(1)).map((e) => e.orderId)).toEqual(["gid://shopify/Order/1", "gid://shopify/Order/2"]);
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
