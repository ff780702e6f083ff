import { describe, expect, it } from "vitest";
import { conditionalExpectedPurchases, fitBgNbd } from "~/domain/clv/bgnbd";
import { aggregateClvInterval, customerLifetimeValue, discountedValue } from "~/domain/clv/clv";
import { conditionalExpectedAverageSpend, fitGammaGamma } from "~/domain/clv/gamma-gamma";
import { expectedMarginPerOrder, splitByMargin, valueCustomers, type MarginCustomer } from "~/domain/clv/margin";
import { loadCdnowSummary } from "./cdnow";

// CDNOW with margins: every 7th returning customer loses money on repeat orders, one breaks even.
const customers: MarginCustomer[] = loadCdnowSummary().map((c, i) =>
  c.frequency > 0 && i % 7 === 0 ? { ...c, monetaryValue: -c.monetaryValue / 4 } : c,
);
customers[1] = { ...customers[1], monetaryValue: 0 }; // customer 2: x = 1, exactly zero margin
const options = { months: 12, monthlyDiscountRate: 0.01, unitsPerMonth: 4.348 };

describe("non-positive-margin customers", () => {
  const split = splitByMargin(customers);
  const bg = fitBgNbd(customers);
  const gg = fitGammaGamma(split.modelled);

  it("splits them off (x > 0 and mean repeat margin <= 0) without losing anyone", () => {
    expect(split.modelled.length + split.nonPositiveMargin.length).toBe(customers.length);
    expect(split.nonPositiveMargin.every((c) => c.frequency > 0 && c.monetaryValue <= 0)).toBe(true);
    expect(split.modelled.every((c) => c.frequency === 0 || c.monetaryValue > 0)).toBe(true);
    expect(split.nonPositiveMargin.map((c) => c.customerId)).toContain("2");
    // x = 0 customers stay modelled: their expected margin is the population mean.
    expect(split.modelled.filter((c) => c.frequency === 0)).toHaveLength(1411);
    expect(() => fitGammaGamma(customers)).toThrow(/splitByMargin/);
  });

  it("values them at BG/NBD purchases times their own (non-positive) margin, as their own group", () => {
    const portfolio = valueCustomers(bg.params, gg.params, customers, options);
    expect(portfolio.modelled.length + portfolio.nonPositiveMargin.length).toBe(customers.length);
    expect(portfolio.nonPositiveMargin).toHaveLength(split.nonPositiveMargin.length);
    for (const v of portfolio.nonPositiveMargin) {
      const c = split.nonPositiveMargin.find((s) => s.customerId === v.customerId);
      if (!c) throw new Error("missing customer");
      expect(v.group).toBe("non-positive-margin");
      expect(v.expectedMarginPerOrder).toBe(c.monetaryValue);
      expect(v.clv).toBeLessThanOrEqual(0);
      expect(v.clv).toBeCloseTo(discountedValue(bg.params, c, c.monetaryValue, options), 10);
      expect(v.expectedPurchases).toBeCloseTo(conditionalExpectedPurchases(bg.params, 12 * 4.348, c), 10);
    }
    expect(portfolio.totals.nonPositiveMargin).toBeLessThan(0);
    expect(portfolio.totals.all).toBeCloseTo(portfolio.totals.modelled + portfolio.totals.nonPositiveMargin, 8);
    const returning = split.modelled.find((c) => c.frequency > 0);
    if (!returning) throw new Error("no returning modelled customer");
    const modelled = portfolio.modelled.find((v) => v.customerId === returning.customerId);
    expect(modelled?.expectedMarginPerOrder).toBeCloseTo(conditionalExpectedAverageSpend(gg.params, returning), 10);
    expect(portfolio.modelled.every((v) => v.clv > 0)).toBe(true);
  });

  it("applies the same rule in customerLifetimeValue and in intervals", () => {
    const loser = split.nonPositiveMargin[0];
    expect(expectedMarginPerOrder(gg.params, loser)).toBe(loser.monetaryValue);
    expect(customerLifetimeValue(bg.params, gg.params, loser, options)).toBeLessThanOrEqual(0);
    const interval = aggregateClvInterval(bg, gg, customers, { ...options, statistic: "sum", draws: 50 });
    expect(interval.estimate).toBeCloseTo(valueCustomers(bg.params, gg.params, customers, options).totals.all, 6);
  });
});
