/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie 2013, note 025).
 * Each transaction's value is Gamma(p, ν) with ν ~ Gamma(q, v) across customers, so a customer's mean
 * repeat value z̄ over x transactions is informative about their own mean p/ν, shrunk toward the
 * population mean pv/(q−1). Fitted on customers with x > 0 only (x = 0 carries no spend information).
 *
 * Here "spend" is contribution margin per order. The model needs z̄ > 0: customers whose mean repeat
 * margin is <= 0 must be separated first (see margin.ts); fitting refuses them rather than dropping them.
 */
import digamma from "@stdlib/math-base-special-digamma";
import gammaln from "@stdlib/math-base-special-gammaln";
import { ModelFitError } from "./errors";
import { maximizeLikelihood, naturalCovariance, type FitDiagnostics, type FitOptions } from "./fitting";
import type { ObjectiveWithGradient } from "./optimize";

export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

export const GAMMA_GAMMA_PARAM_NAMES = ["p", "q", "v"] as const;

export interface SpendRow {
  /** x: number of repeat purchases. */
  frequency: number;
  /** z̄: mean value of the repeat purchases (0 or ignored when x = 0). */
  monetaryValue: number;
  count?: number;
}

export interface GammaGammaFit extends FitDiagnostics {
  params: GammaGammaParams;
  logLikelihood: number;
  /** Customers with x > 0 that the fit used. */
  customers: number;
  standardErrors: GammaGammaParams | null;
  covariance: number[][] | null;
  logCovariance: number[][] | null;
  /**
   * q and v diverged together: the limit model (one rate q/v for everyone) is the maximum, reported
   * at q = LIMIT_SHAPE; the covariance is then conditional on the limit.
   */
  homogeneousSpend: boolean;
  /** q > 1: the population mean spend pv/(q−1) exists. Without it x = 0 customers have no estimate. */
  meanSpendFinite: boolean;
}

export interface GammaGammaFitOptions extends FitOptions {
  /** Tried alongside the default start; ignored unless all three are positive and finite. */
  initial?: GammaGammaParams;
  /** false: never switch to the q, v → ∞ limit (the plain three-parameter search; for comparison). */
  limitCheck?: boolean;
}

interface SpendColumns {
  x: Float64Array;
  m: Float64Array;
  weight: Float64Array;
  xIndex: Int32Array;
  distinctX: number[];
  totalWeight: number;
}

const toVector = (p: GammaGammaParams): number[] => [p.p, p.q, p.v];
const fromVector = (v: readonly number[]): GammaGammaParams => ({ p: v[0], q: v[1], v: v[2] });

/** Keeps x > 0 rows; refuses non-positive or non-finite spend so no customer is silently lost. */
function columns(rows: readonly SpendRow[]): SpendColumns {
  const x: number[] = [];
  const m: number[] = [];
  const weight: number[] = [];
  rows.forEach((row, i) => {
    const count = row.count ?? 1;
    const where = `row ${i} (x=${row.frequency}, monetaryValue=${row.monetaryValue})`;
    if (!Number.isInteger(row.frequency) || row.frequency < 0 || !Number.isFinite(count) || count < 0) {
      throw new ModelFitError("invalid-input", `${where}: frequency must be a non-negative integer and count >= 0`);
    }
    if (row.frequency === 0 || count === 0) return;
    if (!Number.isFinite(row.monetaryValue)) throw new ModelFitError("invalid-input", `${where}: monetaryValue must be finite`);
    if (row.monetaryValue <= 0) {
      throw new ModelFitError(
        "non-positive-spend",
        `${where}: Gamma-Gamma needs a positive mean spend; split non-positive-margin customers off with splitByMargin`,
      );
    }
    x.push(row.frequency);
    m.push(row.monetaryValue);
    weight.push(count);
  });
  const distinctX = [...new Set(x)].sort((p, q) => p - q);
  const position = new Map(distinctX.map((v, i) => [v, i]));
  return {
    x: Float64Array.from(x),
    m: Float64Array.from(m),
    weight: Float64Array.from(weight),
    xIndex: Int32Array.from(x, (v) => position.get(v) ?? 0),
    distinctX,
    totalWeight: weight.reduce((s, w) => s + w, 0),
  };
}

/**
 * Per customer: ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln v + (px−1) ln z̄ + px ln x − (px+q) ln(x z̄ + v).
 * Gradient w.r.t. (p, q, v) written into `grad` when given.
 */
function evaluate({ p, q, v }: GammaGammaParams, data: SpendColumns, grad: number[] | null): number {
  const nx = data.distinctX.length;
  const lg = new Float64Array(nx);
  const psiPxq = new Float64Array(nx);
  const psiPx = new Float64Array(nx);
  for (let j = 0; j < nx; j++) {
    const px = p * data.distinctX[j];
    lg[j] = gammaln(px + q) - gammaln(px);
    if (grad) {
      psiPxq[j] = digamma(px + q);
      psiPx[j] = digamma(px);
    }
  }
  const lgq = gammaln(q);
  const lnV = Math.log(v);
  const psiQ = grad ? digamma(q) : 0;
  let ll = 0;
  let gp = 0;
  let gq = 0;
  let gv = 0;
  for (let i = 0; i < data.x.length; i++) {
    const x = data.x[i];
    const m = data.m[i];
    const w = data.weight[i];
    const j = data.xIndex[i];
    const px = p * x;
    const lnM = Math.log(m);
    const lnX = Math.log(x);
    const s = x * m + v;
    const lnS = Math.log(s);
    ll += w * (lg[j] - lgq + q * lnV + (px - 1) * lnM + px * lnX - (px + q) * lnS);
    if (grad) {
      gp += w * x * (psiPxq[j] - psiPx[j] + lnM + lnX - lnS);
      gq += w * (psiPxq[j] - psiQ + lnV - lnS);
      gv += w * (q / v - (px + q) / s);
    }
  }
  if (grad) {
    grad[0] = gp;
    grad[1] = gq;
    grad[2] = gv;
  }
  return ll;
}

/** Total Gamma-Gamma log-likelihood over the rows with x > 0. */
export function gammaGammaLogLikelihood(params: GammaGammaParams, rows: readonly SpendRow[]): number {
  return evaluate(params, columns(rows), null);
}

/**
 * The limit q, v → ∞ with q/v = ν fixed: every customer's transaction rate parameter is ν (no spend
 * heterogeneity), so z̄ ~ Gamma(px, xν): ln f = px ln(xν) + (px−1) ln z̄ − xνz̄ − ln Γ(px). Gradient
 * w.r.t. (p, ν) in grad[0..1], and in grad[2] the derivative w.r.t. φ = 1/q at φ = 0 (ν held): the
 * mixing Gamma has variance ν²φ, so it is ½ ν² g''(ν)/g(ν) = ½[(px − xνz̄)² − px], g = ν^(px) e^(−νxz̄).
 */
function evaluateLimit(p: number, nu: number, data: SpendColumns, grad: number[] | null): number {
  const nx = data.distinctX.length;
  const lgPx = new Float64Array(nx);
  const psiPx = new Float64Array(nx);
  for (let j = 0; j < nx; j++) {
    lgPx[j] = gammaln(p * data.distinctX[j]);
    if (grad) psiPx[j] = digamma(p * data.distinctX[j]);
  }
  const lnNu = Math.log(nu);
  let ll = 0;
  let gp = 0;
  let gNu = 0;
  let gPhi = 0;
  for (let i = 0; i < data.x.length; i++) {
    const x = data.x[i];
    const m = data.m[i];
    const w = data.weight[i];
    const px = p * x;
    const lnM = Math.log(m);
    const lnXNu = Math.log(x) + lnNu;
    ll += w * (px * lnXNu + (px - 1) * lnM - x * nu * m - lgPx[data.xIndex[i]]);
    if (grad) {
      gp += w * x * (lnXNu + lnM - psiPx[data.xIndex[i]]);
      gNu += w * (px / nu - x * m);
      const d = px - x * nu * m;
      gPhi += w * 0.5 * (d * d - px);
    }
  }
  if (grad) {
    grad[0] = gp;
    grad[1] = gNu;
    grad[2] = gPhi;
  }
  return ll;
}

/** q at which a flat search is checked against the limit q, v → ∞ (ν's coefficient of variation 1%). */
const LIMIT_CHECK_SHAPE = 1e4;
/**
 * q reported for a limit solution: E[Z | x, z̄] then differs from the limit p·ν⁻¹ by ~x/q relative,
 * and q, v stay finite for storage.
 */
export const LIMIT_SHAPE = 1e8;

class HeadingToLimit {
  constructor(readonly logParams: readonly number[], readonly meanNll: number) {}
}

/**
 * Maximum-likelihood fit on the customers with x > 0. As in fitBgNbd, when the search heads to
 * q, v → ∞ with q/v fixed (no spend heterogeneity, a flat ridge where the likelihood is rounding
 * noise), the limit model (p, ν) is fitted instead and, if its likelihood falls as φ = 1/q leaves 0,
 * reported at q = LIMIT_SHAPE with `homogeneousSpend` set and its covariance mapped to (log p,
 * log q, log v) with q fixed (singular: no information on q itself).
 */
export function fitGammaGamma(rows: readonly SpendRow[], options: GammaGammaFitOptions = {}): GammaGammaFit {
  const data = columns(rows);
  if (data.totalWeight === 0) {
    throw new ModelFitError("no-repeat-purchases", "Gamma-Gamma needs customers with at least one repeat purchase");
  }
  let spend = 0;
  for (let i = 0; i < data.m.length; i++) spend += data.weight[i] * data.m[i];
  // Start with the prior mean pv/(q−1) equal to the observed mean spend.
  const meanSpend = spend / data.totalWeight;
  const starts = [options.initial, { p: 1, q: 2, v: meanSpend }, { p: 5, q: 3, v: meanSpend / 2 }]
    .filter((s): s is GammaGammaParams => s !== undefined && toVector(s).every((e) => e > 0 && Number.isFinite(e)))
    .map((s) => toVector(s).map(Math.log));
  const natural = [0, 0, 0];
  let evaluations = 0;
  let iterations = 0;
  const fn: ObjectiveWithGradient = (logParams, grad) => {
    evaluations++;
    const theta = logParams.map(Math.exp);
    const ll = evaluate(fromVector(theta), data, natural);
    for (let k = 0; k < 3; k++) grad[k] = (-natural[k] * theta[k]) / data.totalWeight;
    return -ll / data.totalWeight;
  };
  const minStarts = options.initial ? 2 : 1;
  if (options.limitCheck !== false) {
    const onIterate = (x: readonly number[], value: number, previous: number): void => {
      iterations++;
      if (Math.exp(x[1]) >= LIMIT_CHECK_SHAPE && previous - value <= 1e-6 * Math.abs(value)) throw new HeadingToLimit(x, value);
    };
    try {
      return fullResult(data, maximizeLikelihood(fn, starts, data.totalWeight, { ...options, onIterate }, minStarts));
    } catch (error) {
      if (!(error instanceof HeadingToLimit)) throw error;
      const limit = limitResult(data, error, options, evaluations, iterations);
      if (limit) return limit;
    }
  }
  return fullResult(data, maximizeLikelihood(fn, starts, data.totalWeight, options, minStarts));
}

function fullResult(data: SpendColumns, { logParams, meanNll, diagnostics, uncertainty }: ReturnType<typeof maximizeLikelihood>): GammaGammaFit {
  const params = fromVector(logParams.map(Math.exp));
  return {
    ...diagnostics,
    params,
    logLikelihood: -meanNll * data.totalWeight,
    customers: data.totalWeight,
    homogeneousSpend: false,
    standardErrors: uncertainty ? fromVector(uncertainty.standardErrors) : null,
    covariance: uncertainty?.covariance ?? null,
    logCovariance: uncertainty?.logCovariance ?? null,
    meanSpendFinite: params.q > 1,
  };
}

/** The limit fit's result, or null when it is not the maximum (then the full search goes on). */
function limitResult(data: SpendColumns, from: HeadingToLimit, options: FitOptions, evaluations: number, iterations: number): GammaGammaFit | null {
  const natural = [0, 0, 0];
  const fn: ObjectiveWithGradient = (u, grad) => {
    const ll = evaluateLimit(Math.exp(u[0]), Math.exp(u[1]), data, natural);
    grad[0] = (-natural[0] * Math.exp(u[0])) / data.totalWeight;
    grad[1] = (-natural[1] * Math.exp(u[1])) / data.totalWeight;
    return -ll / data.totalWeight;
  };
  const [lnP, lnQ, lnV] = from.logParams;
  let fit: ReturnType<typeof maximizeLikelihood>;
  try {
    fit = maximizeLikelihood(fn, [[lnP, lnQ - lnV]], data.totalWeight, { maxIterations: options.maxIterations, gradientTolerance: options.gradientTolerance });
  } catch (error) {
    if (error instanceof ModelFitError) return null;
    throw error;
  }
  if (!fit.diagnostics.converged || !fit.uncertainty || fit.meanNll > from.meanNll + 1e-12 * Math.abs(from.meanNll)) return null;
  const [p, nu] = fit.logParams.map(Math.exp);
  const grad = [0, 0, 0];
  evaluateLimit(p, nu, data, grad);
  if (!(grad[2] <= 0)) return null;
  const params = { p, q: LIMIT_SHAPE, v: LIMIT_SHAPE / nu };
  // log q fixed, log v = log q − log ν.
  const [[spp, spn], [, snn]] = fit.uncertainty.logCovariance;
  const logCovariance = [[spp, 0, -spn], [0, 0, 0], [-spn, 0, snn]];
  const covariance = naturalCovariance(logCovariance, toVector(params));
  return {
    ...fit.diagnostics,
    iterations: iterations + fit.diagnostics.iterations,
    evaluations: evaluations + fit.diagnostics.evaluations,
    message: `${fit.diagnostics.message}; q and v diverge together (no spend heterogeneity): the limit with rate q/v = ${nu.toPrecision(6)} for everyone, reported at q = ${LIMIT_SHAPE}`,
    params,
    logLikelihood: -fit.meanNll * data.totalWeight,
    customers: data.totalWeight,
    homogeneousSpend: true,
    standardErrors: fromVector(covariance.map((row, i) => Math.sqrt(row[i]))),
    covariance,
    logCovariance,
    meanSpendFinite: true,
  };
}

/**
 * E[Z | x, z̄] = (p(v + x z̄)) / (px + q − 1), i.e. a weighted average of the population mean
 * pv/(q−1) and the customer's own z̄ with weight px/(px+q−1) on z̄. For x = 0 it is the population
 * mean. Throws ModelFitError("infinite-mean") when px + q <= 1 (the posterior mean does not exist).
 */
export function conditionalExpectedAverageSpend({ p, q, v }: GammaGammaParams, row: SpendRow): number {
  const x = row.frequency;
  if (!Number.isInteger(x) || x < 0) throw new RangeError(`frequency must be a non-negative integer, got ${x}`);
  const m = x === 0 ? 0 : row.monetaryValue;
  if (x > 0 && !(m > 0)) {
    throw new ModelFitError("non-positive-spend", `monetaryValue must be > 0 for x > 0 (got ${m}); see splitByMargin`);
  }
  const denominator = p * x + q - 1;
  if (!(denominator > 0)) {
    throw new ModelFitError("infinite-mean", `p·x + q − 1 = ${denominator} <= 0: the expected spend is infinite`);
  }
  return (p * (v + x * m)) / denominator;
}

/** Population mean spend per transaction, pv/(q−1). */
export function populationMeanSpend(params: GammaGammaParams): number {
  return conditionalExpectedAverageSpend(params, { frequency: 0, monetaryValue: 0 });
}
