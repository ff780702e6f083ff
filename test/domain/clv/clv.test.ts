import { describe, expect, it } from "vitest";
import { conditionalExpectedPurchases, fitBgNbd } from "~/domain/clv/bgnbd";
import { aggregateClvInterval, customerLifetimeValue, discountedValue, unitsPerMonth } from "~/domain/clv/clv";
import { ModelFitError } from "~/domain/clv/errors";
import { conditionalExpectedAverageSpend, fitGammaGamma } from "~/domain/clv/gamma-gamma";
import { loadCdnowSummary } from "./cdnow";

const customers = loadCdnowSummary();
const bg = fitBgNbd(customers);
const gg = fitGammaGamma(customers);

describe("discounted CLV", () => {
  it("reproduces lifetimes' documented customer_lifetime_value (its 30-unit 'month' on weekly data)", () => {
    // REFERENCES.md §4: a regression value for the formula, not a meaningful 12-month CLV.
    const documented = [140.096211, 18.943467, 38.180574, 38.180574, 38.180574, 1003.868107, 28.109683, 38.180574, 167.418216, 38.180574];
    const options = { months: 12, monthlyDiscountRate: 0.01, unitsPerMonth: 30 };
    customers.slice(0, 10).forEach((c, i) => {
      expect(Math.abs(customerLifetimeValue(bg.params, gg.params, c, options) - documented[i])).toBeLessThan(1e-4);
    });
  });

  it("is the sum of monthly increments of expected purchases, discounted, times expected margin", () => {
    const c = customers[0];
    const u = unitsPerMonth("weeks");
    expect(u).toBeCloseTo(365.25 / 12 / 7, 12);
    expect(unitsPerMonth("days")).toBe(30.4375);
    const spend = conditionalExpectedAverageSpend(gg.params, c);
    let byHand = 0;
    for (let i = 1; i <= 3; i++) {
      const increment = conditionalExpectedPurchases(bg.params, i * u, c) - conditionalExpectedPurchases(bg.params, (i - 1) * u, c);
      byHand += (increment * spend) / 1.02 ** i;
    }
    const options = { months: 3, monthlyDiscountRate: 0.02, unitsPerMonth: u };
    expect(customerLifetimeValue(bg.params, gg.params, c, options)).toBeCloseTo(byHand, 10);
    // Without discounting it is simply expected purchases over the horizon times the expected margin.
    const undiscounted = discountedValue(bg.params, c, spend, { ...options, monthlyDiscountRate: 0 });
    expect(undiscounted).toBeCloseTo(conditionalExpectedPurchases(bg.params, 3 * u, c) * spend, 10);
    expect(discountedValue(bg.params, c, spend, { ...options, months: 0 })).toBe(0);
  });

  it("rejects meaningless options", () => {
    const c = customers[0];
    expect(() => discountedValue(bg.params, c, 1, { months: 1.5, monthlyDiscountRate: 0, unitsPerMonth: 4 })).toThrow(RangeError);
    expect(() => discountedValue(bg.params, c, 1, { months: 12, monthlyDiscountRate: -1, unitsPerMonth: 4 })).toThrow(RangeError);
    expect(() => discountedValue(bg.params, c, 1, { months: 12, monthlyDiscountRate: 0.01, unitsPerMonth: 0 })).toThrow(RangeError);
  });
});

describe("interval for a cohort's mean CLV", () => {
  const options = { months: 12, monthlyDiscountRate: 0.01, unitsPerMonth: unitsPerMonth("weeks"), draws: 100 };
  const interval = aggregateClvInterval(bg, gg, customers, options);

  it("brackets the plug-in estimate and is deterministic for a seed", () => {
    const estimate = customers.reduce((s, c) => s + customerLifetimeValue(bg.params, gg.params, c, options), 0) / customers.length;
    expect(interval.estimate).toBeCloseTo(estimate, 8);
    expect(interval.lower).toBeLessThan(interval.estimate);
    expect(interval.upper).toBeGreaterThan(interval.estimate);
    expect(interval).toMatchObject({ level: 0.95, draws: 100, rejectedDraws: 0, method: "asymptotic-normal-parameter-draws" });
    // ~30.36 a customer with a ±5 % parameter uncertainty: the fit pins down the cohort mean well.
    expect(interval.estimate).toBeCloseTo(30.357, 2);
    expect(interval.standardDeviation / interval.estimate).toBeGreaterThan(0.02);
    expect(interval.standardDeviation / interval.estimate).toBeLessThan(0.1);
    expect(aggregateClvInterval(bg, gg, customers, options)).toEqual(interval);
    expect(aggregateClvInterval(bg, gg, customers, { ...options, seed: 2 }).lower).not.toBe(interval.lower);
  });

  it("scales to the sum and narrows with a lower level", () => {
    const sum = aggregateClvInterval(bg, gg, customers, { ...options, statistic: "sum" });
    expect(sum.estimate).toBeCloseTo(interval.estimate * customers.length, 6);
    expect(sum.lower).toBeCloseTo(interval.lower * customers.length, 6);
    const narrow = aggregateClvInterval(bg, gg, customers, { ...options, level: 0.5 });
    expect(narrow.upper - narrow.lower).toBeLessThan(interval.upper - interval.lower);
  });

  it("needs a covariance", () => {
    expect(() => aggregateClvInterval({ ...bg, logCovariance: null }, gg, customers, options)).toThrow(ModelFitError);
    expect(() => aggregateClvInterval(bg, gg, [], options)).toThrow(/no customers/);
  });
});
