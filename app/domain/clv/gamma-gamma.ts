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
import { maximizeLikelihood, type FitDiagnostics, type FitOptions } from "./fitting";
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
  /** q > 1: the population mean spend pv/(q−1) exists. Without it x = 0 customers have no estimate. */
  meanSpendFinite: boolean;
}

export interface GammaGammaFitOptions extends FitOptions {
  /** Tried alongside the default start; ignored unless all three are positive and finite. */
  initial?: GammaGammaParams;
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
  const fn: ObjectiveWithGradient = (logParams, grad) => {
    const theta = logParams.map(Math.exp);
    const ll = evaluate(fromVector(theta), data, natural);
    for (let k = 0; k < 3; k++) grad[k] = (-natural[k] * theta[k]) / data.totalWeight;
    return -ll / data.totalWeight;
  };
  const minStarts = options.initial ? 2 : 1;
  const { logParams, meanNll, diagnostics, uncertainty } = maximizeLikelihood(fn, starts, data.totalWeight, options, minStarts);
  const params = fromVector(logParams.map(Math.exp));
  return {
    ...diagnostics,
    params,
    logLikelihood: -meanNll * data.totalWeight,
    customers: data.totalWeight,
    standardErrors: uncertainty ? fromVector(uncertainty.standardErrors) : null,
    covariance: uncertainty?.covariance ?? null,
    logCovariance: uncertainty?.logCovariance ?? null,
    meanSpendFinite: params.q > 1,
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
