import { describe, expect, it } from "vitest";
import type { ValueEvent } from "~/domain/value-events";
import { buildFormulaView, prepareAnalytics } from "~/domain/analytics";
import { ACQUISITIONS, AS_OF, CANCELLED, EVENTS, TZ } from "./store";

const ev = (customerId: string, orderId: string, at: string, revenue: number, cm: number, kind: "order" | "refund" = "order"): ValueEvent =>
  ({ customerId, orderId, kind, at: new Date(`${at}T12:00:00Z`), revenue, grossMargin: revenue, contributionMargin: cm });

/**
 * Three years, as of 2025-01-15 (UTC): "this year" = 2024-01..2024-12, "last year" = 2023-01..2023-12.
 *   P 2023-03-10, 2024-03-10, 2024-09-10 (10000 / 3000 each)   Q 2023-05-10 (10000 / 3000)
 *   R 2023-06-10, 2024-06-10 (8000 / 2000 each)                 S 2024-02-10 (6000 / 1000)
 *   T 2024-04-10 (6000 / 1000), refund 2024-05-01 (-2000 / -1500)
 */
const THREE_YEARS = [
  ev("P", "P1", "2023-03-10", 10000, 3000), ev("P", "P2", "2024-03-10", 10000, 3000), ev("P", "P3", "2024-09-10", 10000, 3000),
  ev("Q", "Q1", "2023-05-10", 10000, 3000),
  ev("R", "R1", "2023-06-10", 8000, 2000), ev("R", "R2", "2024-06-10", 8000, 2000),
  ev("S", "S1", "2024-02-10", 6000, 1000),
  ev("T", "T1", "2024-04-10", 6000, 1000), ev("T", "T1", "2024-05-01", -2000, -1500, "refund"),
];
const base = prepareAnalytics({ events: THREE_YEARS, acquisitions: [], timeZone: "UTC", asOf: new Date("2025-01-15T00:00:00Z"), cancelledOrderIds: new Set() });

describe("the simple model with the store's own inputs", () => {
  const view = buildFormulaView(base, { currency: "USD" });

  it("derives AOV, CM per order, orders per year and annual retention from the events", () => {
    // 8 purchases; revenue 30000+10000+16000+6000+4000 = 66000 -> AOV 8250; CM 9000+3000+4000+1000-500 = 16500 -> 2062.5 -> 2063; 25%
    // 2024: P (2), R, S, T active -> 5 purchases / 4 customers = 1.25 a year
    // 2023: P, Q, R active; P and R still active in 2024 -> 2/3 = 66.67% -> 6667 bps
    expect(view.inputs).toEqual({
      purchases: 8, averageOrderValue: 8250, contributionMarginPerOrder: 2063, contributionMarginBps: 2500,
      activeThisYear: 4, purchasesThisYear: 5, ordersPerYearX10000: 12_500,
      activeLastYear: 3, retainedIntoThisYear: 2, annualRetentionBps: 6667,
    });
  });

  it("runs simpleLtv: lifespan 1 / (1 - 0.6667) = 3.0003 -> 3.00 years", () => {
    // CM per order 8250 x 25% = 2062.5 -> 2063; CM-LTV 2063 x 1.25 x 3.00 = 7736.25 -> 7736; revenue 8250 x 1.25 x 3 = 30937.5 -> 30938
    expect(view.model).toMatchObject({ contributionMarginPerOrder: 2063, lifespanYearsX100: 300, cmLtv: 7736, revenueLtv: 30938 });
  });

  it("sets it next to the observed 12-month cohort CM-LTV and explains the gap", () => {
    // Cohorts with month 11 ended by 2025-01: 2023-03 (P), 2023-05 (Q), 2023-06 (R); S's 2024-02 cohort ends month 11 in 2025-01.
    // First 12 months: P 3000 (P2 is month 12), Q 3000, R 2000 (R2 is month 12) -> 8000 / 3 = 2666.67 -> 2667; 1 purchase each
    expect(view.observed12Months).toEqual({
      months: 12, cohorts: 3, customers: 3, cmLtv: 2667, revenueLtv: 9333, ordersPerCustomerX10000: 10_000, cmPerOrder: 2667,
    });
    expect(view.observed24Months).toBeNull();
    // First year of the model: 2063 x 1.25 = 2578.75 -> 2579; after it: 7736 - 2579 = 5157
    expect(view.gap).toEqual({
      amount: 7736 - 2667,
      explanation: "The simple model gives $77.36 per customer ($20.63 per order × 1.25 orders a year × 3.00 years); " +
        "cohorts with 12 complete months returned $26.67 per customer in their first 12 months (3 cohorts, 3 customers). " +
        "It assumes 1.25 orders a year, the rate of customers active in the last 12 months; a new customer placed 1.00 orders in their first 12 months, because many never order again. " +
        "$51.57 of the model's value comes after the first year and assumes 67% of customers keep buying every year for 3.00 years.",
    });
  });

  it("gives no gap when the model does not overstate", () => {
    // A store whose blended margin per order is tiny (Q loses money on every order) while P's first year was rich.
    const events = [
      ev("P", "P1", "2023-01-10", 10000, 9000), ev("P", "P2", "2023-12-20", 10000, 9000),
      ev("Q", "Q1", "2023-12-01", 10000, -8000), ev("Q", "Q2", "2024-12-01", 10000, -8000),
    ];
    const view2 = buildFormulaView(prepareAnalytics({ events, acquisitions: [], timeZone: "UTC", asOf: new Date("2025-01-15T00:00:00Z"), cancelledOrderIds: new Set() }), { currency: "USD" });
    // CM per order (18000 - 16000) / 4 = 500 -> 5%; this year: Q 1 order; retention Q only of P, Q = 50% -> 2 years; model 500 x 1 x 2 = 1000
    // observed: P's 2023-01 cohort (month 11 = 2023-12) 18000; Q's 2023-12 cohort (month 11 = 2024-11) -8000 -> 10000 / 2 = 5000
    expect(view2.model?.cmLtv).toBe(1000);
    expect(view2.observed12Months?.cmLtv).toBe(5000);
    expect(view2.gap).toBeNull();
  });

  it("says what is missing on a young store", () => {
    const young = buildFormulaView(prepareAnalytics({ events: EVENTS, acquisitions: ACQUISITIONS, timeZone: TZ, asOf: AS_OF, cancelledOrderIds: CANCELLED }), { currency: "USD" });
    expect([young.inputs, young.model, young.observed12Months, young.gap]).toEqual([null, null, null, null]);
    expect(young.notes).toEqual([
      "Annual retention needs customers buying in the 12 complete months before the last 12.",
      "No cohort has 12 complete months yet.",
    ]);
  });
});
