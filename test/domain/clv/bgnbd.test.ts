/**
 * BG/NBD on the CDNOW 1/10th sample (weeks, calibration end 1997-09-30) against the published and
 * recomputed values in ../shared/data/REFERENCES.md §1, each at its stated tolerance or tighter.
 */
import { describe, expect, it } from "vitest";
import {
  bgnbdLogLikelihood,
  conditionalExpectedPurchases,
  expectedPurchasesNewCustomer,
  fitBgNbd,
  probabilityAlive,
  probabilityOfPurchases,
} from "~/domain/clv/bgnbd";
import { summarizeTransactions } from "~/domain/clv/summary";
import { loadCdnowSummary, loadCdnowTransactions } from "./cdnow";

const customers = loadCdnowSummary();
const fit = fitBgNbd(customers);
const published = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe("BG/NBD fit on CDNOW", () => {
  it("reproduces the maximum-likelihood estimates (FHL05 / lifetimes)", () => {
    expect(fit.converged).toBe(true);
    expect(fit.method).toBe("bfgs");
    expect(fit.customers).toBe(2357);
    expect(Math.abs(fit.params.r - 0.2426)).toBeLessThan(1e-3);
    expect(Math.abs(fit.params.alpha - 4.4135)).toBeLessThan(1e-3);
    expect(Math.abs(fit.params.a - 0.7929)).toBeLessThan(1e-3);
    expect(Math.abs(fit.params.b - 2.4257)).toBeLessThan(1e-3);
    expect(Math.abs(fit.logLikelihood - -9582.43)).toBeLessThan(0.01);
    // The independent recomputation (R) to 1e-5: r 0.242593, α 4.413532, a 0.792885, b 2.425749.
    expect(Math.abs(fit.params.r - 0.242593)).toBeLessThan(1e-5);
    expect(Math.abs(fit.params.alpha - 4.413532)).toBeLessThan(1e-5);
    expect(Math.abs(fit.params.a - 0.792885)).toBeLessThan(1e-5);
    expect(Math.abs(fit.params.b - 2.425749)).toBeLessThan(1e-5);
    expect(Math.abs(fit.logLikelihood - -9582.4256)).toBeLessThan(1e-4);
  });

  it("gives lifetimes' standard errors (observed information)", () => {
    const se = fit.standardErrors;
    expect(se).not.toBeNull();
    expect(se?.r).toBeCloseTo(0.012557, 5);
    expect(se?.alpha).toBeCloseTo(0.378221, 4);
    expect(se?.a).toBeCloseTo(0.185719, 4);
    expect(se?.b).toBeCloseTo(0.705345, 4);
  });

  it("has the published log-likelihood at the published 3-dp values", () => {
    expect(bgnbdLogLikelihood(published, customers)).toBeCloseTo(-9582.427, 3);
  });

  it("gives the same estimates from the raw transactions as from lifetimes' rounded summary", () => {
    const raw = summarizeTransactions(loadCdnowTransactions(), { calibrationEnd: "1997-09-30", timeUnit: "weeks" });
    const rawFit = fitBgNbd(raw);
    expect(Math.abs(rawFit.params.r - 0.2426)).toBeLessThan(1e-3);
    expect(Math.abs(rawFit.params.alpha - 4.4135)).toBeLessThan(1e-3);
    expect(Math.abs(rawFit.params.a - 0.7929)).toBeLessThan(1e-3);
    expect(Math.abs(rawFit.params.b - 2.4257)).toBeLessThan(1e-3);
    expect(Math.abs(rawFit.logLikelihood - -9582.43)).toBeLessThan(0.01);
  });

  it("fits the same on grouped rows with counts", () => {
    const counts = new Map<string, { frequency: number; recency: number; T: number; count: number }>();
    for (const c of customers) {
      const key = `${c.frequency}|${c.recency}|${c.T}`;
      const row = counts.get(key) ?? { frequency: c.frequency, recency: c.recency, T: c.T, count: 0 };
      row.count++;
      counts.set(key, row);
    }
    const grouped = fitBgNbd([...counts.values()]);
    expect(grouped.uniqueRows).toBe(fit.uniqueRows);
    expect(grouped.params.r).toBeCloseTo(fit.params.r, 8);
    expect(grouped.logLikelihood).toBeCloseTo(fit.logLikelihood, 6);
  });
});

describe("BG/NBD predictions at the CDNOW estimates", () => {
  const p = fit.params;
  const byId = new Map(customers.map((c) => [c.customerId, c]));
  const customer = (id: string) => {
    const c = byId.get(id);
    if (!c) throw new Error(`no customer ${id}`);
    return c;
  };

  it("customer 1 expects 1.226 purchases in the next 39 weeks (Hardie's sheet)", () => {
    expect(Math.abs(conditionalExpectedPurchases(p, 39, customer("1")) - 1.226)).toBeLessThan(1e-3);
    expect(Math.abs(conditionalExpectedPurchases(published, 39, customer("1")) - 1.226)).toBeLessThan(1e-3);
  });

  it.each([
    [0.1429, 0.0078, 0.00782],
    [1, 0.0532, 0.05318],
    [3, 0.1506, 0.15063],
    [31.8571, 1.0405, 1.04049],
    [32, 1.0437, 1.04374],
    [78, 1.8576, 1.85797],
  ])("E[X(%s)] for a new customer is %s (3 dp) / %s (R)", (t, lifetimesValue, recomputed) => {
    const e = expectedPurchasesNewCustomer(p, t);
    expect(Math.abs(e - lifetimesValue)).toBeLessThan(1e-3);
    expect(Math.abs(e - recomputed)).toBeLessThan(1e-5);
  });

  it("ranks the top 5 for next week as lifetimes' docs do", () => {
    const top = customers
      .map((c) => ({ id: c.customerId, e: conditionalExpectedPurchases(p, 1, c) }))
      .sort((x, y) => y.e - x.e)
      .slice(0, 5);
    expect(top.map((t) => t.id)).toEqual(["1516", "157", "1981", "841", "509"]);
    const expected = [0.710623, 0.662396, 0.486526, 0.474738, 0.424877];
    top.forEach((t, i) => expect(Math.abs(t.e - expected[i])).toBeLessThan(1e-6));
  });

  it("P(alive) and 39-week expectations for customers 1-10, and the 39-week total", () => {
    const ids = Array.from({ length: 10 }, (_, i) => String(i + 1));
    const alive = [0.7266, 0.2122, 1, 1, 1, 0.6418, 0.3149, 1, 0.7848, 1];
    const next39 = [1.2259, 0.2033, 0.1948, 0.1948, 0.1948, 3.3372, 0.3016, 0.1948, 1.3241, 0.1948];
    ids.forEach((id, i) => {
      expect(Math.abs(probabilityAlive(p, customer(id)) - alive[i])).toBeLessThan(5e-5);
      expect(Math.abs(conditionalExpectedPurchases(p, 39, customer(id)) - next39[i])).toBeLessThan(5e-5);
    });
    const total = customers.reduce((s, c) => s + conditionalExpectedPurchases(p, 39, c), 0);
    expect(Math.abs(total - 1653.42)).toBeLessThan(5e-3);
  });

  it("P(X(t) = n) matches BTYD at the published parameters (1e-4, and 1e-5 relative here)", () => {
    const cases: [number, number, number][] = [
      [2, 10, 1.07869e-7],
      [39, 0, 0.5737864],
      ...[0.0019995214, 0.0015170236, 0.001163315, 0.0009003148, 0.0007023638, 0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.000222226].map(
        (v, i): [number, number, number] => [30, 11 + i, v],
      ),
    ];
    for (const [t, n, want] of cases) {
      const got = probabilityOfPurchases(published, t, n);
      expect(Math.abs(got - want)).toBeLessThan(1e-4);
      expect(Math.abs(got - want) / want).toBeLessThan(1e-5);
    }
    // The probabilities over n sum to 1.
    let sum = 0;
    for (let n = 0; n < 400; n++) sum += probabilityOfPurchases(published, 30, n);
    expect(sum).toBeCloseTo(1, 8);
  });
});
