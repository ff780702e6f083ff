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
  it("reads value events, acquisition facts, cancelled orders and order facts", async () => {
    const shop = (await getShop(db, SHOP))!;
    const { input, orders } = await loadAnalyticsInput(db, shop, { asOf: AS_OF });
    expect(input.events.map((e) => [e.customerId, e.orderId.replace("gid://shopify/Order/", ""), e.kind, e.contributionMargin])).toContainEqual([customer(2), "3", "refund", -3600]);
    expect(input.events.filter((e) => e.customerId === customer(1)).map((e) => e.orderId)).toEqual(["gid://shopify/Order/1", "gid://shopify/Order/2"]);
    expect([...input.cancelledOrderIds].sort()).toEqual(["gid://shopify/Order/5", "gid://shopify/Order/6"]);
    expect(input.acquisitions.find((a) => a.customerId === customer(1))).toMatchObject({
      firstOrderId: "gid://shopify/Order/1", channel: "web", countryCode: "US", firstDiscountCode: null,
      firstProductId: "gid://shopify/Product/7", firstProductTitle: "Mug", tags: ["vip", "wholesale"],
    });
    expect(input.acquisitions.find((a) => a.customerId === customer(5))).toMatchObject({ firstDiscountCode: "BIG50", countryCode: "GB" });
    expect(input.acquisitions.some((a) => a.customerId === customer(4))).toBe(false);
    expect(orders.find((o) => o.orderId === "gid://shopify/Order/3")).toMatchObject({ grossSales: 8000, discounts: 800, returnedItems: 1, cancelled: false });
    expect(orders.find((o) => o.orderId === "gid://shopify/Order/5")?.cancelled).toBe(true);
    expect(orders.some((o) => o.customerId === null)).toBe(false);
  });
});
