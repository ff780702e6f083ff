import type { LoaderFunctionArgs } from "@remix-run/node";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { loader as overviewLoader } from "~/routes/app._index";
import { loader, PAGE_SIZE } from "~/routes/app.orders";
import { loader as csvLoader } from "~/routes/app.orders[.csv]";
import { adminRequest } from "../support/auth";
import { resetDb } from "../support/db";
import { ingestBodies } from "../support/ingest";
import { orderBody } from "../support/orders";
import { SHOP, STORE } from "./overview.fixture";

const BIG_SHOP = "many-orders.myshopify.com";
const call = async <T>(fn: (args: LoaderFunctionArgs) => Promise<T>, url: string, shop = SHOP) =>
  fn({ request: await adminRequest(url, shop), params: {}, context: {} });

beforeAll(async () => {
  await resetDb();
  await ingestBodies(SHOP, STORE, { ianaTimezone: "America/New_York" });
  // 120 one-line orders of 1.00 .. 120.00 for pagination.
  await ingestBodies(BIG_SHOP, Array.from({ length: 120 }, (_, i) =>
    orderBody({ id: 5000 + i, customerId: 900 + (i % 7), processedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      lines: [{ id: 70000 + i, price: `${i + 1}.00` }] })));
});

describe("Orders loader", () => {
  it("lists the counted orders, newest first, with the amounts behind net revenue", async () => {
    const data = await call(loader, "https://margin-ltv.test/app/orders");
    expect(data.total).toBe(4);
    expect(data.rows.map((row) => [row.name, row.netSales, row.shippingCharged, row.refunds, row.netRevenue, row.status])).toEqual([
      ["#1004", 5000, 0, 0, 5000, "open"],
      ["#1003", 10000, 0, 0, 10000, "open"],
      ["#1002", 2550, 0, 0, 2550, "open"],
      ["#1001", 7200, 600, 3600, 4200, "partially refunded"],
    ]);
  });

  it("adds up to the Overview's net revenue to the cent", async () => {
    const orders = await call(loader, "https://margin-ltv.test/app/orders");
    const overview = await call(overviewLoader, "https://margin-ltv.test/app");
    expect(orders.rows.reduce((sum, row) => sum + row.netRevenue, 0)).toBe(overview.figures.netRevenue);
  });

  it("filters by customer", async () => {
    const data = await call(loader, `https://margin-ltv.test/app/orders?customer=${encodeURIComponent("gid://shopify/Customer/501")}`);
    expect(data.rows.map((row) => row.name)).toEqual(["#1002", "#1001"]);
    expect(data.customer).toBe("gid://shopify/Customer/501");
  });

  it("paginates, and treats a bad page number as the first page", async () => {
    const first = await call(loader, "https://margin-ltv.test/app/orders", BIG_SHOP);
    const third = await call(loader, "https://margin-ltv.test/app/orders?page=3", BIG_SHOP);
    expect(first.total).toBe(120);
    expect(first.pages).toBe(3);
    expect(first.rows).toHaveLength(PAGE_SIZE);
    expect(first.rows[0].netRevenue).toBe(12000);
    expect(third.rows).toHaveLength(20);
    expect(third.rows.at(-1)?.netRevenue).toBe(100);
    const bad = await call(loader, "https://margin-ltv.test/app/orders?page=abc&customer=nope", BIG_SHOP);
    expect(bad.page).toBe(1);
    expect(bad.customer).toBeNull();
  });

  it("exports the same numbers as CSV, money as exact decimals", async () => {
    const response = await call(csvLoader, "https://margin-ltv.test/app/orders.csv");
    expect(response.headers.get("Content-Type")).toMatch(/text\/csv/);
    expect(response.headers.get("Content-Disposition")).toBe('attachment; filename="orders-overview-shop.csv"');
    const records = parse(await response.text(), { columns: true }) as Record<string, string>[];
    const page = await call(loader, "https://margin-ltv.test/app/orders");
    expect(records.map((record) => record.order_id)).toEqual(page.rows.map((row) => row.id));
    expect(records.map((record) => record.net_revenue_USD)).toEqual(["50.00", "100.00", "25.50", "42.00"]);
    expect(records[3]).toMatchObject({ order_name: "#1001", refunds_USD: "36.00", shipping_charged_USD: "6.00", status: "partially refunded" });
  });

  it("exports every order across pages", async () => {
    const response = await call(csvLoader, "https://margin-ltv.test/app/orders.csv", BIG_SHOP);
    const records = parse(await response.text(), { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(120);
    expect(new Set(records.map((record) => record.order_id)).size).toBe(120);
  });
});
