import { describe, expect, it } from "vitest";
import { fitShopModel, prepareCohortProjection, projectCohorts } from "~/domain/clv/cohort-projection";
import { purchaseHistories } from "~/domain/clv/histories";
import { ModelFitError } from "~/domain/clv/errors";
import { projectGroups } from "~/domain/clv/projection";
import { summarizeTransactions } from "~/domain/clv/summary";
import { purchasesFromEvents } from "~/domain/clv/transactions";
import { fitBgNbd } from "~/domain/clv/bgnbd";
import { fitGammaGamma } from "~/domain/clv/gamma-gamma";
import { createRng } from "~/domain/clv/random";
import type { ValueEvent } from "~/domain/value-events";

const DAY = 86_400_000;
const asOf = new Date("2026-03-15T12:00:00Z"); // calibration end 2026-03-14 (UTC), current month 2026-03
const start = Date.parse("2025-01-01T10:00:00Z");

/** 600 customers acquired over 14 months, each with their own purchase rate, dropout and margin per order. */
function store(): ValueEvent[] {
  const rng = createRng(11);
  const events: ValueEvent[] = [];
  for (let i = 0; i < 600; i++) {
    let t = start + Math.floor(rng.uniform() * 430) * DAY;
    let n = 0;
    const customerId = `gid://shopify/Customer/${i + 1}`;
    // Customers differ in how often they buy, how soon they leave and how much they leave per order.
    const meanGap = 15 + 120 * rng.uniform() ** 2;
    const dropout = 0.05 + 0.6 * rng.uniform();
    const typical = 300 + 3000 * rng.uniform();
    while (t < asOf.getTime() + 60 * DAY) {
      const margin = Math.round(typical * (0.5 + rng.uniform()));
      events.push({ customerId, orderId: `gid://shopify/Order/${i}-${n++}`, kind: "order", at: new Date(t), revenue: 3 * margin, grossMargin: 2 * margin, contributionMargin: margin });
      if (rng.uniform() < dropout) break;
      t += Math.ceil(rng.exponential(1 / meanGap)) * DAY;
    }
  }
  return events;
}

describe("projectCohorts", () => {
  const events = store();
  // A refund in the past counts in the observed margin; a guest order never does.
  events.push({ customerId: "gid://shopify/Customer/1", orderId: "gid://shopify/Order/0-0", kind: "refund", at: new Date("2026-02-01T00:00:00Z"), revenue: -300, grossMargin: -200, contributionMargin: -100 });
  events.push({ customerId: null, orderId: "gid://shopify/Order/guest", kind: "order", at: new Date("2025-06-01T00:00:00Z"), revenue: 9000, grossMargin: 9000, contributionMargin: 9000 });
  const input = { events, cancelledOrderIds: new Set<string>(), timeZone: "UTC", asOf };
  const result = projectCohorts(input, { horizonMonths: 4 });

  it("projects each cohort from the current month on, starting from what the cohort has earned so far", () => {
    expect(result.calibrationEnd).toBe("2026-03-14");
    expect(result.level).toBe(0.8);
    const jan = result.cohorts.find((c) => c.cohort === "2025-01")!;
    // Columns of calendar months 2026-03 .. 2026-06 for a 2025-01 cohort: 14 .. 17.
    expect(jan.cells.map((c) => c.month)).toEqual([14, 15, 16, 17]);
    const firstDay = new Map<string, number>();
    for (const e of events) if (e.customerId && e.kind === "order") firstDay.set(e.customerId, Math.min(firstDay.get(e.customerId) ?? Infinity, e.at.getTime()));
    const members = [...firstDay].filter(([, t]) => t >= Date.parse("2025-01-01") && t < Date.parse("2025-02-01") && t < Date.parse("2026-03-15")).map(([id]) => id);
    expect(jan.customers).toBe(members.length);
    const earned = events.filter((e) => e.customerId && members.includes(e.customerId) && e.at.getTime() < Date.parse("2026-03-15"))
      .reduce((s, e) => s + e.contributionMargin, 0);
    expect(jan.observedToDate).toBe(Math.round(earned / members.length));
  });

  it("adds the model's expected margin to the end of each month, cumulative, inside its interval", () => {
    const purchases = purchasesFromEvents(events, new Set());
    const summaries = summarizeTransactions(purchases, { calibrationEnd: "2026-03-14", timeUnit: "weeks" });
    const bg = fitBgNbd(summaries);
    const gg = fitGammaGamma(summaries.filter((s) => s.frequency > 0 && s.monetaryValue > 0));
    // 2026-03-31 is 17 days after the calibration end, 2026-04-30 47 days, ...
    const horizons = [17, 47, 78, 108].map((d) => d / 7);
    const expected = projectGroups(bg, gg, summaries.map((s) => ({ ...s, group: s.firstPurchase.slice(0, 7) })), { horizons });
    for (const cohort of result.cohorts) {
      const points = expected.groups.find((g) => g.group === cohort.cohort)!.points;
      cohort.cells.forEach((cell, j) => {
        expect(Math.abs(cell.estimate - (cohort.observedToDate + points[j].estimate))).toBeLessThanOrEqual(1);
        expect(cell.lower!).toBeLessThanOrEqual(cell.estimate);
        expect(cell.upper!).toBeGreaterThanOrEqual(cell.estimate);
        if (j > 0) expect(cell.estimate).toBeGreaterThanOrEqual(cohort.cells[j - 1].estimate);
      });
      expect(cohort.cells[3].estimate).toBeGreaterThan(cohort.observedToDate);
    }
    expect(result.model.bgnbd.params.r).toBeCloseTo(bg.params.r, 9);
    expect(result.model.customers).toBe(summaries.length);
  });

  it("the current month's cohort starts at column 0", () => {
    const march = result.cohorts.find((c) => c.cohort === "2026-03");
    if (march) expect(march.cells[0].month).toBe(0);
    expect(result.cohorts.every((c) => c.cells.every((cell) => cell.month >= 0))).toBe(true);
  });

  it("projects segment rows (overlapping, as segments are) to the end of the last month, leaving the cohorts as they were", () => {
    // Every customer in "all"; even ids in channel:even; ids divisible by 3 also in behaviour:third (overlaps with both).
    const keys = ["all", "channel:even", "behaviour:third"];
    const segments = { keys, byCustomer: new Map<string, number[]>() };
    for (let i = 1; i <= 600; i++) {
      const rows = [0];
      if (i % 2 === 0) rows.push(1);
      if (i % 3 === 0) rows.push(2);
      segments.byCustomer.set(`gid://shopify/Customer/${i}`, rows);
    }
    const keysOf = (customerId: string) => segments.byCustomer.get(customerId)!.map((row) => keys[row]);
    const withSegments = projectCohorts(input, { horizonMonths: 4, segments });
    expect(withSegments.cohorts).toEqual(result.cohorts);
    expect(result.segments).toEqual([]);
    expect(withSegments.segmentHorizonEnd).toBe("2026-06-30");
    expect(withSegments.segments.map((s) => s.key).sort()).toEqual(["all", "behaviour:third", "channel:even"]);

    const purchases = purchasesFromEvents(events, new Set());
    const summaries = summarizeTransactions(purchases, { calibrationEnd: "2026-03-14", timeUnit: "weeks" });
    const bg = fitBgNbd(summaries);
    const gg = fitGammaGamma(summaries.filter((s) => s.frequency > 0 && s.monetaryValue > 0));
    const toJune = 108 / 7; // 2026-06-30 is 108 days after the calibration end
    for (const key of ["all", "channel:even", "behaviour:third"]) {
      const members = summaries.filter((s) => keysOf(s.customerId).includes(key));
      const expected = projectGroups(bg, gg, members.map((s) => ({ ...s, group: key })), { horizons: [toJune] }).groups[0].points[0];
      const ids = new Set(members.map((s) => s.customerId));
      const earned = events.filter((e) => e.customerId && ids.has(e.customerId) && e.at.getTime() < Date.parse("2026-03-15"))
        .reduce((sum, e) => sum + e.contributionMargin, 0) / members.length;
      const row = withSegments.segments.find((s) => s.key === key)!;
      expect(row.customers).toBe(members.length);
      expect(row.observedToDate).toBe(Math.round(earned));
      expect(Math.abs(row.estimate - (earned + expected.estimate))).toBeLessThanOrEqual(0.5);
      expect(Math.abs(row.lower! - (earned + expected.lower!))).toBeLessThanOrEqual(0.5);
      expect(Math.abs(row.upper! - (earned + expected.upper!))).toBeLessThanOrEqual(0.5);
      expect(row.lower!).toBeLessThan(row.estimate);
    }
    // The store-wide row is every modelled customer; the overlapping rows are subsets.
    expect(withSegments.segments.find((s) => s.key === "all")!.customers).toBe(summaries.length);
    expect(withSegments.segments.find((s) => s.key === "channel:even")!.customers).toBeLessThan(summaries.length);
  });

  it("takes the segment rows by history index (the worker's form) with the same result as by customer id", () => {
    const keys = ["all", "channel:odd"];
    const byCustomer = new Map<string, number[]>();
    for (let i = 1; i <= 600; i++) byCustomer.set(`gid://shopify/Customer/${i}`, i % 2 ? [0, 1] : [0]);
    const histories = purchaseHistories(events, new Set(), input.timeZone);
    // Rows aligned to histories.customerIds, as segmentRowsToWire (app/analytics/input.server.ts) sends them.
    const start = new Int32Array(histories.customerIds.length + 1);
    const ids: number[] = [];
    histories.customerIds.forEach((id, c) => {
      ids.push(...(byCustomer.get(id) ?? []));
      start[c + 1] = ids.length;
    });
    const byId = projectCohorts(input, { horizonMonths: 4, histories, segments: { keys, byCustomer } });
    const byIndex = projectCohorts(input, { horizonMonths: 4, histories, segments: { keys, byHistory: { start, ids: Int32Array.from(ids) } } });
    expect(byIndex).toEqual(byId);
    expect(byIndex.segments.find((s) => s.key === "channel:odd")!.customers).toBe(300);
  });

  it("gives the same projection from a fit prepared ahead (the refresh worker's way), and refuses one prepared with other options", () => {
    const histories = purchaseHistories(events, new Set(), input.timeZone);
    const fit = fitShopModel(input, histories);
    const segments = { keys: ["all"], byCustomer: new Map(histories.customerIds.map((id) => [id, [0]])) };
    const prepared = prepareCohortProjection(fit, { horizonMonths: 4 });
    const ahead = projectCohorts(input, { horizonMonths: 4, histories, fit, prepared, segments });
    expect(ahead).toEqual(projectCohorts(input, { horizonMonths: 4, histories, fit, segments }));
    expect(ahead.cohorts[0].cells.length).toBeGreaterThan(0);
    // Twice from one preparation: nothing in it is used up.
    expect(projectCohorts(input, { horizonMonths: 4, histories, fit, prepared, segments })).toEqual(ahead);
    expect(() => projectCohorts(input, { horizonMonths: 6, histories, fit, prepared })).toThrow("the prepared projection is of other customers or options");
    expect(() => projectCohorts(input, { horizonMonths: 4, level: 0.9, histories, fit, prepared })).toThrow("the prepared projection is of other customers or options");
  });

  it("refuses a history of one-time buyers with a clear message", () => {
    const once = events.filter((e) => e.orderId.endsWith("-0"));
    expect(() => projectCohorts({ ...input, events: once })).toThrow(ModelFitError);
    expect(() => projectCohorts({ ...input, events: [] })).toThrow(/No customer has bought yet/);
    expect(() => projectCohorts(input, { horizonMonths: 0 })).toThrow(RangeError);
  });
});
