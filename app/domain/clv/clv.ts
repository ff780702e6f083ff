/**
 * Customer lifetime value on contribution margin, and an interval for aggregates of it.
 *
 * CLV = Σ_{i=1..months} [E(Y(i·u)) − E(Y((i−1)·u))] · E[margin per order] / (1+d)^i (see discount.ts),
 * with E[margin per order] from Gamma-Gamma, or the customer's own mean for non-positive-margin
 * customers (see margin.ts).
 *
 * Interval method (`aggregateClvInterval`): parameter uncertainty only. Each fit's log-parameters are
 * asymptotically normal with the covariance from the observed information (numerical Hessian at the
 * optimum, fitting.ts); the two fits are independent. We draw parameter sets from those normals with
 * a seeded PRNG (same seed, same interval), recompute the aggregate (mean or sum of CLV over the given
 * customers) for each draw, and report the percentile interval around the plug-in estimate at the MLE.
 * This says how well the data pin down the *expected* aggregate; it is not a prediction interval for
 * what the customers will actually spend (which adds purchase-to-purchase noise on top). Draws whose
 * Gamma-Gamma parameters give an infinite expected spend (p·x + q <= 1) are redrawn and counted.
 */
import type { BgNbdParams } from "./bgnbd";
import { discountedValue, validateClvOptions, type ClvOptions } from "./discount";
import { ModelFitError } from "./errors";
import type { GammaGammaParams } from "./gamma-gamma";
import { cholesky } from "./linalg";
import { expectedMarginPerOrder, marginGroupOf } from "./margin";
import { createRng, type Rng } from "./random";
import type { RfmRow } from "./rows";

export { discountedValue, unitsPerMonth, type ClvOptions } from "./discount";

export interface ClvCustomer extends RfmRow {
  /** Mean margin (or spend) of the repeat orders; 0 when x = 0. */
  monetaryValue: number;
}

/** Discounted expected margin of one customer over the horizon. */
export function customerLifetimeValue(bg: BgNbdParams, gg: GammaGammaParams, customer: ClvCustomer, options: ClvOptions): number {
  return discountedValue(bg, customer, expectedMarginPerOrder(gg, customer), options);
}

/** What an interval needs from a fit: the estimate and the covariance of its log-parameters. */
export interface FittedParams<P> {
  params: P;
  logCovariance: number[][] | null;
}

export interface AggregateIntervalOptions extends ClvOptions {
  /** "mean" (default) or "sum" of CLV over the customers. */
  statistic?: "mean" | "sum";
  /** Central coverage, default 0.95. */
  level?: number;
  /** Parameter draws, default 200. */
  draws?: number;
  seed?: number;
}

export interface AggregateInterval {
  statistic: "mean" | "sum";
  /** The aggregate at the maximum-likelihood parameters. */
  estimate: number;
  lower: number;
  upper: number;
  level: number;
  draws: number;
  /** Draws redrawn because their spend parameters gave an infinite expected spend. */
  rejectedDraws: number;
  /** Standard deviation of the aggregate across draws. */
  standardDeviation: number;
  method: "asymptotic-normal-parameter-draws";
}

interface Group {
  row: ClvCustomer;
  count: number;
}

/** Customers with identical inputs have identical CLV: evaluate each distinct one once per draw. */
function groupCustomers(customers: readonly ClvCustomer[]): Group[] {
  const groups = new Map<string, Group>();
  for (const c of customers) {
    const m = c.frequency === 0 ? 0 : c.monetaryValue;
    const key = `${c.frequency}|${c.recency}|${c.T}|${m}`;
    const group = groups.get(key);
    if (group) group.count += c.count ?? 1;
    else groups.set(key, { row: { frequency: c.frequency, recency: c.recency, T: c.T, monetaryValue: m }, count: c.count ?? 1 });
  }
  return [...groups.values()];
}

function total(bg: BgNbdParams, gg: GammaGammaParams, groups: readonly Group[], options: ClvOptions): number {
  let sum = 0;
  for (const { row, count } of groups) sum += count * customerLifetimeValue(bg, gg, row, options);
  return sum;
}

/** log θ̂ + L·ε with ε standard normal: one draw from the asymptotic normal of the log-parameters. */
function drawer(mle: readonly number[], logCovariance: number[][], rng: Rng): () => number[] {
  const l = cholesky(logCovariance);
  if (!l) throw new ModelFitError("no-covariance", "the parameter covariance is not positive definite");
  const logMle = mle.map(Math.log);
  return () => {
    const eps = logMle.map(() => rng.normal());
    return logMle.map((m, i) => Math.exp(m + l[i].reduce((s, lij, j) => s + lij * eps[j], 0)));
  };
}

function quantile(sorted: readonly number[], prob: number): number {
  const h = (sorted.length - 1) * prob;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function aggregateClvInterval(
  bgFit: FittedParams<BgNbdParams>,
  ggFit: FittedParams<GammaGammaParams>,
  customers: readonly ClvCustomer[],
  options: AggregateIntervalOptions,
): AggregateInterval {
  validateClvOptions(options);
  const statistic = options.statistic ?? "mean";
  const level = options.level ?? 0.95;
  const draws = options.draws ?? 200;
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  if (!Number.isInteger(draws) || draws < 2) throw new RangeError(`draws must be an integer >= 2, got ${draws}`);
  if (!bgFit.logCovariance || !ggFit.logCovariance) {
    throw new ModelFitError("no-covariance", "a fit has no parameter covariance (degenerate Hessian): no interval can be computed");
  }
  const groups = groupCustomers(customers);
  const n = groups.reduce((s, g) => s + g.count, 0);
  if (n === 0) throw new ModelFitError("empty-input", "no customers to aggregate");
  const scale = statistic === "mean" ? 1 / n : 1;
  const rng = createRng(options.seed ?? 1);
  const { r, alpha, a, b } = bgFit.params;
  const { p, q, v } = ggFit.params;
  const drawBg = drawer([r, alpha, a, b], bgFit.logCovariance, rng);
  const drawGg = drawer([p, q, v], ggFit.logCovariance, rng);
  // Smallest x whose spend comes from Gamma-Gamma: a draw must give it a finite expected spend.
  const minX = groups.reduce((m, g) => (marginGroupOf(g.row) === "modelled" ? Math.min(m, g.row.frequency) : m), Infinity);

  const estimate = total(bgFit.params, ggFit.params, groups, options) * scale;
  const values: number[] = [];
  let rejectedDraws = 0;
  while (values.length < draws) {
    const [dr, dAlpha, da, db] = drawBg();
    const [dp, dq, dv] = drawGg();
    if (dp * minX + dq - 1 <= 0) {
      if (++rejectedDraws > 10 * draws) {
        throw new ModelFitError("infinite-mean", "most parameter draws give an infinite expected spend (p·x + q <= 1)");
      }
      continue;
    }
    values.push(total({ r: dr, alpha: dAlpha, a: da, b: db }, { p: dp, q: dq, v: dv }, groups, options) * scale);
  }
  values.sort((x, y) => x - y);
  const mean = values.reduce((s, e) => s + e, 0) / draws;
  const variance = values.reduce((s, e) => s + (e - mean) ** 2, 0) / (draws - 1);
  return {
    statistic,
    estimate,
    lower: quantile(values, (1 - level) / 2),
    upper: quantile(values, (1 + level) / 2),
    level,
    draws,
    rejectedDraws,
    standardDeviation: Math.sqrt(variance),
    method: "asymptotic-normal-parameter-draws",
  };
}
