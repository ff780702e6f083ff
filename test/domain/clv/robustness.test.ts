/** Fits never hang or return NaN: every degenerate input gives a flagged result or a typed error. */
import { describe, expect, it } from "vitest";
import { conditionalExpectedPurchases, fitBgNbd, probabilityAlive, type BgNbdFit } from "~/domain/clv/bgnbd";
import { ModelFitError } from "~/domain/clv/errors";
import { fitGammaGamma, type GammaGammaFit } from "~/domain/clv/gamma-gamma";
import { simulateCustomers } from "~/domain/clv/simulate";
import * as bgnbdModule from "~/domain/clv/bgnbd";
import { hyp2f1 } from "~/domain/clv/hypergeometric";
import { loadCdnowSummary } from "./cdnow";

const customers = loadCdnowSummary();
const mle = { r: 0.242593, alpha: 4.413532, a: 0.792885, b: 2.425749 };

function expectFinite(fit: BgNbdFit | GammaGammaFit): void {
  expect(Object.values(fit.params).every(Number.isFinite)).toBe(true);
  expect(Number.isFinite(fit.logLikelihood)).toBe(true);
  expect(Number.isFinite(fit.gradientNorm)).toBe(true);
  expect(fit.iterations).toBeGreaterThan(0);
  expect(fit.message.length).toBeGreaterThan(0);
}

function expectMle(fit: BgNbdFit): void {
  expect(fit.converged).toBe(true);
  expect(fit.params.r).toBeCloseTo(mle.r, 5);
  expect(fit.params.alpha).toBeCloseTo(mle.alpha, 4);
  expect(fit.params.a).toBeCloseTo(mle.a, 4);
  expect(fit.params.b).toBeCloseTo(mle.b, 4);
}

describe("BG/NBD fitting robustness", () => {
  it.each([
    { r: 1e-8, alpha: 1e8, a: 1e5, b: 1e-5 },
    { r: 1e6, alpha: 1e-6, a: 1e-6, b: 1e6 }, // alone, this start ends on a flat ridge (a → 0, b → ∞)
    { r: Number.NaN, alpha: -1, a: 0, b: Infinity }, // unusable: ignored
  ])("reaches the CDNOW maximum from a bad start %o", (initial) => {
    expectMle(fitBgNbd(customers, { initial }));
  });

  it("gives a typed error when nobody made a repeat purchase", () => {
    const oneTimers = customers.map((c) => ({ frequency: 0, recency: 0, T: c.T }));
    expect(() => fitBgNbd(oneTimers)).toThrow(ModelFitError);
    expect(() => fitBgNbd(oneTimers)).toThrow(expect.objectContaining({ code: "no-repeat-purchases", message: expect.stringMatching(/2357 customers have frequency 0/) }));
    expect(() => fitBgNbd([])).toThrow(expect.objectContaining({ code: "empty-input" }));
    expect(() => fitBgNbd([{ frequency: 2, recency: 1, T: 5, count: 0 }])).toThrow(expect.objectContaining({ code: "empty-input" }));
  });

  it("rejects invalid rows with their index", () => {
    const bad = [
      { frequency: Number.NaN, recency: 0, T: 1 },
      { frequency: 1.5, recency: 0, T: 1 },
      { frequency: -1, recency: 0, T: 1 },
      { frequency: 1, recency: 2, T: 1 },
      { frequency: 0, recency: 0.5, T: 1 },
      { frequency: 1, recency: 0.5, T: 1, count: -1 },
    ];
    for (const row of bad) {
      expect(() => fitBgNbd([customers[0], row])).toThrow(expect.objectContaining({ code: "invalid-input", message: expect.stringMatching(/^row 1 /) }));
    }
  });

  it("returns a flagged, finite result for a single customer (the model is not identified)", () => {
    const fit = fitBgNbd([{ frequency: 2, recency: 30.43, T: 38.86 }]);
    expectFinite(fit);
    expect(fit.converged).toBe(false);
    expect(fit.standardErrors).toBeNull();
    expect(fit.message).toMatch(/not identif|boundary|not positive definite/);
  });

  it("flags a parameter running to the boundary (purchases at T = 0 make the likelihood unbounded)", () => {
    const fit = fitBgNbd([{ frequency: 1, recency: 0, T: 0 }]);
    expectFinite(fit);
    expect(fit).toMatchObject({ converged: false, atBoundary: true, standardErrors: null });
  });

  it("copes with x = 10,000 and extreme times without overflow", () => {
    const fit = fitBgNbd([...customers, { frequency: 10_000, recency: 38.5, T: 38.5 }, { frequency: 10_000, recency: 1e-3, T: 1e9 }]);
    expectFinite(fit);
    expect(fit.converged).toBe(true);
    const gone = { frequency: 10_000, recency: 1e-3, T: 1e9 };
    // Bought 10,000 times, the last at the end of calibration: alive unless they dropped out right then.
    const active = { frequency: 10_000, recency: 38.5, T: 38.5 };
    expect(probabilityAlive(fit.params, gone)).toBe(0);
    expect(conditionalExpectedPurchases(fit.params, 52, gone)).toBe(0);
    const alive = probabilityAlive(fit.params, active);
    expect(alive).toBeCloseTo(1 / (1 + fit.params.a / (fit.params.b + 10_000 - 1)), 12);
    expect(Number.isFinite(conditionalExpectedPurchases(fit.params, 52, active))).toBe(true);
    expect(conditionalExpectedPurchases(fit.params, 52, active)).toBeGreaterThan(1000);
  });

  it("respects the iteration cap and still ends at the maximum through the fallback", () => {
    const fit = fitBgNbd(customers, { maxIterations: 2 });
    expectFinite(fit);
    expect(fit.method).toBe("nelder-mead+bfgs");
    expect(fit.logLikelihood).toBeCloseTo(-9582.4256, 3);
  });

  it("recovers the parameters of simulated BG/NBD customers", () => {
    const truth = { r: 0.5, alpha: 8, a: 0.6, b: 3 };
    const simulated = simulateCustomers(truth, { customers: 20_000, seed: 3, minT: 26, maxT: 78, resolution: 1 / 7 });
    const fit = fitBgNbd(simulated);
    expect(fit.converged).toBe(true);
    expect(fit.uniqueRows).toBeLessThan(simulated.length); // a day grid makes rows repeat
    const se = fit.standardErrors;
    if (!se) throw new Error("no standard errors");
    for (const key of ["r", "alpha", "a", "b"] as const) {
      expect(Math.abs(fit.params[key] - truth[key])).toBeLessThan(4 * se[key]);
    }
  });
});

describe("Gamma-Gamma fitting robustness", () => {
  it("flags unidentified fits instead of returning NaN", () => {
    for (const rows of [[{ frequency: 3, monetaryValue: 20 }], Array.from({ length: 50 }, () => ({ frequency: 2, monetaryValue: 20 }))]) {
      const fit = fitGammaGamma(rows);
      expectFinite(fit);
      expect(fit.converged).toBe(false);
      expect(fit.standardErrors).toBeNull();
    }
  });

  it("copes with x = 10,000 and a large spend", () => {
    const fit = fitGammaGamma([...customers, { frequency: 10_000, monetaryValue: 1e6 }]);
    expectFinite(fit);
    expect(fit.converged).toBe(true);
  });

  it("recovers simulated spend parameters", () => {
    const truth = { p: 6, q: 4, v: 15 };
    const simulated = simulateCustomers(mle, { customers: 30_000, seed: 5, minT: 39, maxT: 78, spend: truth });
    const fit = fitGammaGamma(simulated);
    const se = fit.standardErrors;
    if (!se) throw new Error("no standard errors");
    for (const key of ["p", "q", "v"] as const) expect(Math.abs(fit.params[key] - truth[key])).toBeLessThan(4 * se[key]);
  });
});

describe("expected purchases when the dropout Beta is nearly degenerate (a, b ~ 1e6)", () => {
  const { expectedPurchasesIfAlive } = bgnbdModule;
  it("agrees with Euler's transformation where both series are summable", () => {
    const params = { r: 1.2, alpha: 8.9, a: 30, b: 100 };
    for (const [x, T, t] of [[0, 10, 4], [3, 40, 26], [12, 60, 52]]) {
      const c = params.a + params.b + x - 1;
      const z = t / (params.alpha + T + t);
      const pre = Math.pow((params.alpha + T) / (params.alpha + T + t), params.r + x);
      const euler = Math.pow(1 - z, params.a - 1 - params.r - x) * hyp2f1(params.a + params.b - 1 - params.r, params.a - 1, c, z);
      const reference = (c / (params.a - 1)) * (1 - pre * euler);
      expect(expectedPurchasesIfAlive(params, t, { frequency: x, T })).toBeCloseTo(reference, 10);
    }
  });

  it("answers in milliseconds where the transformed series would need millions of terms", () => {
    // A fit on a simulated store whose customers all drop out with probability 0.25 gave these.
    const params = { r: 1.2082, alpha: 8.882, a: 2_466_362, b: 9_123_018 };
    const started = performance.now();
    const values = [0, 2, 10].map((x) => conditionalExpectedPurchases(params, 52, { frequency: x, recency: x ? 30 : 0, T: 40 }));
    expect(performance.now() - started).toBeLessThan(200);
    // Near-constant dropout p = a/(a+b) ≈ 0.213: a new customer's 52-week expectation is finite and positive.
    for (const v of values) expect(v).toBeGreaterThan(0);
    for (const v of values) expect(v).toBeLessThan(52 / 7);
  });

  it("reduces to the no-dropout (NBD) expectation (r+x)·t/(α+T) when a → 0, quickly", () => {
    // UCI Online Retail calibrated to 2011-06-09 fits a ≈ 1.7e-8, b ≈ 1.8e6: nobody drops out.
    const params = { r: 0.7418, alpha: 8.737, a: 1.7e-8, b: 1_778_641 };
    const started = performance.now();
    for (const [x, tx, T] of [[0, 0, 17], [3, 10, 20], [40, 25, 26]]) {
      const value = conditionalExpectedPurchases(params, 26, { frequency: x, recency: tx, T });
      expect(value / (((params.r + x) * 26) / (params.alpha + T))).toBeCloseTo(1, 4);
    }
    expect(performance.now() - started).toBeLessThan(100);
  });
});
