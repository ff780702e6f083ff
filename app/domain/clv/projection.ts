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
import { BGNBD_PARAM_NAMES, expectedPurchasesIfAlive, probabilityAlive, type BgNbdParams } from "./bgnbd";
import type { FittedParams } from "./clv";
import { discountedPurchasesIfAlive, validateClvOptions, type ClvOptions } from "./discount";
import { ModelFitError } from "./errors";
import { GAMMA_GAMMA_PARAM_NAMES, type GammaGammaParams } from "./gamma-gamma";
import { expectedMarginPerOrder, marginGroupOf } from "./margin";
import type { RfmRow } from "./rows";

export interface GroupedCustomer extends PortfolioCustomer {
  /**
   * The group (cohort month) or groups (segment rows, which overlap) the customer counts in: counted
   * once in each, valued once.
   */
  group: string | readonly string[];
}

/** A customer as the projection values it. */
export interface PortfolioCustomer extends RfmRow {
  /** Mean margin of the repeat orders; 0 when x = 0. */
  monetaryValue: number;
}

/**
 * Customers with their groups as numbers: customer i is in groups ids[start[i]] .. ids[start[i + 1] - 1],
 * indexes of `names`. What a caller with many customers in many overlapping groups passes
 * (projectIndexedGroups): naming each customer's groups with strings costs a hash lookup per membership,
 * more than the model's evaluations at 250k customers in a few hundred groups.
 */
export interface GroupMemberships {
  names: readonly string[];
  start: Int32Array;
  ids: Int32Array;
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
  /** Groups valued at the last horizon only (one point instead of one per horizon): cheaper. */
  lastHorizonOnly?: (group: string) => boolean;
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
  /** One per horizon (one with `discount`, or for a `lastHorizonOnly` group: the last horizon). */
  points: ProjectionPoint[];
}

export interface ProjectionResult {
  level: number;
  method: "delta-method-parameter-covariance";
  groups: GroupProjection[];
  /** Why there is no interval, when there is none. */
  intervalMessage: string | null;
}

/**
 * Customers flattened by what each factor depends on, so an evaluation computes each factor once:
 * purchases-if-alive per core (x, T), P(alive) per history (x, t_x, T), expected margin per order per
 * leaf (history, m), and a leaf's value is added to each group it is in through `members`. Built by
 * sorting and bucketing into typed arrays: at 250k customers in hundreds of overlapping groups, keyed
 * maps per row cost more than the model does.
 */
interface PortfolioShape {
  cores: Pick<RfmRow, "frequency" | "T">[];
  histories: RfmRow[];
  historyCore: Int32Array;
  leaves: { frequency: number; monetaryValue: number }[];
  leafHistory: Int32Array;
  /** Each customer's leaf, and whether their margin per order is their own non-positive mean (marginGroupOf). */
  leafOf: Int32Array;
  nonPositive: Uint8Array;
}

interface Portfolio extends PortfolioShape {
  /** (leaf, group, customers) triples, one per distinct leaf and group. */
  memberLeaf: Int32Array;
  memberCore: Int32Array;
  memberGroup: Int32Array;
  memberCount: Float64Array;
  groups: readonly string[];
  groupSize: Float64Array;
  groupNonPositive: Float64Array;
}

/** The customers' cores, histories and leaves: what the model is evaluated on, whatever the groups. */
function portfolioShape(customers: readonly PortfolioCustomer[]): PortfolioShape {
  const n = customers.length;
  const mean = (c: PortfolioCustomer) => (c.frequency === 0 ? 0 : c.monetaryValue);
  // Sorted by (x, T, t_x, m), equal cores, histories and leaves are runs: one sweep numbers them.
  const x = new Float64Array(n);
  const T = new Float64Array(n);
  const tx = new Float64Array(n);
  const m = new Float64Array(n);
  const order: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const c = customers[i];
    x[i] = c.frequency;
    T[i] = c.T;
    tx[i] = c.recency;
    m[i] = mean(c);
    order[i] = i;
  }
  order.sort((i, j) => x[i] - x[j] || T[i] - T[j] || tx[i] - tx[j] || m[i] - m[j]);
  const cores: Pick<RfmRow, "frequency" | "T">[] = [];
  const histories: RfmRow[] = [];
  const historyCore: number[] = [];
  const leaves: { frequency: number; monetaryValue: number }[] = [];
  const leafHistory: number[] = [];
  const leafOf = new Int32Array(n);
  let previous = -1;
  for (const i of order) {
    const p = previous;
    const newCore = p < 0 || x[i] !== x[p] || T[i] !== T[p];
    const newHistory = newCore || tx[i] !== tx[p];
    if (newCore) cores.push({ frequency: x[i], T: T[i] });
    if (newHistory) {
      histories.push({ frequency: x[i], recency: tx[i], T: T[i] });
      historyCore.push(cores.length - 1);
    }
    if (newHistory || m[i] !== m[p]) {
      leaves.push({ frequency: x[i], monetaryValue: m[i] });
      leafHistory.push(histories.length - 1);
    }
    leafOf[i] = leaves.length - 1;
    previous = i;
  }
  const nonPositive = new Uint8Array(n);
  for (let i = 0; i < n; i++) nonPositive[i] = marginGroupOf({ frequency: x[i], monetaryValue: m[i] }) === "non-positive-margin" ? 1 : 0;
  return { cores, histories, historyCore: Int32Array.from(historyCore), leaves, leafHistory: Int32Array.from(leafHistory), leafOf, nonPositive };
}

/** The shape's customers bucketed by group: the members a group mean adds up. */
function preparePortfolio(customers: readonly PortfolioCustomer[], memberships: GroupMemberships, shape: PortfolioShape): Portfolio {
  const n = customers.length;
  const { start: customerStart, ids: customerGroups, names } = memberships;
  if (customerStart.length !== n + 1) throw new RangeError(`memberships.start must have ${n + 1} entries, got ${customerStart.length}`);
  if (shape.leafOf.length !== n) throw new RangeError(`the prepared portfolio has ${shape.leafOf.length} customers, not ${n}`);
  const { leaves, leafOf, historyCore, leafHistory, nonPositive } = shape;

  // Group sizes, then the memberships bucketed by group.
  const groups = names;
  const groupSize = new Float64Array(groups.length);
  const groupNonPositive = new Float64Array(groups.length);
  for (let i = 0; i < n; i++) {
    const count = customers[i].count ?? 1;
    for (let j = customerStart[i]; j < customerStart[i + 1]; j++) {
      const g = customerGroups[j];
      if (!(g >= 0 && g < groups.length)) throw new RangeError(`customer ${i}: group ${g} is not one of the ${groups.length} named`);
      groupSize[g] += count;
      if (nonPositive[i] === 1) groupNonPositive[g] += count;
    }
  }
  const bucketStart = new Int32Array(groups.length + 1);
  for (let j = 0; j < customerStart[n]; j++) bucketStart[customerGroups[j] + 1] += 1;
  for (let g = 0; g < groups.length; g++) bucketStart[g + 1] += bucketStart[g];
  const fill = bucketStart.slice(0, groups.length);
  const bucketLeaf = new Int32Array(customerStart[n]);
  const bucketCount = new Float64Array(customerStart[n]);
  for (let i = 0; i < n; i++) {
    for (let j = customerStart[i]; j < customerStart[i + 1]; j++) {
      const at = fill[customerGroups[j]]++;
      bucketLeaf[at] = leafOf[i];
      bucketCount[at] = customers[i].count ?? 1;
    }
  }
  // One member per distinct (leaf, group): within a group's bucket, `seenIn` marks leaves already added.
  const memberLeaf: number[] = [];
  const memberGroup: number[] = [];
  const memberCount: number[] = [];
  const seenIn = new Int32Array(leaves.length).fill(-1);
  const memberOfLeaf = new Int32Array(leaves.length);
  for (let g = 0; g < groups.length; g++) {
    for (let at = bucketStart[g]; at < bucketStart[g + 1]; at++) {
      const leaf = bucketLeaf[at];
      if (seenIn[leaf] === g) {
        memberCount[memberOfLeaf[leaf]] += bucketCount[at];
      } else {
        seenIn[leaf] = g;
        memberOfLeaf[leaf] = memberLeaf.length;
        memberLeaf.push(leaf);
        memberGroup.push(g);
        memberCount.push(bucketCount[at]);
      }
    }
  }
  const memberCore = new Int32Array(memberLeaf.length);
  for (let i = 0; i < memberLeaf.length; i++) memberCore[i] = historyCore[leafHistory[memberLeaf[i]]];
  return {
    ...shape,
    memberLeaf: Int32Array.from(memberLeaf), memberCore,
    memberGroup: Int32Array.from(memberGroup), memberCount: Float64Array.from(memberCount),
    groups, groupSize, groupNonPositive,
  };
}

/** What the purchase model contributes at one set of its parameters. */
interface PurchasePart {
  /** Expected purchases if alive, [core * points + k]. */
  purchases: Float64Array;
  /** P(alive) per history. */
  alive: Float64Array;
}

function purchasePart(bg: BgNbdParams, portfolio: PortfolioShape, options: Pick<ProjectionOptions, "horizons" | "discount">, points: number): PurchasePart {
  const purchases = new Float64Array(portfolio.cores.length * points);
  portfolio.cores.forEach((core, i) => {
    if (options.discount) purchases[i] = discountedPurchasesIfAlive(bg, core, options.discount);
    else options.horizons.forEach((t, k) => (purchases[i * points + k] = expectedPurchasesIfAlive(bg, t, core)));
  });
  // Plain loops: Float64Array.from with a map function iterates generically, several times slower.
  const { histories } = portfolio;
  const alive = new Float64Array(histories.length);
  for (let i = 0; i < histories.length; i++) alive[i] = probabilityAlive(bg, histories[i]);
  return { purchases, alive };
}

/** What the spend model contributes: expected margin per order per leaf. */
function marginPart(gg: GammaGammaParams, portfolio: PortfolioShape): Float64Array {
  const { leaves } = portfolio;
  const margin = new Float64Array(leaves.length);
  for (let i = 0; i < leaves.length; i++) margin[i] = expectedMarginPerOrder(gg, leaves[i]);
  return margin;
}

/**
 * One valuation of the portfolio for `combine`: purchases and margins at one set of parameters, or
 * with `minus`, the difference part − minus (same margins), which is what a central difference needs.
 */
interface Valuation {
  part: PurchasePart;
  margin: Float64Array;
  minus?: PurchasePart;
}

/**
 * Group means, [valuation][group][point], of several valuations in one pass over the members (the
 * estimate and the 7 differences of the interval: 8 passes over millions of members were most of the
 * projection's time). Each valuation's sums are added in the same order as alone, so the figures do not
 * depend on how many are combined. Groups valued at the last horizon only (`lastOnly`) get that one
 * point: they cost one multiply-add per member instead of one per horizon.
 */
function combine(portfolio: Portfolio, valuations: readonly Valuation[], points: number, lastOnly: Uint8Array): number[][][] {
  const { memberLeaf, memberCore, memberGroup, memberCount, leafHistory } = portfolio;
  const sums = valuations.map(() => new Float64Array(portfolio.groups.length * points));
  const last = points - 1;
  for (let i = 0; i < memberLeaf.length; i++) {
    const leaf = memberLeaf[i];
    const history = leafHistory[leaf];
    const from = memberCore[i] * points;
    const to = memberGroup[i] * points;
    const k0 = lastOnly[memberGroup[i]] === 1 ? last : 0;
    for (let v = 0; v < valuations.length; v++) {
      const { part, margin, minus } = valuations[v];
      const sum = sums[v];
      const purchases = part.purchases;
      if (minus) {
        const scale = memberCount[i] * margin[leaf];
        const up = scale * part.alive[history];
        const down = scale * minus.alive[history];
        const subtracted = minus.purchases;
        for (let k = k0; k < points; k++) sum[to + k] += up * purchases[from + k] - down * subtracted[from + k];
      } else {
        const weight = memberCount[i] * part.alive[history] * margin[leaf];
        for (let k = k0; k < points; k++) sum[to + k] += weight * purchases[from + k];
      }
    }
  }
  return sums.map((sum) => portfolio.groups.map((_, g) => {
    const row = sum.subarray(lastOnly[g] === 1 ? g * points + last : g * points, (g + 1) * points);
    return Array.from(row, (value) => value / portfolio.groupSize[g]);
  }));
}

const STEP = 1e-4;

/** f(up) − f(down), given for every group and point, over 2·STEP. */
function centralDifference(difference: number[][]): number[][] {
  return difference.map((row) => row.map((v) => v / (2 * STEP)));
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
  // Groups numbered in the order they first appear, which is the order of the result.
  const index = new Map<string, number>();
  const names: string[] = [];
  const ids: number[] = [];
  const start = new Int32Array(customers.length + 1);
  customers.forEach((c, i) => {
    for (const name of typeof c.group === "string" ? [c.group] : c.group) {
      let g = index.get(name);
      if (g === undefined) index.set(name, (g = names.push(name) - 1));
      ids.push(g);
    }
    start[i + 1] = ids.length;
  });
  return projectIndexedGroups(bgFit, ggFit, customers, { names, start, ids: Int32Array.from(ids) }, options);
}

/**
 * What a projection computes before it knows the groups: the portfolio's shape and the model's values
 * on it at the fitted parameters and at the interval's shifted ones. prepareProjection makes it; the
 * refresh's worker makes it while the segment rows it will group by are still being computed.
 */
export interface PreparedProjection {
  readonly customers: readonly PortfolioCustomer[];
  readonly horizons: readonly number[];
  readonly level: number;
  readonly shape: PortfolioShape;
  readonly points: number;
  /** The estimate's valuation, then (with an interval) the 4 purchase-model and 3 spend-model differences. */
  readonly valuations: readonly Valuation[];
  readonly intervalMessage: string | null;
}

export function prepareProjection(
  bgFit: FittedParams<BgNbdParams>,
  ggFit: FittedParams<GammaGammaParams>,
  customers: readonly PortfolioCustomer[],
  options: Pick<ProjectionOptions, "horizons" | "discount" | "level">,
): PreparedProjection {
  const level = options.level ?? 0.8;
  if (NORMAL_QUANTILES[String(level)] === undefined) throw new RangeError(`level must be one of ${Object.keys(NORMAL_QUANTILES).join(", ")}, got ${level}`);
  if (options.discount) validateClvOptions(options.discount);
  else if (!options.horizons.length) throw new RangeError("at least one horizon is needed");
  for (const t of options.horizons) if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`horizons must be finite and >= 0, got ${t}`);
  const shape = portfolioShape(customers);
  const points = options.discount ? 1 : options.horizons.length;
  const basePurchases = purchasePart(bgFit.params, shape, options, points);
  const baseMargin = marginPart(ggFit.params, shape);
  const valuations: Valuation[] = [{ part: basePurchases, margin: baseMargin }];
  let intervalMessage: string | null = null;
  if (!bgFit.logCovariance || !ggFit.logCovariance) {
    intervalMessage = "A fit has no parameter covariance (the history does not pin the parameters down): estimates only, no interval.";
  } else {
    // d f / d log θ by central differences. A purchase-model parameter leaves the margins unchanged and
    // a spend-model parameter the purchases, so each side reuses the other's values at the estimate;
    // the group means are linear in the margins, so a spend parameter's difference is one valuation.
    const shifted = <T extends object>(params: T, name: keyof T, sign: number): T => ({ ...params, [name]: (params[name] as number) * Math.exp(sign * STEP) });
    for (const name of BGNBD_PARAM_NAMES) {
      valuations.push({
        part: purchasePart(shifted(bgFit.params, name, 1), shape, options, points), margin: baseMargin,
        minus: purchasePart(shifted(bgFit.params, name, -1), shape, options, points),
      });
    }
    for (const name of GAMMA_GAMMA_PARAM_NAMES) {
      const up = marginPart(shifted(ggFit.params, name, 1), shape);
      const down = marginPart(shifted(ggFit.params, name, -1), shape);
      for (let i = 0; i < up.length; i++) up[i] -= down[i];
      valuations.push({ part: basePurchases, margin: up });
    }
  }
  return { customers, horizons: options.discount ? [] : [...options.horizons], level, shape, points, valuations, intervalMessage };
}

/**
 * projectGroups with the customers' groups given as numbers (GroupMemberships). Groups are reported in
 * the order of `memberships.names`; a name no customer is in is left out. `prepared`: the same fits,
 * customers and options prepared ahead (prepareProjection).
 */
export function projectIndexedGroups(
  bgFit: FittedParams<BgNbdParams>,
  ggFit: FittedParams<GammaGammaParams>,
  customers: readonly PortfolioCustomer[],
  memberships: GroupMemberships,
  options: ProjectionOptions,
  prepared: PreparedProjection = prepareProjection(bgFit, ggFit, customers, options),
): ProjectionResult {
  const level = options.level ?? 0.8;
  const z = NORMAL_QUANTILES[String(level)];
  if (prepared.customers !== customers || prepared.level !== level || (!options.discount && !sameNumbers(prepared.horizons, options.horizons))) {
    throw new RangeError("the prepared projection is of other customers or options");
  }
  const portfolio = preparePortfolio(customers, memberships, prepared.shape);
  if (!portfolio.groupSize.some((size) => size > 0)) throw new ModelFitError("empty-input", "no customers to project");

  const { points, valuations, intervalMessage } = prepared;
  const lastOnly = Uint8Array.from(portfolio.groups, (group) => (options.lastHorizonOnly?.(group) ? 1 : 0));
  const [estimate, ...differences] = combine(portfolio, valuations, points, lastOnly);
  const bgCov = bgFit.logCovariance;
  const ggCov = ggFit.logCovariance;
  let variance: ((g: number, k: number) => number) | null = null;
  if (bgCov && ggCov && differences.length === BGNBD_PARAM_NAMES.length + GAMMA_GAMMA_PARAM_NAMES.length) {
    const bgGrad = differences.slice(0, BGNBD_PARAM_NAMES.length).map(centralDifference);
    const ggGrad = differences.slice(BGNBD_PARAM_NAMES.length).map(centralDifference);
    variance = (g, k) => quadraticForm(bgGrad, bgCov, g, k) + quadraticForm(ggGrad, ggCov, g, k);
  }
  const groups = portfolio.groups.flatMap((group, g): GroupProjection[] => portfolio.groupSize[g] > 0 ? [{
    group,
    customers: portfolio.groupSize[g],
    nonPositiveMarginCustomers: portfolio.groupNonPositive[g],
    points: estimate[g].map((value, k) => {
      if (!variance) return { estimate: value, lower: null, upper: null, standardError: null };
      const se = Math.sqrt(Math.max(0, variance(g, k)));
      return { estimate: value, lower: value - z * se, upper: value + z * se, standardError: se };
    }),
  }] : []);
  return { level, method: "delta-method-parameter-covariance", groups, intervalMessage };
}

const sameNumbers = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
