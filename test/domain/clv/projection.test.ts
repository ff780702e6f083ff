import { describe, expect, it } from "vitest";
import { conditionalExpectedPurchases, fitBgNbd } from "~/domain/clv/bgnbd";
import { aggregateClvInterval, customerLifetimeValue, unitsPerMonth } from "~/domain/clv/clv";
import { fitGammaGamma } from "~/domain/clv/gamma-gamma";
import { expectedMarginPerOrder } from "~/domain/clv/margin";
import { projectGroups, type GroupedCustomer } from "~/domain/clv/projection";
import { loadCdnowSummary } from "./cdnow";

const summary = loadCdnowSummary();
const bg = fitBgNbd(summary);
const gg = fitGammaGamma(summary);
// Two groups by customer id parity, plus three customers who lose money on their repeat orders.
const customers: GroupedCustomer[] = summary.map((c, i) => ({ ...c, group: i % 2 === 0 ? "even" : "odd" }));
const losers: GroupedCustomer[] = [
  { frequency: 3, recency: 20, T: 30, monetaryValue: -12, group: "odd" },
  { frequency: 1, recency: 5, T: 38, monetaryValue: 0, group: "odd" },
  { frequency: 2, recency: 30, T: 31, monetaryValue: -4.5, group: "odd", count: 2 },
];

describe("projectGroups", () => {
  const horizons = [4, 13, 52];
  const all = [...customers, ...losers];
  const result = projectGroups(bg, gg, all, { horizons });

  it("is the mean of each customer's expected purchases times expected margin per order, per group and horizon", () => {
    for (const group of result.groups) {
      const members = all.filter((c) => c.group === group.group);
      const size = members.reduce((s, c) => s + (c.count ?? 1), 0);
      expect(group.customers).toBe(size);
      horizons.forEach((t, k) => {
        const expected = members.reduce(
          (s, c) => s + (c.count ?? 1) * conditionalExpectedPurchases(bg.params, t, c) * expectedMarginPerOrder(gg.params, c), 0) / size;
        expect(group.points[k].estimate).toBeCloseTo(expected, 9);
      });
    }
    // Longer horizons hold more purchases.
    const even = result.groups.find((g) => g.group === "even")!;
    expect(even.points[0].estimate).toBeLessThan(even.points[1].estimate);
    expect(even.points[1].estimate).toBeLessThan(even.points[2].estimate);
  });

  it("values a customer in several groups once in each, and a last-horizon-only group at the last horizon alone", () => {
    // Every customer also in "all"; the odd ones also in "odd-too". Same numbers as separate rows per group.
    const overlapping = all.map((c) => ({ ...c, group: [c.group as string, "all", ...(c.group === "odd" ? ["odd-too"] : [])] }));
    const separate = all.flatMap((c) => [c, { ...c, group: "all" }, ...(c.group === "odd" ? [{ ...c, group: "odd-too" }] : [])]);
    const lastOnly = (group: string) => group === "all" || group === "odd-too";
    const fast = projectGroups(bg, gg, overlapping, { horizons, lastHorizonOnly: lastOnly });
    const slow = projectGroups(bg, gg, separate, { horizons });
    expect(fast.groups.map((g) => [g.group, g.customers, g.nonPositiveMarginCustomers, g.points.length]))
      .toEqual([["even", 1179, 0, 3], ["all", 2361, 4, 1], ["odd", 1182, 4, 3], ["odd-too", 1182, 4, 1]]); // 2,357 CDNOW customers + 4 losers (one row counts 2)
    for (const group of fast.groups) {
      const reference = slow.groups.find((g) => g.group === group.group)!;
      const expected = lastOnly(group.group) ? reference.points.slice(-1) : reference.points;
      group.points.forEach((point, k) => {
        expect(point.estimate).toBeCloseTo(expected[k].estimate, 9);
        expect(point.standardError!).toBeCloseTo(expected[k].standardError!, 6);
      });
    }
    expect(fast.groups.find((g) => g.group === "odd-too")!.points[0].estimate).toBeCloseTo(result.groups.find((g) => g.group === "odd")!.points[2].estimate, 9);
  });

  it("keeps customers with non-positive margin per order in their group, at their own mean, and counts them", () => {
    const odd = result.groups.find((g) => g.group === "odd")!;
    const even = result.groups.find((g) => g.group === "even")!;
    expect(odd.nonPositiveMarginCustomers).toBe(4);
    expect(even.nonPositiveMarginCustomers).toBe(0);
    const withoutLosers = projectGroups(bg, gg, customers, { horizons }).groups.find((g) => g.group === "odd")!;
    // Losers pull the odd group's mean down: their expected margin is negative (or zero).
    expect(odd.points[2].estimate).toBeLessThan(withoutLosers.points[2].estimate);
  });

  it("gives an 80% interval around the estimate by default, narrower than 95%", () => {
    expect(result.level).toBe(0.8);
    expect(result.intervalMessage).toBeNull();
    for (const point of result.groups.flatMap((g) => g.points)) {
      expect(point.lower!).toBeLessThan(point.estimate);
      expect(point.upper!).toBeGreaterThan(point.estimate);
      expect(point.upper! - point.estimate).toBeCloseTo(1.2815515655446004 * point.standardError!, 9);
    }
    const wide = projectGroups(bg, gg, all, { horizons, level: 0.95 });
    expect(wide.groups[0].points[2].upper! - wide.groups[0].points[2].lower!)
      .toBeGreaterThan(result.groups[0].points[2].upper! - result.groups[0].points[2].lower!);
  });

  it("agrees with the parameter-draw interval of the discounted CLV (delta method vs. 400 draws)", () => {
    const discount = { months: 12, monthlyDiscountRate: 0.01, unitsPerMonth: unitsPerMonth("weeks") };
    const one = summary.map((c) => ({ ...c, group: "all" }));
    const delta = projectGroups(bg, gg, one, { horizons: [], discount }).groups[0].points[0];
    const estimate = summary.reduce((s, c) => s + customerLifetimeValue(bg.params, gg.params, c, discount), 0) / summary.length;
    expect(delta.estimate).toBeCloseTo(estimate, 9);
    const draws = aggregateClvInterval(bg, gg, summary, { ...discount, draws: 400, seed: 3 });
    // Both describe the spread of the mean CLV from parameter uncertainty; they agree to ~15% (400 draws estimate a standard deviation to ~4%).
    expect(delta.standardError! / draws.standardDeviation).toBeGreaterThan(0.85);
    expect(delta.standardError! / draws.standardDeviation).toBeLessThan(1.15);
  });

  it("says why there is no interval when a fit has no covariance, and still estimates", () => {
    const bare = projectGroups({ ...bg, logCovariance: null }, gg, customers, { horizons: [13] });
    expect(bare.intervalMessage).toMatch(/no interval/);
    expect(bare.groups[0].points[0]).toMatchObject({ lower: null, upper: null, standardError: null });
    expect(bare.groups[0].points[0].estimate).toBeCloseTo(result.groups.find((g) => g.group === bare.groups[0].group)!.points[1].estimate, 0);
  });

  it("rejects bad options and empty input", () => {
    expect(() => projectGroups(bg, gg, customers, { horizons: [13], level: 0.5 })).toThrow(/level/);
    expect(() => projectGroups(bg, gg, customers, { horizons: [-1] })).toThrow(/horizons/);
    expect(() => projectGroups(bg, gg, customers, { horizons: [] })).toThrow(/horizon/);
    expect(() => projectGroups(bg, gg, [], { horizons: [13] })).toThrow(/no customers/);
  });
});
