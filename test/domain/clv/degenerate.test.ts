/**
 * Histories without heterogeneity: every customer has the same dropout probability (BG/NBD a, b → ∞
 * with a/(a+b) fixed) and the same spend rate (Gamma-Gamma q, v → ∞ with q/v fixed). The likelihood
 * then rises towards that limit and the plain search wanders along a flat ridge; the fits switch to
 * the limit model. Compared here with the plain search (`limitCheck: false`) on the same rows.
 */
import { describe, expect, it } from "vitest";
import { bgnbdLogLikelihood, conditionalExpectedPurchases, fitBgNbd, LIMIT_CONCENTRATION, probabilityAlive } from "~/domain/clv/bgnbd";
import { aggregateClvInterval, unitsPerMonth } from "~/domain/clv/clv";
import { conditionalExpectedAverageSpend, fitGammaGamma, gammaGammaLogLikelihood, LIMIT_SHAPE } from "~/domain/clv/gamma-gamma";
import { projectGroups, type GroupedCustomer } from "~/domain/clv/projection";
import { simulateCustomers } from "~/domain/clv/simulate";
import { loadCdnowSummary } from "./cdnow";

// Dropout probability 0.05 and spend rate 0.05 (mean spend p/ν = 60) for everyone.
const rows = simulateCustomers(
  { r: 2, alpha: 20, a: 0.05e9, b: 0.95e9 },
  { customers: 20_000, seed: 7, minT: 26, maxT: 104, resolution: 1 / 7, spend: { p: 3, q: 1e9, v: 2e10 } },
);
const spenders = rows.filter((c) => c.frequency > 0);
const fast = fitBgNbd(rows);
const slow = fitBgNbd(rows, { limitCheck: false });
const fastGg = fitGammaGamma(spenders);
const slowGg = fitGammaGamma(spenders, { limitCheck: false });
const relative = (u: number, v: number) => Math.abs(u - v) / Math.abs(v);
// Out at a + b ~ 1e8 (or q ~ 1e7) the plain search's log-likelihood has rounding noise of this order
// (differences of log-Beta or log-Gamma values ~1e8 in size): it can even look a little better.
const NOISE = 1e-7;

describe("BG/NBD without dropout heterogeneity", () => {
  it("stops at the limit within a bounded number of evaluations", () => {
    expect(fast.homogeneousDropout).toBe(true);
    expect(fast.converged).toBe(true);
    expect(fast.atBoundary).toBe(false);
    expect(fast.message).toMatch(/a and b diverge together/);
    expect(fast.evaluations).toBeLessThanOrEqual(60);
    expect(slow.homogeneousDropout).toBe(false);
    expect(slow.evaluations).toBeGreaterThan(fast.evaluations);
    expect(fast.params.a + fast.params.b).toBeCloseTo(LIMIT_CONCENTRATION, -1);
    expect(fast.params.a / (fast.params.a + fast.params.b)).toBeCloseTo(0.05, 2);
  });

  it("is the maximum: the likelihood rises towards the limit, and no lower than the plain search's", () => {
    const mu = fast.params.a / (fast.params.a + fast.params.b);
    const at = (kappa: number) => bgnbdLogLikelihood({ ...fast.params, a: mu * kappa, b: (1 - mu) * kappa }, rows);
    expect(at(100)).toBeLessThan(at(1e3));
    expect(at(1e3)).toBeLessThan(at(1e5));
    expect(at(1e5)).toBeLessThan(fast.logLikelihood);
    expect(relative(fast.logLikelihood, slow.logLikelihood)).toBeLessThan(NOISE);
  });

  it("gives the plain search's estimates and predictions (1e-4 on parameters, 1e-5 on the portfolio)", () => {
    const dropout = (p: typeof fast.params) => p.a / (p.a + p.b);
    expect(relative(fast.params.r, slow.params.r)).toBeLessThan(1e-4);
    expect(relative(fast.params.alpha, slow.params.alpha)).toBeLessThan(1e-4);
    expect(relative(dropout(fast.params), dropout(slow.params))).toBeLessThan(1e-4);
    const total = (p: typeof fast.params) => rows.reduce((s, c) => s + conditionalExpectedPurchases(p, 52, c), 0);
    expect(relative(total(fast.params), total(slow.params))).toBeLessThan(1e-5);
    const worstAlive = rows.reduce((m, c) => Math.max(m, Math.abs(probabilityAlive(fast.params, c) - probabilityAlive(slow.params, c))), 0);
    expect(worstAlive).toBeLessThan(1e-5);
  });

  it("keeps a covariance for r, α and the dropout probability, singular along a + b", () => {
    const se = fast.standardErrors!;
    expect(relative(se.r, slow.standardErrors!.r)).toBeLessThan(0.01);
    expect(relative(se.alpha, slow.standardErrors!.alpha)).toBeLessThan(0.01);
    // a + b is held fixed: log a and log b move with the dropout probability only, in opposite directions.
    const cov = fast.logCovariance!;
    const mu = fast.params.a / (fast.params.a + fast.params.b);
    expect(cov[2][3] / cov[2][2]).toBeCloseTo(-mu / (1 - mu), 8);
    expect(cov[3][3] / cov[2][2]).toBeCloseTo((mu / (1 - mu)) ** 2, 8);
    expect(se.a).toBeCloseTo(se.b, 6);
    expect(se.a / fast.params.a).toBeGreaterThan(0.001);
    expect(se.a / fast.params.a).toBeLessThan(0.1);
  });
});

describe("Gamma-Gamma without spend heterogeneity", () => {
  it("stops at the limit, no worse than the plain search, with the same expected spend (1e-5)", () => {
    expect(fastGg.homogeneousSpend).toBe(true);
    expect(fastGg.converged).toBe(true);
    expect(fastGg.params.q).toBe(LIMIT_SHAPE);
    expect(fastGg.evaluations).toBeLessThan(slowGg.evaluations);
    expect(fastGg.evaluations).toBeLessThanOrEqual(50);
    expect(fastGg.params.p).toBeCloseTo(3, 1);
    expect(fastGg.params.q / fastGg.params.v).toBeCloseTo(0.05, 3);
    const nu = fastGg.params.q / fastGg.params.v;
    const at = (q: number) => gammaGammaLogLikelihood({ p: fastGg.params.p, q, v: q / nu }, spenders);
    expect(at(10)).toBeLessThan(at(1e3));
    expect(at(1e3)).toBeLessThan(at(1e5));
    expect(at(1e5)).toBeLessThan(fastGg.logLikelihood);
    expect(relative(fastGg.logLikelihood, slowGg.logLikelihood)).toBeLessThan(NOISE);
    const worst = spenders.reduce(
      (m, c) => Math.max(m, relative(conditionalExpectedAverageSpend(fastGg.params, c), conditionalExpectedAverageSpend(slowGg.params, c))), 0);
    expect(worst).toBeLessThan(1e-5);
    const se = fastGg.standardErrors!;
    expect(se.p / fastGg.params.p).toBeGreaterThan(0.001);
    expect(se.p / fastGg.params.p).toBeLessThan(0.1);
    expect(se.q).toBe(0);
    // The plain search's Hessian out at q ~ 1e7 is rounding noise: it ends without a covariance.
    expect(slowGg.logCovariance).toBeNull();
  });
});

describe("projections from limit fits", () => {
  it("have a delta-method interval (the plain fits have none here) and parameter draws that work", () => {
    const customers: GroupedCustomer[] = rows.map((c, i) => ({ ...c, group: i % 2 === 0 ? "even" : "odd" }));
    const horizons = [13, 52];
    const fastResult = projectGroups(fast, fastGg, customers, { horizons });
    const slowResult = projectGroups(slow, slowGg, customers, { horizons });
    expect(fastResult.intervalMessage).toBeNull();
    expect(slowResult.intervalMessage).not.toBeNull();
    fastResult.groups.forEach((group, g) => {
      group.points.forEach((point, k) => {
        expect(relative(point.estimate, slowResult.groups[g].points[k].estimate)).toBeLessThan(1e-5);
        // 10,000 customers per group: the expected value is pinned down to about a percent.
        expect(point.standardError! / point.estimate).toBeGreaterThan(0.001);
        expect(point.standardError! / point.estimate).toBeLessThan(0.05);
        expect(point.lower).toBeLessThan(point.estimate);
      });
    });
    const interval = aggregateClvInterval(fast, fastGg, rows.slice(0, 2000), {
      months: 12, monthlyDiscountRate: 0.01, unitsPerMonth: unitsPerMonth("weeks"), draws: 20, seed: 1, level: 0.8,
    });
    expect(interval.lower).toBeLessThan(interval.estimate);
    expect(interval.upper).toBeGreaterThan(interval.estimate);
  });
});

describe("well-posed histories", () => {
  it("never switch to a limit: CDNOW fits exactly as the plain search does", () => {
    const cdnow = loadCdnowSummary();
    const bg = fitBgNbd(cdnow);
    expect(bg.homogeneousDropout).toBe(false);
    expect(bg.params).toEqual(fitBgNbd(cdnow, { limitCheck: false }).params);
    const gg = fitGammaGamma(cdnow);
    expect(gg.homogeneousSpend).toBe(false);
    expect(gg.params).toEqual(fitGammaGamma(cdnow, { limitCheck: false }).params);
  });
});
