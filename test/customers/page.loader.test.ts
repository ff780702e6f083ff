/**
 * The Customers page's loader and CSV: search by order name, GID and numeric id (never by name or
 * email), the card identical to the API route's, the orders with their margin breakdown, the service
 * contacts, and the flagged list by kind, paginated and exported.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { refreshAnalytics } from "~/analytics/snapshot.server";
import { clearFlaggedCache, FLAG_KINDS } from "~/customers/flagged.server";
import { loader as apiLoader } from "~/routes/api.customers.$customerId";
import { loader, PAGE_SIZE } from "~/routes/app.customers";
import { loader as csvLoader } from "~/routes/app.customers[.csv]";
import { adminRequest, bearerRequest } from "../support/auth";
import { resetDb } from "../support/db";
import { ingestBodies } from "../support/ingest";
import { orderBody } from "../support/orders";
import { recomputeMargins } from "~/margins/recompute.server";
import db from "~/db.server";
import { customer, daysAgo, EXPECTED_FLAG, orderGid, seedFlagStore, SHOP } from "./fixture";

const BIG_SHOP = "many-new-customers.myshopify.com";
const page = async (search: string, shop = SHOP) =>
  loader({ request: await adminRequest(`https://margin-ltv.test/app/customers${search}`, shop), params: {}, context: {} } as LoaderFunctionArgs);

beforeAll(async () => {
  await resetDb();
  clearFlaggedCache();
  await seedFlagStore();
  // 60 one-order customers, all new: pagination of the flagged list.
  await ingestBodies(BIG_SHOP, Array.from({ length: 60 }, (_, i) =>
    orderBody({ id: 20_000 + i, customerId: 30_000 + i, processedAt: daysAgo(5 + (i % 20)), lines: [{ id: 40_000 + i, price: `${10 + i}.00` }] })));
  await recomputeMargins(db, BIG_SHOP);
});

describe("search", () => {
  it("finds a customer by order name, and shows the same card as the API route", async () => {
    const data = await page("?q=%231202");
    expect(data.search).toMatchObject({ status: "found", message: "Found from #1202." });
    expect(data.selected?.card.customerId).toBe(customer(3));
    const api = await apiLoader({ request: await bearerRequest("https://margin-ltv.test/api/customers/3", SHOP), params: { customerId: "3" }, context: {} } as LoaderFunctionArgs);
    expect(data.selected?.card).toEqual(await api.json());
  });

  it("finds by GID, by numeric id, and by a number that is an order name", async () => {
    expect((await page(`?q=${encodeURIComponent(customer(4))}`)).selected?.card.customerId).toBe(customer(4));
    expect((await page("?q=7")).selected?.card.customerId).toBe(customer(7));
    expect((await page("?q=1601")).selected?.card.customerId).toBe(customer(7)); // no customer 1601: order #1601
    expect((await page(`?customer=${encodeURIComponent(customer(1))}`)).selected?.card.customerId).toBe(customer(1));
  });

  it("refuses name and email search: the store has not granted protected customer data", async () => {
    for (const q of ["Jane Doe", "jane@example.com"]) {
      const data = await page(`?q=${encodeURIComponent(q)}`);
      expect(data.search?.status).toBe("protected");
      expect(data.search?.message).toMatch(/protected customer data/);
      expect(data.selected).toBeNull();
    }
    expect((await page("")).protectedSearch.enabled).toBe(false);
  });

  it("says when nothing matches, a guest order, or another shop's customer", async () => {
    expect((await page("?q=%239999")).search).toMatchObject({ status: "not_found", message: "No order #9999 in this store." });
    expect((await page("?q=%231900")).search).toMatchObject({ status: "guest_order" });
    const forged = await page(`?customer=${encodeURIComponent(customer(9))}`);
    expect(forged.selected).toBeNull();
    expect(forged.search?.status).toBe("not_found");
  });
});

describe("the selected customer", () => {
  it("lists the orders with their margin breakdown adding up to the contribution margin, linked by order id", async () => {
    const data = await page(`?customer=${encodeURIComponent(customer(3))}`);
    const orders = data.selected!.orders;
    expect(orders.map((o) => o.name)).toEqual(["#1202", "#1201"]);
    for (const o of orders) expect(o.netRevenue! + o.goods! + o.otherCosts!).toBe(o.contributionMargin);
    // #1201: 100.00 - 40% COGS - 2.00 fulfilment. #1202: refunded in full, not restocked: 0 revenue, goods lost, fulfilment, return 5.00.
    expect(orders.find((o) => o.name === "#1201")).toMatchObject({ id: orderGid(301), netRevenue: 10_000, goods: -4000, otherCosts: -200, contributionMargin: 5800 });
    expect(orders.find((o) => o.name === "#1202")).toMatchObject({ netRevenue: 0, goods: -4000, otherCosts: -700, contributionMargin: -4700 });
    expect(orders.reduce((sum, o) => sum + o.contributionMargin!, 0)).toBe(data.selected!.card.figures!.contributionMarginLtv);
  });

  it("shows the customer's service contacts", async () => {
    const data = await page(`?customer=${encodeURIComponent(customer(4))}`);
    expect(data.selected!.contacts).toHaveLength(3);
    expect(data.selected!.orders.reduce((sum, o) => sum + o.serviceContacts, 0)).toBe(3);
    expect((await page(`?customer=${encodeURIComponent(customer(1))}`)).selected!.contacts).toEqual([]);
  });
});

describe("flagged customers", () => {
  it("lists each flag's customers with the reason, the same as the card's", async () => {
    for (const [n, kind] of Object.entries(EXPECTED_FLAG)) {
      const data = await page(`?flag=${kind}`);
      expect(data.flagged.kind).toBe(kind);
      expect(data.flagged.counts[kind as keyof typeof data.flagged.counts]).toBe(1);
      expect(data.flagged.rows.map((row) => row.customerId)).toEqual([customer(Number(n))]);
      const card = (await page(`?customer=${encodeURIComponent(customer(Number(n)))}`)).selected!.card;
      expect(data.flagged.rows[0].reason).toBe(card.flags.find((flag) => flag.kind === kind)!.reason);
    }
    const atRisk = await page("?flag=at_risk");
    expect(atRisk.flagged.total).toBe(0);
    expect(atRisk.flagged.help).toMatch(/predictive model/);
  });

  it("paginates", async () => {
    const first = await page("?flag=new", BIG_SHOP);
    const last = await page("?flag=new&page=3", BIG_SHOP);
    expect(first.flagged).toMatchObject({ total: 60, pages: 3, page: 1 });
    expect(first.flagged.rows).toHaveLength(PAGE_SIZE);
    expect(last.flagged.rows).toHaveLength(60 - 2 * PAGE_SIZE);
    const all = new Set([...first.flagged.rows, ...(await page("?flag=new&page=2", BIG_SHOP)).flagged.rows, ...last.flagged.rows].map((r) => r.customerId));
    expect(all.size).toBe(60);
    expect((await page("?flag=new&page=99", BIG_SHOP)).flagged.page).toBe(3);
  });

  it("exports the list as CSV with the same reasons, money as exact decimals", async () => {
    const response = await csvLoader({ request: await adminRequest("https://margin-ltv.test/app/customers.csv", SHOP), params: {}, context: {} } as LoaderFunctionArgs);
    expect(response.headers.get("Content-Type")).toMatch(/text\/csv/);
    const records = parse(await response.text(), { columns: true }) as Record<string, string>[];
    expect(records.map((r) => [r.customer_id, r.flag]).sort()).toEqual(Object.entries(EXPECTED_FLAG).map(([n, kind]) => [customer(Number(n)), kind]).sort());
    const negative = records.find((r) => r.flag === "negative_margin")!;
    expect(negative).toMatchObject({ cm_ltv_USD: "-15.00", revenue_ltv_USD: "0.00", orders: "1", reason: "Lifetime contribution margin is -$15.00 on $0.00 of revenue over 1 order" });
    expect(JSON.parse(negative.numbers_json)).toEqual({ contributionMargin: -1500, revenue: 0, orders: 1 });
    const one = await csvLoader({ request: await adminRequest("https://margin-ltv.test/app/customers.csv?flag=new", BIG_SHOP), params: {}, context: {} } as LoaderFunctionArgs);
    expect(parse(await one.text(), { columns: true })).toHaveLength(60);
  });
});

describe("flagged customers stored by the analytics refresh", () => {
  const everyKind = async () => Object.fromEntries(await Promise.all(FLAG_KINDS.map(async (kind) => [kind, (await page(`?flag=${kind}`)).flagged] as const)));

  it("serves the refresh's stored lists, row for row the lists computed on request, with the refresh's time", async () => {
    // Earlier loads (the card) ran a refresh: without its "flagged" row the lists are computed on request.
    await db.analyticsSnapshot.deleteMany({ where: { shopId: SHOP, view: "flagged" } });
    clearFlaggedCache();
    const computed = await everyKind();
    expect(computed.high_value.computedAt).toBeNull();
    const refresh = await refreshAnalytics(db, SHOP);
    expect(refresh.computeParts.flags).toBeGreaterThan(0);
    const stored = await everyKind();
    const snapshot = await db.analyticsSnapshot.findUniqueOrThrow({ where: { shopId_view: { shopId: SHOP, view: "flagged" } } });
    for (const kind of FLAG_KINDS) {
      expect(stored[kind].computedAt).toBe(snapshot.computedAt.toISOString());
      expect(stored[kind].rows).toEqual(computed[kind].rows);
      expect(stored[kind].counts).toEqual(computed[kind].counts);
      expect(stored[kind].customers).toBe(computed[kind].customers);
    }
    // One row per customer and flag, as the page counts them.
    const storedRows = await db.flaggedChunk.aggregate({ where: { shopId: SHOP }, _sum: { rows: true } });
    expect(storedRows._sum.rows).toBe(Object.keys(EXPECTED_FLAG).length);
  });

  it("reads the stored rows rather than computing them again", async () => {
    const [kind] = Object.values(EXPECTED_FLAG);
    const [chunk] = await db.flaggedChunk.findMany({ where: { shopId: SHOP, kind } });
    const rows = JSON.parse(chunk.payload) as unknown[][];
    rows[0][4] = "stored reason"; // [customerId, margin, revenue, orders, reason, ...]
    await db.flaggedChunk.update({ where: { shopId_kind_chunk: { shopId: SHOP, kind, chunk: chunk.chunk } }, data: { payload: JSON.stringify(rows) } });
    expect((await page(`?flag=${kind}`)).flagged.rows.map((row) => row.reason)).toEqual(["stored reason"]);
    const csv = await csvLoader({ request: await adminRequest(`https://margin-ltv.test/app/customers.csv?flag=${kind}`, SHOP), params: {}, context: {} } as LoaderFunctionArgs);
    expect((parse(await csv.text(), { columns: true }) as Record<string, string>[]).map((r) => r.reason)).toEqual(["stored reason"]);
  });

  it("computes the lists on request when the stored model is not the one they were stored with", async () => {
    const projections = await db.analyticsSnapshot.findUniqueOrThrow({ where: { shopId_view: { shopId: SHOP, view: "projections" } } });
    await db.analyticsSnapshot.update({
      where: { shopId_view: { shopId: SHOP, view: "projections" } }, data: { computedAt: new Date(projections.computedAt.getTime() + 1000) },
    });
    const [kind] = Object.values(EXPECTED_FLAG);
    const data = (await page(`?flag=${kind}`)).flagged;
    expect(data.computedAt).toBeNull();
    expect(data.rows.map((row) => row.reason)).not.toContain("stored reason");
  });
});
