/**
 * The three pages' loaders on the hand-built store of fixture.ts (value events from the real margin
 * recompute), every figure computed by hand there.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import db from "~/db.server";
import { saveAnalyticsSettings } from "~/analytics/settings.server";
import { readCohortBase } from "~/analytics/cohort-base.server";
import { decodeCohortBase } from "~/domain/analytics/cohort-base";
import { refreshAnalytics } from "~/analytics/snapshot.server";
import { segmentCsv } from "~/analytics/segments.server";
import { cohortFilterKey } from "~/analytics/cohorts-query";
import { DEFAULT_SEGMENT_THRESHOLDS, type AcquisitionFilters } from "~/domain/analytics";
import { loader as cohortsLoader } from "~/routes/app.cohorts";
import { loader as cohortsCsv } from "~/routes/app.cohorts[.csv]";
import { loader as cellLoader } from "~/routes/app.cohorts_.cell";
import { loader as segmentsLoader } from "~/routes/app.segments";
import { loader as segmentsCsv } from "~/routes/app.segments[.csv]";
import { loader as ltvCacLoader } from "~/routes/app.ltv-cac";
import { loader as ltvCacCsv } from "~/routes/app.ltv-cac[.csv]";
import { adminRequest } from "../support/auth";
import { resetDb } from "../support/db";
import { AS_OF, customer, seedAnalyticsStore, SHOP } from "./fixture";

const url = (path: string) => `https://margin-ltv.test${path}`;
const call = async <T,>(loader: (args: LoaderFunctionArgs) => Promise<T>, path: string) =>
  loader({ request: await adminRequest(url(path), SHOP), params: {}, context: {} });
const csvOf = async (response: Response) => parse(await response.text()) as string[][];

beforeAll(async () => {
  await resetDb();
  await seedAnalyticsStore();
  await saveAnalyticsSettings(db, SHOP, { thresholds: { ...DEFAULT_SEGMENT_THRESHOLDS, minSegmentCustomers: 1 }, vertical: "apparel" });
  await refreshAnalytics(db, SHOP, { asOf: AS_OF });
});

describe("Cohorts loader", () => {
  it("shows every hand-computed cell, blanks past today and the weighted average", async () => {
    const data = await call(cohortsLoader, "/app/cohorts");
    const table = data.table!;
    expect(data.freshness).toMatchObject({ stale: false, recomputing: false });
    expect(table.rows.map((r) => [r.cohort, r.size])).toEqual([["2026-01", 2], ["2026-02", 1], ["2026-03", 1]]);
    const jan = table.rows[0].cells;
    const per = (k: number) => jan[k] && [jan[k]!.perCustomer.revenue, jan[k]!.perCustomer.grossMargin, jan[k]!.perCustomer.contributionMargin, jan[k]!.retentionBps];
    expect([0, 1].map(per)).toEqual([[8600, 4100, 3100, 0], [8600, 4100, 3100, 0]]);
    expect([2, 3, 4].map(per)).toEqual(Array(3).fill([6800, 2300, 1300, 0]));
    expect([5, 6, 7].map(per)).toEqual(Array(3).fill([9300, 3550, 2050, 5000]));
    expect(jan.slice(8).every((c) => c === null)).toBe(true);
    expect(table.rows[1].cells.slice(0, 7).map((c) => c!.perCustomer.contributionMargin)).toEqual(Array(7).fill(2000));
    expect(table.rows[1].cells[7]).toBeNull();
    expect(table.rows[2].cells.slice(0, 6).map((c) => c!.perCustomer.contributionMargin)).toEqual(Array(6).fill(-1000));
    // Average month 0: (6200 + 2000 - 1000) / 4 customers = 1800; month 6: Jan + Feb only = (4100 + 2000) / 3 = 2033.33
    expect(table.average.cells[0]!.perCustomer.contributionMargin).toBe(1800);
    expect(table.average.cells[6]).toMatchObject({ customers: 3, cohorts: 2 });
    expect(table.average.cells[6]!.perCustomer.contributionMargin).toBe(2033);
    expect(table.average.cells[7]).toMatchObject({ customers: 2, cohorts: 1 });
    // The guest order is in no cohort.
    expect(table.unattributed.revenue).toBe(3000);
    // 30-day horizon of January: C1 4000 + C2 2200 (refund is 37 days later) = 3100 per customer; 180 days: both refunds and C1's repeat (146 days).
    expect(table.rows[0].horizons[0]!.perCustomer.contributionMargin).toBe(3100);
    expect(table.rows[0].horizons[2]!.perCustomer.contributionMargin).toBe(2050);
  });

  it("filters by channel, discount code, country, product and tag", async () => {
    const sizes = async (search: string) => (await call(cohortsLoader, `/app/cohorts?${search}`)).table!.rows.map((r) => [r.cohort, r.size]);
    expect(await sizes("channel=pos")).toEqual([["2026-02", 1]]);
    expect(await sizes("code=any")).toEqual([["2026-01", 1], ["2026-03", 1]]);
    expect(await sizes("code=none")).toEqual([["2026-01", 1], ["2026-02", 1]]);
    expect(await sizes("code=welcome10")).toEqual([["2026-01", 1]]);
    expect(await sizes("country=ca")).toEqual([["2026-02", 1]]);
    expect(await sizes(`product=${encodeURIComponent("gid://shopify/Product/7")}`)).toEqual([["2026-01", 1], ["2026-02", 1]]);
    expect(await sizes("tag=WHOLESALE")).toEqual([["2026-01", 1]]);
    const filtered = await call(cohortsLoader, "/app/cohorts?code=any&metric=revenue");
    expect(filtered.metric).toBe("revenue");
    expect(filtered.table!.rows[0].cells[2]!.perCustomer.revenue).toBe(3600);
    // A bad parameter is dropped, not an error.
    expect((await sizes("country=not-a-country")).length).toBe(3);
  });

  it("serves single-filter choices from rows the refresh stored, and computes a combined filter on request", async () => {
    const stored = async (filters: AcquisitionFilters) =>
      (await db.analyticsSnapshot.findUnique({ where: { shopId_view: { shopId: SHOP, view: cohortFilterKey(filters) } } }))?.payload ?? null;
    await refreshAnalytics(db, SHOP, { asOf: AS_OF }); // replaces every stored row: what follows was written by it
    const pos = await stored({ channel: "pos" });
    expect(pos).not.toBeNull();
    expect(JSON.parse(pos!)).toEqual((await call(cohortsLoader, "/app/cohorts?channel=pos")).table);
    for (const filters of [{ discountCode: "any" }, { discountCode: "none" }, { discountCode: { code: "WELCOME10" } }, { country: "CA" },
      { tag: "wholesale" }] as AcquisitionFilters[]) {
      expect(await stored(filters)).not.toBeNull();
    }
    expect(JSON.parse((await stored({ tag: "wholesale" }))!)).toEqual((await call(cohortsLoader, "/app/cohorts?tag=WHOLESALE")).table);
    const combined: AcquisitionFilters = { channel: "web", tag: "wholesale" };
    expect(await stored(combined)).toBeNull();
    const page = await call(cohortsLoader, "/app/cohorts?channel=web&tag=WHOLESALE");
    expect(page.table!.rows.map((r) => [r.cohort, r.size])).toEqual([["2026-01", 1]]);
    expect(JSON.parse((await stored(combined))!)).toEqual(page.table);
  });

  it("tabulates a combined filter from the refresh's stored cohort base, and from the ledger when there is none", async () => {
    await refreshAnalytics(db, SHOP, { asOf: AS_OF });
    const stored = await db.cohortBase.findUnique({ where: { shopId: SHOP } });
    expect(stored!.data.length).toBeGreaterThan(0);
    const combined = "/app/cohorts?code=any&country=us";
    // Without the stored base, the ledger is read again: that table is the reference.
    await db.cohortBase.deleteMany({ where: { shopId: SHOP } });
    const fromLedger = (await call(cohortsLoader, combined)).table!;
    expect(fromLedger.rows.map((r) => [r.cohort, r.size])).toEqual([["2026-01", 1]]);

    // With it, the ledger is not read: hide the value events (the stamp does not move) and ask again.
    await refreshAnalytics(db, SHOP, { asOf: AS_OF });
    const events = await db.valueEvent.findMany({ where: { shopId: SHOP } });
    await db.valueEvent.deleteMany({ where: { shopId: SHOP } });
    try {
      expect((await call(cohortsLoader, combined)).table).toEqual(fromLedger);
      expect((await call(cohortsLoader, "/app/cohorts?channel=pos&country=ca")).table!.rows.map((r) => [r.cohort, r.size])).toEqual([["2026-02", 1]]);
    } finally {
      await db.valueEvent.createMany({ data: events });
    }
  });

  it("decodes the stored cohort base once per refresh in a process, and again once a refresh replaced it", async () => {
    const first = await readCohortBase(db, SHOP);
    expect(await readCohortBase(db, SHOP)).toBe(first);
    await refreshAnalytics(db, SHOP, { asOf: AS_OF });
    const next = await readCohortBase(db, SHOP);
    expect(next).not.toBe(first);
    expect(next!.base.firstDay).toEqual(first!.base.firstDay);
    await db.cohortBase.deleteMany({ where: { shopId: SHOP } });
    expect(await readCohortBase(db, SHOP)).toBeNull();
    await refreshAnalytics(db, SHOP, { asOf: AS_OF });
  });

  it("hands the base a refresh just wrote to its own process, decoded from the stored bytes", async () => {
    await refreshAnalytics(db, SHOP, { asOf: AS_OF });
    const primed = await readCohortBase(db, SHOP);
    // Not read from the row: bytes that no longer decode, under the same computedAt, do not matter.
    const row = await db.cohortBase.findUniqueOrThrow({ where: { shopId: SHOP } });
    await db.cohortBase.update({ where: { shopId: SHOP }, data: { data: new Uint8Array([1, 2, 3]) } });
    expect(await readCohortBase(db, SHOP)).toBe(primed);
    expect(primed!.base).toEqual(decodeCohortBase(row.data));
    expect(primed!.asOf.getTime()).toBe(row.asOf.getTime());
    // A row written elsewhere (another computedAt) is read and decoded: bytes that do not decode are refused,
    await db.cohortBase.update({ where: { shopId: SHOP }, data: { computedAt: new Date(row.computedAt.getTime() + 1) } });
    await expect(readCohortBase(db, SHOP)).rejects.toThrow();
    // and the stored bytes give the base the refresh handed over.
    await db.cohortBase.update({ where: { shopId: SHOP }, data: { data: row.data, computedAt: new Date(row.computedAt.getTime() + 2) } });
    const read = await readCohortBase(db, SHOP);
    expect(read).not.toBe(primed);
    expect(read!.base).toEqual(primed!.base);
    await refreshAnalytics(db, SHOP, { asOf: AS_OF });
  });

  it("opens the customers and events behind a cell", async () => {
    const data = await call(cellLoader, "/app/cohorts/cell?cohort=2026-01&month=2");
    expect(data.cell).toMatchObject({ customers: 2, total: { revenue: 13600, grossMargin: 4600, contributionMargin: 2600 } });
    expect(data.customers.map((c) => c.id).sort()).toEqual([customer(1), customer(2)]);
    expect(data.events.map((e) => [e.orderId, e.kind, e.month, e.contributionMargin])).toEqual([
      ["gid://shopify/Order/1", "order", 0, 4000], ["gid://shopify/Order/3", "order", 0, 2200], ["gid://shopify/Order/3", "refund", 2, -3600],
    ]);
  });

  it("downloads the page's numbers as CSV", async () => {
    const page = await call(cohortsLoader, "/app/cohorts?metric=gross");
    const csv = await csvOf(await call(cohortsCsv, "/app/cohorts.csv?metric=gross"));
    expect(csv[0].slice(0, 3)).toEqual(["cohort", "customers", "month_0_USD"]);
    expect(csv.length).toBe(page.table!.rows.length + 2);
    page.table!.rows.forEach((row, i) => {
      expect(csv[i + 1][0]).toBe(row.cohort);
      row.cells.forEach((c, k) => expect(csv[i + 1][2 + k]).toBe(c ? (c.perCustomer.grossMargin / 100).toFixed(2) : ""));
    });
    expect(csv[1].slice(2, 4)).toEqual(["41.00", "41.00"]);
    expect(csv[csv.length - 1][0]).toBe("weighted average");
  });
});

describe("Segments loader", () => {
  it("highlights the segment that looks valuable on revenue but not on margin, with its reason", async () => {
    const data = await call(segmentsLoader, "/app/segments");
    const table = data.table!;
    expect(table.total).toMatchObject({ customers: 4, revenue: 34600, contributionMargin: 5100 });
    const country = table.groups.find((g) => g.dimension === "country")!;
    expect(country.segments.map((s) => [s.key, s.customers, s.revenueLtv, s.cmLtv, s.revenueRank, s.marginRank])).toEqual([
      ["US", 2, 9300, 2050, 2, 1], ["CA", 1, 6000, 2000, 3, 2], ["GB", 1, 10000, -1000, 1, 3],
    ]);
    const gb = country.segments.find((s) => s.key === "GB")!;
    expect(gb.highlight).toBe("Ranks 1st of 3 on revenue per customer but 3rd on margin: discounts take 50% of list price.");
    expect(table.highlights.map((h) => `${h.dimension}:${h.key}`)).toContain("country:GB");
  });

  it("downloads the page's numbers as CSV", async () => {
    const page = await call(segmentsLoader, "/app/segments");
    const csv = await csvOf(await call(segmentsCsv, "/app/segments.csv"));
    const rows = [page.table!.total, ...page.table!.groups.flatMap((g) => g.segments)];
    expect(csv.length).toBe(rows.length + 1);
    rows.forEach((s, i) => {
      expect(csv[i + 1][1]).toBe(s.label);
      expect(csv[i + 1][8]).toBe(s.cmLtv === null ? "" : (s.cmLtv / 100).toFixed(2));
      expect(csv[i + 1][14]).toBe(s.highlight ?? "");
    });
  });
});

describe("Segments CSV with predictions", () => {
  it("adds the predicted CM-LTV, its interval's ends and the date it runs to; blank where a row has none", async () => {
    const { table } = await call(segmentsLoader, "/app/segments");
    const predictions = {
      status: "ready" as const, horizonEnd: "2027-07-31", level: 0.8, intervalMessage: null,
      rows: { all: { key: "all", customers: 4, nonPositiveMarginCustomers: 1, observedToDate: 1275, estimate: 2140, lower: 1990, upper: 2305 } },
    };
    const { header, rows } = segmentCsv(table!, { currency: "USD", currencyDigits: 2 }, predictions);
    expect(header.slice(15)).toEqual(["predicted_cm_ltv_USD", "predicted_lower_80_USD", "predicted_upper_80_USD", "predicted_to"]);
    expect(rows[0].slice(15)).toEqual(["21.40", "19.90", "23.05", "2027-07-31"]);
    expect(rows[1].slice(15)).toEqual(["", "", "", ""]);
    expect(segmentCsv(table!, { currency: "USD", currencyDigits: 2 }, { status: "unavailable", message: "no" }).header.length).toBe(15);
  });
});

describe("LTV:CAC loader", () => {
  it("bands CM-LTV:CAC per channel at the chosen horizon, beside revenue LTV:CAC", async () => {
    const data = await call(ltvCacLoader, "/app/ltv-cac?horizon=3");
    const rows = Object.fromEntries(data.report!.rows.map((r) => [r.channel ?? "all", r]));
    // web: January (C1, C2) CM by month 2 = 2600 on 10.00 spend; March (C5) -1000 with no spend -> 1600 / 1000.
    expect(rows.web).toMatchObject({ customers: 3, spend: 1000, cmLtv: 533, cmLtvToCac: { x100: 160, band: "fragile" }, revenueLtvToCac: { x100: 2360 } });
    // pos: February (C3) 2000 on 30.00 spend.
    expect(rows.pos).toMatchObject({ customers: 1, spend: 3000, cac: 3000, cmLtvToCac: { x100: 67, band: "losing_money" }, paybackMonth: null });
    expect(rows.all).toMatchObject({ customers: 4, spend: 4000, cmLtvToCac: { x100: 90, band: "losing_money" } });
    expect(rows.web.paybackMonth).toBe(0);
    expect(data.report!.benchmark?.vertical.vertical).toBe("apparel");
    expect(data.report!.cac.find((r) => r.month === "2026-01" && r.channel === "web")).toMatchObject({ spend: 1000, newCustomers: 2, cac: 500 });
  });

  it("downloads the page's numbers as CSV", async () => {
    const page = await call(ltvCacLoader, "/app/ltv-cac?horizon=3");
    const csv = await csvOf(await call(ltvCacCsv, "/app/ltv-cac.csv?horizon=3&table=ltv"));
    page.report!.rows.forEach((r, i) => {
      expect(csv[i + 1][0]).toBe(r.channel ?? "all channels");
      expect(csv[i + 1][8]).toBe(r.cmLtvToCac ? (r.cmLtvToCac.x100 / 100).toFixed(2) : "");
      expect(csv[i + 1][9]).toBe(r.cmLtvToCac?.band ?? "");
    });
  });

  it("has an empty state without marketing spend", async () => {
    await db.marketingSpend.deleteMany({ where: { shopId: SHOP } });
    await refreshAnalytics(db, SHOP, { asOf: AS_OF });
    const data = await call(ltvCacLoader, "/app/ltv-cac");
    expect(data.spendRows).toBe(0);
  });
});
