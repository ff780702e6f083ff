import { beforeAll, describe, expect, it } from "vitest";
import { loader } from "~/routes/app._index";
import { resetDb } from "../support/db";
import { adminRequest } from "../support/auth";
import { fakeAdminApi } from "../support/admin-api";
import { ingestBodies } from "../support/ingest";
import { SHOP, STORE } from "./overview.fixture";

type LoaderData = Awaited<ReturnType<typeof loader>>;
let data: LoaderData;

beforeAll(async () => {
  await resetDb();
  await ingestBodies(SHOP, STORE, { ianaTimezone: "America/New_York" });
  data = await loader({ request: await adminRequest("https://margin-ltv.test/app", SHOP), params: {}, context: {} });
});

describe("Overview loader", () => {
  it("computes the hand-checked figures", () => {
    expect(data.figures).toMatchObject({
      orders: 4,
      cancelledOrders: 1,
      guestOrders: 1,
      customers: 2,
      repeatCustomers: 1,
      repeatPurchaseRate: 0.5,
      grossSales: 25550,
      discounts: 800,
      netSales: 24750,
      shippingCharged: 600,
      refunds: 3600,
      netRevenue: 21750,
      averageOrderValue: 5438,
      firstOrderAt: "2026-01-10T02:00:00.000Z",
      lastOrderAt: "2026-03-01T18:30:00.000Z",
    });
    expect(data.shop).toEqual({ id: SHOP, currency: "USD", currencyDigits: 2, ianaTimezone: "America/New_York" });
  });

  it("refuses a request without a valid session token", async () => {
    const response = await loader({ request: new Request("https://margin-ltv.test/app?shop=" + SHOP), params: {}, context: {} })
      .then(() => null, (thrown: unknown) => thrown);
    expect(response).toBeInstanceOf(Response);
    expect((response as Response).status).toBeGreaterThanOrEqual(300);
  });

  it("registers an unknown shop's currency and time zone from the Admin API, and shows only its data", async () => {
    const calls = fakeAdminApi(() => ({ data: { shop: { currencyCode: "JPY", ianaTimezone: "Asia/Tokyo" } } }));
    const other = await loader({ request: await adminRequest("https://margin-ltv.test/app", "empty-shop.myshopify.com"), params: {}, context: {} });
    expect(other.figures.orders).toBe(0);
    expect(other.shop).toEqual({ id: "empty-shop.myshopify.com", currency: "JPY", currencyDigits: 0, ianaTimezone: "Asia/Tokyo" });
    expect(calls.map((call) => call.shop)).toEqual(["empty-shop.myshopify.com"]);
    expect(calls[0].query).toMatch(/ianaTimezone/);
  });
});

