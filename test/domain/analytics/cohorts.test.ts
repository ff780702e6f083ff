import { describe, expect, it } from "vitest";
import type { AnalyticsBase, CohortCell, CohortTable } from "~/domain/analytics";
import {
  buildCohortTable, buildCustomerFacts, buildFormulaView, buildLtvCacReport, buildSegmentTable, cellValue, cohortCellDetail, flagCustomers,
  localDayFunction, monthKey, monthOfDay, prepareAnalytics,
} from "~/domain/analytics";
import { ACQUISITIONS, AS_OF, CANCELLED, EVENTS, TZ } from "./store";

const base: AnalyticsBase = prepareAnalytics({ events: EVENTS, acquisitions: ACQUISITIONS, timeZone: TZ, asOf: AS_OF, cancelledOrderIds: CANCELLED });
const table: CohortTable = buildCohortTable(base);

const row = (t: CohortTable, cohort: string) => {
  const found = t.rows.find((r) => r.cohort === cohort);
  if (!found) throw new Error(`no cohort ${cohort}`);
  return found;
};
/** [revenue, gross margin, CM] per customer and retention bps of each cell; null for blank cells. */
const perCustomer = (cells: (CohortCell | null)[]) => cells.map((c) =>
  c && [c.perCustomer.revenue, c.perCustomer.grossMargin, c.perCustomer.contributionMargin, c.retentionBps]);

describe("preparing the events", () => {
  it("keeps guests, late events and customers without a purchase out of the customers", () => {
    expect(base.customerIds).toEqual(["A", "B", "D", "C", "F", "H", "I"]); // E only ever had a cancelled order
    expect(base.unattributed).toEqual({ events: 1, revenue: 9000, grossMargin: 5000, contributionMargin: 3000 }); // G
    expect(base.diagnostics).toEqual({
      eventsAfterAsOf: 1, // A's order of 09-01
      guestEvents: 1,
      customersWithoutPurchase: 1, eventsOfCustomersWithoutPurchase: 1, // E
      customersWithoutFacts: 1, // I
      factsFirstOrderMismatch: 1, // F: facts say F0, the cancelled order
      factsUnused: 1, // E's facts
    });
  });

  it("dates B's 23:30 local order of 31 January in January although UTC is already 1 February", () => {
    const toDay = localDayFunction(TZ);
    const instant = new Date("2025-02-01T04:30:00Z");
    expect(monthKey(monthOfDay(toDay(instant)))).toBe("2025-01");
    expect(monthKey(monthOfDay(localDayFunction("UTC")(instant)))).toBe("2025-02");
    expect(table.rows.map((r) => [r.cohort, r.size])).toEqual([
      ["2025-01", 2], // A, B
      ["2025-02", 2], // C, D
      ["2025-04", 1], // F (its cancelled March order does not acquire it)
      ["2025-07", 1], // H
      ["2025-08", 1], // I: the as-of month, no cell has ended
    ]);
  });

  it("moves B to February when the shop is in UTC", () => {
    const utc = buildCohortTable(prepareAnalytics({ events: EVENTS, acquisitions: ACQUISITIONS, timeZone: "UTC", asOf: AS_OF, cancelledOrderIds: CANCELLED }));
    expect(utc.rows.map((r) => [r.cohort, r.size])).toEqual([["2025-01", 1], ["2025-02", 3], ["2025-04", 1], ["2025-07", 1], ["2025-08", 1]]);
  });
});

describe("the cohort triangle, every cell by hand", () => {
  it("January: a refund in month 2, A's repeat in month 5, B's cancelled order costs but is no purchase", () => {
    // k0: A 10000/6000/4000 + B 8000/4000/2500 = 18000/10000/6500, per customer (2) 9000/5000/3250
    // k1: + B's cancelled order 0/0/-150 -> CM 6350 -> 3175
    // k2: + A's refund -3000/-1800/-2000 -> 15000/8200/4350 -> 7500/4100/2175 (k3, k4 the same)
    // k5: + A's June order 5000/3000/2000 -> 20000/11200/6350 -> 10000/5600/3175; A retained: 1 of 2 = 50%
    // k6 = July, the last ended month; k7 = August onwards: blank
    const jan = row(table, "2025-01");
    expect(perCustomer(jan.cells)).toEqual([
      [9000, 5000, 3250, 0], [9000, 5000, 3175, 0], [7500, 4100, 2175, 0], [7500, 4100, 2175, 0], [7500, 4100, 2175, 0],
      [10000, 5600, 3175, 5000], [10000, 5600, 3175, 5000], ...Array(18).fill(null),
    ]);
    expect(jan.cells[6]).toMatchObject({ total: { revenue: 20000, grossMargin: 11200, contributionMargin: 6350 }, customers: 2, purchases: 3, retained: 1 });
  });

  it("February: a same-day second order is no repeat, a later day in month 0 is", () => {
    // k0: C 8000/4800/2500 + D 8000/4000/1800 = 16000/8800/4300 -> 8000/4400/2150; D repeated on 02-25: 50%
    // k2: + C's April order 4000/2400/1500 -> 20000/11200/5800 -> 10000/5600/2900; C retained: 100%
    // k5 = July; k6 = August: blank
    const feb = row(table, "2025-02");
    expect(perCustomer(feb.cells)).toEqual([
      [8000, 4400, 2150, 5000], [8000, 4400, 2150, 5000], [10000, 5600, 2900, 10000], [10000, 5600, 2900, 10000],
      [10000, 5600, 2900, 10000], [10000, 5600, 2900, 10000], ...Array(19).fill(null),
    ]);
    expect(feb.cells[0]?.purchases).toBe(4); // C1, C2, D1, D2
  });

  it("April: a cancelled order before the first purchase folds into month 0", () => {
    // 7000/4200/3000 - 120 = 2880; months 0..3 (April..July)
    expect(perCustomer(row(table, "2025-04").cells)).toEqual([
      ...Array(4).fill([7000, 4200, 2880, 0]), ...Array(21).fill(null),
    ]);
  });

  it("July and August: cells of unfinished months are blank, not zero; August's refund is not shown", () => {
    expect(perCustomer(row(table, "2025-07").cells)).toEqual([[4000, 2000, 1200, 0], ...Array(24).fill(null)]);
    expect(row(table, "2025-08").cells).toEqual(Array(25).fill(null));
  });

  it("the weighted-average row divides the cohorts' totals by their sizes, month by month", () => {
    // k0: Jan 2 + Feb 2 + Apr 1 + Jul 1 = 6 customers; revenue 18000+16000+7000+4000 = 45000 -> 7500;
    //     GM 10000+8800+4200+2000 = 25000 -> 4166.67 -> 4167; CM 6500+4300+2880+1200 = 14880 -> 2480; retained 1/6 -> 1667 bps
    // k1: Jan, Feb, Apr = 5; revenue 41000 -> 8200; GM 23000 -> 4600; CM 6350+4300+2880 = 13530 -> 2706; retained 1/5
    // k2, k3: revenue 15000+20000+7000 = 42000 -> 8400; GM 8200+11200+4200 = 23600 -> 4720; CM 4350+5800+2880 = 13030 -> 2606; 2/5
    // k4: Jan, Feb = 4; revenue 35000 -> 8750; GM 19400 -> 4850; CM 10150 -> 2537.5 -> 2538 (half away from zero); 2/4
    // k5: revenue 40000 -> 10000; GM 22400 -> 5600; CM 12150 -> 3037.5 -> 3038; 3/4
    // k6: Jan alone: 10000/5600/3175; 1/2
    const avg = table.average.cells;
    expect(perCustomer(avg)).toEqual([
      [7500, 4167, 2480, 1667], [8200, 4600, 2706, 2000], [8400, 4720, 2606, 4000], [8400, 4720, 2606, 4000],
      [8750, 4850, 2538, 5000], [10000, 5600, 3038, 7500], [10000, 5600, 3175, 5000], ...Array(18).fill(null),
    ]);
    expect(avg.slice(0, 7).map((c) => [c?.cohorts, c?.customers])).toEqual([[4, 6], [3, 5], [3, 5], [3, 5], [2, 4], [2, 4], [1, 2]]);
    expect(avg[0]?.total.contributionMargin).toBe(14880);
  });

  it("reads a cell per metric for the heatmap switch", () => {
    const cell = row(table, "2025-01").cells[5]!;
    expect([cellValue(cell, "contributionMargin"), cellValue(cell, "revenue"), cellValue(cell, "grossMargin"), cellValue(cell, "retention")])
      .toEqual([3175, 10000, 5600, 5000]);
  });

  it("the guest's order is in no cohort", () => {
    const allCohortRevenue = table.rows.reduce((sum, r) => sum + (r.cells.findLast((c) => c !== null)?.total.revenue ?? 0), 0);
    expect(allCohortRevenue).toBe(20000 + 20000 + 7000 + 4000); // no 9000 from G
    expect(table.unattributed.revenue).toBe(9000);
  });
});

describe("fixed horizons (days since each customer's own first order)", () => {
  const values = (cells: CohortTable["average"]["horizons"]) => cells.map((h) => h && [h.perCustomer.revenue, h.perCustomer.contributionMargin]);

  it("per cohort, null until the youngest customer's window has passed", () => {
    // asOf day 2025-08-15. Jan: youngest B (01-31): 01-31 + 180 = 07-30 <= 08-15, + 365 no.
    //   30 days: A 10000/4000 + B 8000/(2500-150) -> 18000/6350 -> 9000/3175
    //   90 days: + A's refund on day 54 -> 15000/4350 -> 7500/2175
    //   180 days: + A's order on day 161 (01-10 -> 06-20) -> 20000/6350 -> 10000/3175
    expect(values(row(table, "2025-01").horizons)).toEqual([[9000, 3175], [7500, 2175], [10000, 3175], null]);
    // Feb: youngest C (02-14) + 180 = 08-13 <= 08-15. 30 days: 16000/4300; 90: + C3 on day 47 -> 20000/5800
    expect(values(row(table, "2025-02").horizons)).toEqual([[8000, 2150], [10000, 2900], [10000, 2900], null]);
    // Apr: F (04-02) + 90 = 07-01; + 180 = 09-29 > 08-15. The cancelled order 5 days before day 0 folds in.
    expect(values(row(table, "2025-04").horizons)).toEqual([[7000, 2880], [7000, 2880], null, null]);
    // Jul: H (07-10) + 30 = 08-09 <= 08-15: the window includes August's refund on day 24 -> 3000 / 500
    expect(values(row(table, "2025-07").horizons)).toEqual([[3000, 500], null, null, null]);
    expect(values(row(table, "2025-08").horizons)).toEqual([null, null, null, null]);
  });

  it("the average horizon row weights the cohorts that reached it by size", () => {
    // 30: 6 customers, revenue 18000+16000+7000+3000 = 44000 -> 7333; CM 6350+4300+2880+500 = 14030 -> 2338
    // 90: 5 customers, 42000 -> 8400; 4350+5800+2880 = 13030 -> 2606. 180: 4 customers, 40000 -> 10000; 12150 -> 3037.5 -> 3038
    expect(values(table.average.horizons)).toEqual([[7333, 2338], [8400, 2606], [10000, 3038], null]);
  });
});

describe("filters on acquisition facts", () => {
  const sizes = (filters: Parameters<typeof buildCohortTable>[1]) =>
    buildCohortTable(base, filters).rows.map((r) => `${r.cohort}:${r.size}`);

  it("by channel", () => {
    const t = buildCohortTable(base, { filters: { channel: "instagram" } });
    expect(t.rows.map((r) => `${r.cohort}:${r.size}`)).toEqual(["2025-01:1", "2025-04:1"]); // B, F
    expect(perCustomer(row(t, "2025-01").cells).slice(0, 2)).toEqual([[8000, 4000, 2500, 0], [8000, 4000, 2350, 0]]);
  });

  it("by first-order discount code: none, any, a code in any case", () => {
    expect(sizes({ filters: { discountCode: "none" } })).toEqual(["2025-01:1", "2025-04:1", "2025-07:1"]); // B, F, H (I has no facts)
    expect(sizes({ filters: { discountCode: "any" } })).toEqual(["2025-01:1", "2025-02:2"]); // A; C, D
    expect(sizes({ filters: { discountCode: { code: "Welcome10" } } })).toEqual(["2025-01:1", "2025-02:1"]); // A, C
  });

  it("by country, first product and tag", () => {
    expect(sizes({ filters: { country: "us" } })).toEqual(["2025-01:1", "2025-02:1", "2025-04:1", "2025-07:1"]); // A, C, F, H
    expect(sizes({ filters: { firstProductId: "P1" } })).toEqual(["2025-01:1", "2025-02:1", "2025-04:1"]); // A, D, F
    expect(sizes({ filters: { tag: "VIP" } })).toEqual(["2025-01:1", "2025-02:1"]); // A, C ("VIP " trimmed)
  });

  it("combined (all must match); the weighted row follows the filter", () => {
    const t = buildCohortTable(base, { filters: { channel: "web", discountCode: "any" } }); // A; C, D
    expect(t.rows.map((r) => `${r.cohort}:${r.size}`)).toEqual(["2025-01:1", "2025-02:2"]);
    // k0: A 4000 + (C 2500 + D 1800) = 8300 over 3 -> 2766.67 -> 2767
    expect(t.average.cells[0]?.perCustomer.contributionMargin).toBe(2767);
  });
});

describe("drill-down", () => {
  it("lists the customers and events behind a cell, adding up to it", () => {
    const detail = cohortCellDetail(base, "2025-01", 2);
    expect(detail.customerIds).toEqual(["A", "B"]);
    expect(detail.events.map((e) => `${e.event.orderId}/${e.event.kind}@${e.monthsSinceAcquisition}${e.event.kind === "order" && !e.purchase ? " (cancelled)" : ""}`))
      .toEqual(["A1/order@0", "B1/order@0", "B2/order@1 (cancelled)", "A1/refund@2"]);
    expect(detail.cell).toEqual(row(table, "2025-01").cells[2]);
    expect(detail.retainedCustomerIds).toEqual([]);
    expect(cohortCellDetail(base, "2025-01", 5).retainedCustomerIds).toEqual(["A"]);
  });

  it("gives no events for a blank cell, and follows filters", () => {
    const blank = cohortCellDetail(base, "2025-07", 1);
    expect([blank.cell, blank.customerIds, blank.events]).toEqual([null, ["H"], []]);
    const filtered = cohortCellDetail(base, "2025-02", 0, { filters: { country: "GB" } });
    expect(filtered.customerIds).toEqual(["D"]);
    expect(filtered.cell?.total.contributionMargin).toBe(1800);
  });
});

describe("edge cases", () => {
  it("gives the same table whatever the order of the events", () => {
    const reversed = prepareAnalytics({ events: [...EVENTS].reverse(), acquisitions: ACQUISITIONS, timeZone: TZ, asOf: AS_OF, cancelledOrderIds: CANCELLED });
    expect(buildCohortTable(reversed)).toEqual(table);
  });

  it("builds every view of an empty store", () => {
    const empty = prepareAnalytics({ events: [], acquisitions: [], timeZone: TZ, asOf: AS_OF, cancelledOrderIds: new Set() });
    expect(buildCohortTable(empty).rows).toEqual([]);
    expect(buildCohortTable(empty).average.cells.every((c) => c === null)).toBe(true);
    expect(buildFormulaView(empty, { currency: "USD" }).model).toBeNull();
    const facts = buildCustomerFacts(empty, []);
    expect(buildSegmentTable(facts).total.customers).toBe(0);
    expect(flagCustomers(facts, { currency: "USD" })).toEqual([]);
    expect(buildLtvCacReport(empty, { spend: [{ month: "2025-01", channel: "web", amount: 100 }], horizonMonths: 3, currency: "USD" }).rows[0])
      .toMatchObject({ customers: 0, spend: 100, cac: null, paybackMonth: null });
  });

  it("refuses amounts that are not whole minor units and unknown zones", () => {
    const bad = [{ ...EVENTS[0], revenue: 10.5 }];
    expect(() => prepareAnalytics({ events: bad, acquisitions: [], timeZone: TZ, asOf: AS_OF, cancelledOrderIds: new Set() })).toThrow(/whole minor units/);
    expect(() => prepareAnalytics({ events: EVENTS, acquisitions: [], timeZone: "Mars/Olympus", asOf: AS_OF, cancelledOrderIds: new Set() })).toThrow(RangeError);
  });
});
