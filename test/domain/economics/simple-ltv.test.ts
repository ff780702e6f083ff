import { describe, expect, it } from "vitest";
import { LTV_CAC_BANDS, ltvCacBand, simpleLtv, toWholeUnits } from "~/domain/economics/simple-ltv";
import { VERTICAL_BENCHMARKS } from "~/domain/economics/vertical-benchmarks";
import { computeOrderMargin } from "~/domain/economics/margin";
import { parseCostConfig } from "~/domain/economics/cost-config";
import { LATER, makeOrder, V1 } from "./fixtures";

/** The seed's apparel store: €70 AOV, 38% CM, 2.4 orders a year, 45% retention, €90 CAC. */
const seedExample = {
  averageOrderValue: 7000,
  contributionMarginBps: 3800,
  ordersPerYear: 2.4,
  annualRetentionBps: 4500,
  customerAcquisitionCost: 9000,
};

describe("the seed's worked example", () => {
  const result = simpleLtv(seedExample);

  it("reproduces CM per order and lifespan", () => {
    expect(result.contributionMarginPerOrder).toBe(2660); // 70 x 38% = €26.60
    expect(result.ordersPerYearX10000).toBe(24_000);
    expect(result.lifespanYearsX100).toBe(182); // 1 / 0.55 = 1.8181... shown and used as 1.82
  });

  it("reproduces CM-LTV €116 and revenue LTV €306", () => {
    expect(result.cmLtv).toBe(11_619); // 26.60 x 2.4 x 1.82 = 116.1888 -> €116.19
    expect(result.revenueLtv).toBe(30_576); // 70 x 2.4 x 1.82 = €305.76 exactly
    expect(toWholeUnits(result.cmLtv, 2)).toBe(116);
    expect(toWholeUnits(result.revenueLtv, 2)).toBe(306); // not 305: 70 x 2.4 / 0.55 = 305.45 would be
  });

  it("reproduces LTV:CAC 1.3x on margin and 3.4x on revenue", () => {
    expect(result.cmLtvToCac).toEqual({ x100: 129, display: "1.3x", band: "fragile" }); // 116.19 / 90 = 1.291
    expect(result.revenueLtvToCac).toEqual({ x100: 340, display: "3.4x" }); // 305.76 / 90 = 3.397
  });

  it("takes orders per year as an exact decimal string too", () => {
    expect(simpleLtv({ ...seedExample, ordersPerYear: "2.4" })).toEqual(result);
  });

  it("is reached from an order's margin breakdown: a €70 order at 38% contribution margin", () => {
    // COGS 24.50, fee 2% of 70.00 = 1.40, fulfilment 4.00 + 2.00, shipping 7.00, one contact at 4.50:
    // 70.00 - 24.50 - 1.40 - 6.00 - 7.00 - 4.50 = 26.60.
    const costs = parseCostConfig({
      currency: "EUR",
      variantCosts: [{ variantId: V1, unitCost: 2450, validFrom: "2026-01-01" }],
      fulfilment: [{ perOrder: 400, perItem: 200, validFrom: "2026-01-01" }],
      shipping: [{ method: "flat_per_order", perOrder: 700, validFrom: "2026-01-01" }],
      paymentFees: [{ gateways: [], fallback: { percentBps: 200, fixedPerOrder: 0 }, validFrom: "2026-01-01" }],
      service: [{ perContact: 450, validFrom: "2026-01-01" }],
    });
    const order = makeOrder({
      processedAt: "2026-02-10T12:00:00Z", currency: "EUR", gateways: ["manual"],
      lines: [{ variantId: V1, quantity: 1, unitPrice: 7000 }],
    });
    const margin = computeOrderMargin(order, costs, { ...LATER, serviceContacts: 1 });
    expect(margin.contributionMargin).toBe(2660);
    expect(margin.contributionMarginBps).toBe(3800);
    const ltv = simpleLtv({ ...seedExample, contributionMarginBps: margin.contributionMarginBps ?? 0 });
    expect(toWholeUnits(ltv.cmLtv, 2)).toBe(116);
  });
});

describe("simpleLtv edges", () => {
  it("gives no ratio without a CAC", () => {
    const result = simpleLtv({ ...seedExample, customerAcquisitionCost: undefined });
    expect(result.cmLtvToCac).toBeNull();
    expect(result.revenueLtvToCac).toBeNull();
  });

  it("shows losing orders as a negative CM-LTV", () => {
    const result = simpleLtv({ ...seedExample, contributionMarginBps: -1000 });
    expect(result.contributionMarginPerOrder).toBe(-700);
    expect(result.cmLtv).toBe(-3058); // -7.00 x 2.4 x 1.82 = -30.576 -> -30.58
    expect(result.cmLtvToCac).toMatchObject({ display: "-0.3x", band: "losing_money" });
  });

  it("refuses inputs the formula cannot take", () => {
    expect(() => simpleLtv({ ...seedExample, annualRetentionBps: 10_000 })).toThrow(/annualRetentionBps/);
    expect(() => simpleLtv({ ...seedExample, ordersPerYear: "2.41234" })).toThrow(/ordersPerYear/);
    expect(() => simpleLtv({ ...seedExample, ordersPerYear: -1 })).toThrow(/ordersPerYear/);
    expect(() => simpleLtv({ ...seedExample, averageOrderValue: 70.5 })).toThrow(/averageOrderValue/);
    expect(() => simpleLtv({ ...seedExample, contributionMarginBps: 38.5 })).toThrow(/contributionMarginBps/);
  });
});

describe("LTV:CAC bands", () => {
  it("follows the seed's thresholds, deciding boundaries on the exact ratio", () => {
    const cac = 10_000;
    expect(ltvCacBand(9_999, cac)).toBe("losing_money");
    expect(ltvCacBand(10_000, cac)).toBe("fragile");
    expect(ltvCacBand(19_999, cac)).toBe("fragile");
    expect(ltvCacBand(20_000, cac)).toBe("below_target");
    expect(ltvCacBand(24_999, cac)).toBe("below_target");
    expect(ltvCacBand(25_000, cac)).toBe("healthy");
    expect(ltvCacBand(30_000, cac)).toBe("healthy");
    expect(ltvCacBand(30_001, cac)).toBe("strong");
    expect(ltvCacBand(40_000, cac)).toBe("strong");
    expect(ltvCacBand(40_001, cac)).toBe("under_investing");
    // 1.999... rounds to "2.0x" for display but stays fragile: 2 x 3 = 6 > 5.9997.
    expect(ltvCacBand(59_997, 30_000)).toBe("fragile");
  });

  it("documents every band", () => {
    expect(LTV_CAC_BANDS.map((band) => band.band)).toEqual(
      ["losing_money", "fragile", "below_target", "healthy", "strong", "under_investing"]);
  });
});

describe("vertical benchmarks", () => {
  it("holds the seed's table", () => {
    expect(VERTICAL_BENCHMARKS).toHaveLength(6);
    expect(VERTICAL_BENCHMARKS[0]).toEqual({
      vertical: "apparel", label: "Apparel (Shopify)",
      grossMarginBps: { min: 5500, max: 6500 }, contributionMarginBps: { min: 3000, max: 4000 },
      cmLtv: { min: 9000, max: 16_000 }, cmLtvCurrency: "EUR",
    });
    const electronics = VERTICAL_BENCHMARKS.find((row) => row.vertical === "consumer_electronics");
    expect(electronics?.contributionMarginBps).toEqual({ min: 1200, max: 2200 });
    expect(VERTICAL_BENCHMARKS.find((row) => row.vertical === "supplements_subscription")?.cmLtv).toEqual({ min: 22_000, max: 45_000 });
  });

  it("places the worked example inside the apparel CM-LTV range", () => {
    const apparel = VERTICAL_BENCHMARKS[0];
    const { cmLtv } = simpleLtv(seedExample);
    expect(cmLtv).toBeGreaterThanOrEqual(apparel.cmLtv.min);
    expect(cmLtv).toBeLessThanOrEqual(apparel.cmLtv.max);
  });
});
