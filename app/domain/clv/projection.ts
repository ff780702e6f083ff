/**
 * Expected future margin per customer of groups of customers (acquisition cohorts, segments), at
 * several horizons, with an interval: what the Cohorts page draws beyond each cohort's observed months.
 *
 * Value of a customer at horizon t (model time units after the calibration end):
 *   P(alive | x, t_x, T) · E[purchases in (0, t] | x, T, alive] · E[margin per order]
 * undiscounted (cumulative cells are undiscounted sums of margin, so the projection is too), or with
 * `discount` the discounted sum of lifetimes' convention (discount.ts) over its months.
 * E[margin per order] follows margin.ts: Gamma-Gamma for modelled customers, the customer's own mean
 * for customers whose repeat orders lose money (counted per group, never dropped).
 *
 * Interval: delta method on the parameter covariance. The group mean f(θ) is a smooth function of the
 * seven log-parameters; with the two fits independent, Var f ≈ g_bgᵀ Σ_bg g_bg + g_ggᵀ Σ_gg g_gg, g
 * the gradient by central differences (15 evaluations of the whole portfolio instead of hundreds of
 * parameter draws: cheap enough to run in every analytics refresh). The interval is f ± z·sd. It is
 * about the expected value (how well the history pins the parameters down), not a prediction interval
 * for what the customers will actually spend, which adds purchase-to-purchase noise on top.
 */
import { expectedPurchasesIfAlive, probabilityAlive, type BgNbdParams } from "./bgnbd";
import type { FittedParams } from "./clv";
import { discountedPurchasesIfAlive, validateClvOptions, type ClvOptions } from "./discount";
import { ModelFitError } from "./errors";
import type { GammaGammaParams } from "./gamma-gamma";
import { expectedMarginPerOrder, marginGroupOf } from "./margin";
import type { RfmRow } from "./rows";

export interface GroupedCustomer extends RfmRow {
  /** The group (cohort month, segment key) the customer belongs to; a customer may be in several rows. */
  group: string;
  /** Mean margin of the repeat orders; 0 when x = 0. */
  monetaryValue: number;
}

/** Two-sided standard normal quantiles for the coverages offered. */
export const NORMAL_QUANTILES: Readonly<Record<string, number>> = { "0.8": 1.2815515655446004, "0.9": 1.6448536269514722, "0.95": 1.959963984540054 };

export interface ProjectionOptions {
  /** Cumulative horizons in model time units after the calibration end (each >= 0). */
  horizons: readonly number[];
  /** When given, one value per group: the discounted sum over `discount.months` (horizons ignored). */
  discount?: ClvOptions;
  /** Central coverage: 0.8 (default), 0.9 or 0.95. */
  level?: number;
}

export interface ProjectionPoint {
  /** Expected future margin per customer of the group (mean over its customers). */
  estimate: number;
  /** Null when the fits have no covariance (see `intervalMessage`). */
  lower: number | null;
  upper: number | null;
  standardError: number | null;
}

export interface GroupProjection {
  group: string;
  customers: number;
  /** Customers valued at their own (non-positive) mean margin per order. */
  nonPositiveMarginCustomers: number;
  /** One per horizon (or one with `discount`). */
  points: ProjectionPoint[];
}

export interface ProjectionResult {
  level: number;
  method: "delta-method-parameter-covariance";
  groups: GroupProjection[];
  /** Why there is no interval, when there is none. */
  intervalMessage: string | null;
}

interface Portfolio {
  cores: Pick<RfmRow, "frequency" | "T">[];
  histories: RfmRow[];
  historyCore: Int32Array;
  leaves: { frequency: number; monetaryValue: number }[];
  leafHistory: Int32Array;
  leafGroup: Int32Array;
  leafCount: Float64Array;
  groups: string[];
  groupSize: Float64Array;
  groupNonPositive: Float64Array;
}

/** Customers flattened by what each factor depends on, so an evaluation computes each factor once. */
function preparePortfolio(customers: readonly GroupedCustomer[]): Portfolio {
  const coreIndex = new Map<string, number>();
  const historyIndex = new Map<string, number>();
  const leafIndex = new Map<string, number>();
  const groupIndex = new Map<string, number>();
  const p: Omit<Portfolio, "historyCore" | "leafHistory" | "leafGroup" | "leafCount" | "groupSize" | "groupNonPositive"> & {
    historyCore: number[]; leafHistory: number[]; leafGroup: number[]; leafCount: number[]; groupSize: number[]; groupNonPositive: number[];
  } = { cores: [], histories: [], historyCore: [], leaves: [], leafHistory: [], leafGroup: [], leafCount: [], groups: [], groupSize: [], groupNonPositive: [] };
  for (const c of customers) {
    const count = c.count ?? 1;
    const m = c.frequency === 0 ? 0 : c.monetaryValue;
    let g = groupIndex.get(c.group);
    if (g === undefined) {
      groupIndex.set(c.group, (g = p.groups.length));
      p.groups.push(c.group);
      p.groupSize.push(0);
      p.groupNonPositive.push(0);
    }
    p.groupSize[g] += count;
    if (marginGroupOf({ frequency: c.frequency, monetaryValue: m }) === "non-positive-margin") p.groupNonPositive[g] += count;
    const coreKey = `${c.frequency}|${c.T}`;
    let core = coreIndex.get(coreKey);
    if (core === undefined) {
      coreIndex.set(coreKey, (core = p.cores.length));
      p.cores.push({ frequency: c.frequency, T: c.T });
    }
    const historyKey = `${coreKey}|${c.recency}`;
    let history = historyIndex.get(historyKey);
    if (history === undefined) {
      historyIndex.set(historyKey, (history = p.histories.length));
      p.histories.push({ frequency: c.frequency, recency: c.recency, T: c.T });
      p.historyCore.push(core);
    }
    const leafKey = `${historyKey}|${m}|${g}`;
    const leaf = leafIndex.get(leafKey);
    if (leaf === undefined) {
      leafIndex.set(leafKey, p.leaves.length);
      p.leaves.push({ frequency: c.frequency, monetaryValue: m });
      p.leafHistory.push(history);
      p.leafGroup.push(g);
      p.leafCount.push(count);
    } else {
      p.leafCount[leaf] += count;
    }
  }
  return {
    ...p,
    historyCore: Int32Array.from(p.historyCore), leafHistory: Int32Array.from(p.leafHistory), leafGroup: Int32Array.from(p.leafGroup),
    leafCount: Float64Array.from(p.leafCount), groupSize: Float64Array.from(p.groupSize), groupNonPositive: Float64Array.from(p.groupNonPositive),
  };
}

/** Group means, [group][point], at one set of parameters. */
function evaluate(bg: BgNbdParams, gg: GammaGammaParams, portfolio: Portfolio, options: ProjectionOptions): number[][] {
  const points = options.discount ? 1 : options.horizons.length;
  const ifAlive = portfolio.cores.map((core) =>
    options.discount ? [discountedPurchasesIfAlive(bg, core, options.discount)] : options.horizons.map((t) => expectedPurchasesIfAlive(bg, t, core)));
  const alive = portfolio.histories.map((h) => probabilityAlive(bg, h));
  const sums = portfolio.groups.map(() => new Float64Array(points));
  portfolio.leaves.forEach((leaf, i) => {
    const h = portfolio.leafHistory[i];
    const weight = portfolio.leafCount[i] * alive[h] * expectedMarginPerOrder(gg, leaf);
    const purchases = ifAlive[portfolio.historyCore[h]];
    const sum = sums[portfolio.leafGroup[i]];
    for (let k = 0; k < points; k++) sum[k] += weight * purchases[k];
  });
  return sums.map((sum, g) => Array.from(sum, (s) => s / portfolio.groupSize[g]));
}

const STEP = 1e-4;

/** d f / d log θ_i by central differences, for every group and point. */
function gradients(at: (logTheta: number[]) => number[][], logTheta: readonly number[]): number[][][] {
  return logTheta.map((_, i) => {
    const up = [...logTheta];
    const down = [...logTheta];
    up[i] += STEP;
    down[i] -= STEP;
    const fUp = at(up);
    const fDown = at(down);
    return fUp.map((row, g) => row.map((v, k) => (v - fDown[g][k]) / (2 * STEP)));
  });
}

function quadraticForm(grad: number[][][], covariance: number[][], g: number, k: number): number {
  let total = 0;
  for (let i = 0; i < covariance.length; i++) {
    for (let j = 0; j < covariance.length; j++) total += grad[i][g][k] * covariance[i][j] * grad[j][g][k];
  }
  return total;
}

export function projectGroups(
  bgFit: FittedParams<BgNbdParams>,
  ggFit: FittedParams<GammaGammaParams>,
  customers: readonly GroupedCustomer[],
  options: ProjectionOptions,
): ProjectionResult {
  const level = options.level ?? 0.8;
  const z = NORMAL_QUANTILES[String(level)];
  if (z === undefined) throw new RangeError(`level must be one of ${Object.keys(NORMAL_QUANTILES).join(", ")}, got ${level}`);
  if (options.discount) validateClvOptions(options.discount);
  else if (!options.horizons.length) throw new RangeError("at least one horizon is needed");
  for (const t of options.horizons) if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`horizons must be finite and >= 0, got ${t}`);
  const portfolio = preparePortfolio(customers);
  if (!portfolio.groups.length) throw new ModelFitError("empty-input", "no customers to project");

  const { r, alpha, a, b } = bgFit.params;
  const { p, q, v } = ggFit.params;
  const logTheta = [r, alpha, a, b, p, q, v].map(Math.log);
  const at = (t: number[]) => {
    const e = t.map(Math.exp);
    return evaluate({ r: e[0], alpha: e[1], a: e[2], b: e[3] }, { p: e[4], q: e[5], v: e[6] }, portfolio, options);
  };
  const estimate = evaluate(bgFit.params, ggFit.params, portfolio, options);

  let intervalMessage: string | null = null;
  let variance: ((g: number, k: number) => number) | null = null;
  if (!bgFit.logCovariance || !ggFit.logCovariance) {
    intervalMessage = "A fit has no parameter covariance (the history does not pin the parameters down): estimates only, no interval.";
  } else {
    const grad = gradients(at, logTheta);
    const bgGrad = grad.slice(0, 4);
    const ggGrad = grad.slice(4);
    const bgCov = bgFit.logCovariance;
    const ggCov = ggFit.logCovariance;
    variance = (g, k) => quadraticForm(bgGrad, bgCov, g, k) + quadraticForm(ggGrad, ggCov, g, k);
  }
  const groups = portfolio.groups.map((group, g): GroupProjection => ({
    group,
    customers: portfolio.groupSize[g],
    nonPositiveMarginCustomers: portfolio.groupNonPositive[g],
    points: estimate[g].map((value, k) => {
      if (!variance) return { estimate: value, lower: null, upper: null, standardError: null };
      const se = Math.sqrt(Math.max(0, variance(g, k)));
      return { estimate: value, lower: value - z * se, upper: value + z * se, standardError: se };
    }),
  }));
  return { level, method: "delta-method-parameter-covariance", groups, intervalMessage };
}
