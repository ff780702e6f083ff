/**
 * BG/NBD repeat-purchase model (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way").
 * While alive a customer buys at Poisson rate λ ~ Gamma(r, α); after each repeat purchase they drop
 * out with probability p ~ Beta(a, b). Time is in whatever unit the summaries use (days or weeks).
 *
 * Numerics: the likelihood's two terms are combined with log-sum-exp; Beta and Gamma functions only
 * appear as differences of their logarithms; the conditional expectation uses Euler's transformation of
 * ₂F₁ (see `expectationCore`) so it neither overflows for x = 10,000 nor loses digits when a ≈ 1.
 */
import betaln from "@stdlib/math-base-special-betaln";
import digamma from "@stdlib/math-base-special-digamma";
import gammaln from "@stdlib/math-base-special-gammaln";
import { ModelFitError } from "./errors";
import { hyp2f1, laterRatioBound } from "./hypergeometric";
import { maximizeLikelihood, naturalCovariance, type FitDiagnostics, type FitOptions } from "./fitting";
import type { ObjectiveWithGradient } from "./optimize";
import { groupRfm, validateRfmRow, type GroupedRfm, type RfmRow } from "./rows";

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

export const BGNBD_PARAM_NAMES = ["r", "alpha", "a", "b"] as const;

/** ~50 ms of work; reached only for horizons ~10⁷ times longer than α + T. */
const MAX_SERIES_TERMS = 10_000_000;

export interface BgNbdFit extends FitDiagnostics {
  params: BgNbdParams;
  /** Total log-likelihood over all customers (FHL05 report −9582.4 on CDNOW). */
  logLikelihood: number;
  customers: number;
  uniqueRows: number;
  /**
   * a and b diverged together: the limit model (one dropout probability a/(a+b) for everyone) is the
   * maximum, reported at a + b = LIMIT_CONCENTRATION; the covariance is then conditional on the limit.
   */
  homogeneousDropout: boolean;
  /** Standard errors from the observed information; null when the Hessian is not positive definite. */
  standardErrors: BgNbdParams | null;
  /** Covariance of (r, α, a, b), natural scale. */
  covariance: number[][] | null;
  /** Covariance of (log r, log α, log a, log b): what `clv.ts` samples from. */
  logCovariance: number[][] | null;
}

export interface BgNbdFitOptions extends FitOptions {
  /**
   * Starting values, tried alongside the default start (derived from the data); the better maximum
   * wins. Ignored unless all four are positive and finite.
   */
  initial?: BgNbdParams;
  /** false: never switch to the a, b → ∞ limit (the plain four-parameter search; for comparison). */
  limitCheck?: boolean;
}

const toVector = (p: BgNbdParams): number[] => [p.r, p.alpha, p.a, p.b];
const fromVector = (v: readonly number[]): BgNbdParams => ({ r: v[0], alpha: v[1], a: v[2], b: v[3] });

/** What depends on x alone, per distinct x: the two terms' log-weights and their derivatives. */
interface XTerms {
  cGamma: Float64Array;
  lb1: Float64Array;
  lb2: Float64Array;
  dR: Float64Array;
  /** Derivatives of lb1 and lb2 w.r.t. the two dropout parameters (a, b; or μ, φ in the limit). */
  d1: [Float64Array, Float64Array];
  d2: [Float64Array, Float64Array];
}

function xTerms(nx: number): XTerms {
  const f = () => new Float64Array(nx);
  return { cGamma: f(), lb1: f(), lb2: f(), dR: f(), d1: [f(), f()], d2: [f(), f()] };
}

/**
 * Total log-likelihood and (optionally) its gradient w.r.t. (r, α, a, b) on grouped rows.
 * Per customer: ln Γ(r+x) − ln Γ(r) + r ln α + ln[ B(a,b+x)/B(a,b) (α+T)^−(r+x)
 *   + 1{x>0} B(a+1,b+x−1)/B(a,b) (α+t_x)^−(r+x) ].
 */
function evaluate(params: BgNbdParams, data: GroupedRfm, grad: number[] | null): number {
  const { r, a, b } = params;
  const nx = data.distinctX.length;
  const t = xTerms(nx);
  const lbab = betaln(a, b);
  const psiAB = grad ? digamma(a + b) : 0;
  const psiB = grad ? digamma(b) : 0;
  for (let j = 0; j < nx; j++) {
    const x = data.distinctX[j];
    t.cGamma[j] = gammaln(r + x) - gammaln(r);
    t.lb1[j] = x === 0 ? 0 : betaln(a, b + x) - lbab;
    t.lb2[j] = x === 0 ? -Infinity : betaln(a + 1, b + x - 1) - lbab;
    if (grad) {
      const psiABX = digamma(a + b + x);
      t.dR[j] = x === 0 ? 0 : digamma(r + x) - digamma(r);
      t.d1[0][j] = psiAB - psiABX;
      t.d2[0][j] = 1 / a + psiAB - psiABX;
      t.d1[1][j] = digamma(b + x) - psiABX - psiB + psiAB;
      t.d2[1][j] = x === 0 ? 0 : digamma(b + x - 1) - psiABX - psiB + psiAB;
    }
  }
  return sumRows(r, params.alpha, t, data, grad);
}

/**
 * The limit a, b → ∞ with a/(a+b) = μ: Beta(a, b) concentrates at μ, every customer drops out with
 * probability μ after each purchase. With φ = 1/(a+b), B(a,b+x)/B(a,b) = Π_(k<x) (1−μ+kφ)/(1+kφ) and
 * B(a+1,b+x−1)/B(a,b) = μ/(1+(x−1)φ) · Π_(k<x−1) (1−μ+kφ)/(1+kφ): smooth in φ down to φ = 0, so the
 * limit is the boundary φ = 0 of a well-posed model. Gradient w.r.t. (r, α, μ, φ) at φ = 0.
 */
function evaluateLimit(r: number, alpha: number, mu: number, data: GroupedRfm, grad: number[] | null): number {
  const nx = data.distinctX.length;
  const t = xTerms(nx);
  const lnMu = Math.log(mu);
  const ln1mMu = Math.log1p(-mu);
  const odds = mu / (1 - mu);
  for (let j = 0; j < nx; j++) {
    const x = data.distinctX[j];
    t.cGamma[j] = gammaln(r + x) - gammaln(r);
    t.lb1[j] = x * ln1mMu;
    t.lb2[j] = x === 0 ? -Infinity : lnMu + (x - 1) * ln1mMu;
    if (grad) {
      t.dR[j] = x === 0 ? 0 : digamma(r + x) - digamma(r);
      t.d1[0][j] = -x / (1 - mu);
      t.d2[0][j] = 1 / mu - (x - 1) / (1 - mu);
      t.d1[1][j] = (odds * x * (x - 1)) / 2;
      t.d2[1][j] = x === 0 ? 0 : -(x - 1) + (odds * (x - 1) * (x - 2)) / 2;
    }
  }
  return sumRows(r, alpha, t, data, grad);
}

/** The sum over rows given the per-x terms; gradient w.r.t. (r, α, and the two dropout parameters). */
function sumRows(r: number, alpha: number, t: XTerms, data: GroupedRfm, grad: number[] | null): number {
  const { cGamma, lb1, lb2, dR } = t;
  const [dA1, dB1] = t.d1;
  const [dA2, dB2] = t.d2;
  const lnAlpha = Math.log(alpha);
  // ln(α + t) and 1/(α + t) once per distinct time (summaries on a day grid share few values).
  const timeTable = (times: readonly number[]): [Float64Array, Float64Array] => [
    Float64Array.from(times, (t) => Math.log(alpha + t)),
    Float64Array.from(times, (t) => 1 / (alpha + t)),
  ];
  const [lnT, invT] = timeTable(data.distinctT);
  const [lnTx, invTx] = timeTable(data.distinctTx);
  let ll = 0;
  let gr = 0;
  let gAlpha = 0;
  let ga = 0;
  let gb = 0;
  const { x: xs, weight, xIndex, TIndex, txIndex } = data;
  const withGradient = grad !== null;
  const n = xs.length;
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    const j = xIndex[i];
    const w = weight[i];
    const kT = TIndex[i];
    const rx = r + x;
    const l1 = lb1[j] - rx * lnT[kT];
    let lse = l1;
    let w2 = 0; // posterior weight of the "dropped out after the last purchase" term
    const kTx = txIndex[i];
    if (x > 0) {
      // log-sum-exp of the two terms; log(1 + e) with e <= 1 is accurate to the LL's absolute precision.
      const d = lb2[j] - rx * lnTx[kTx] - l1;
      if (d > 0) {
        const e = Math.exp(-d);
        lse = l1 + d + Math.log(1 + e);
        w2 = 1 / (1 + e);
      } else {
        const e = Math.exp(d);
        lse = l1 + Math.log(1 + e);
        w2 = e / (1 + e);
      }
    }
    ll += w * (cGamma[j] + r * lnAlpha + lse);
    if (withGradient) {
      const w1 = 1 - w2;
      gr += w * (dR[j] + lnAlpha - w1 * lnT[kT] - w2 * lnTx[kTx]);
      gAlpha += w * (r / alpha - rx * (w1 * invT[kT] + w2 * invTx[kTx]));
      ga += w * (w1 * dA1[j] + w2 * dA2[j]);
      gb += w * (w1 * dB1[j] + w2 * dB2[j]);
    }
  }
  if (grad !== null) {
    grad[0] = gr;
    grad[1] = gAlpha;
    grad[2] = ga;
    grad[3] = gb;
  }
  return ll;
}

/** Total BG/NBD log-likelihood of the rows (each weighted by its count). */
export function bgnbdLogLikelihood(params: BgNbdParams, rows: readonly RfmRow[]): number {
  return evaluate(params, groupRfm(rows), null);
}

/** Mean negative log-likelihood as a function of log-parameters, with gradient: what is minimised. */
function objective(data: GroupedRfm): ObjectiveWithGradient {
  const natural = [0, 0, 0, 0];
  return (logParams, grad) => {
    const theta = logParams.map(Math.exp);
    const ll = evaluate(fromVector(theta), data, natural);
    for (let k = 0; k < 4; k++) grad[k] = (-natural[k] * theta[k]) / data.totalWeight;
    return -ll / data.totalWeight;
  };
}

const logistic = (y: number): number => 1 / (1 + Math.exp(-y));

/** The limit model's mean negative log-likelihood in (log r, log α, logit μ), with gradient. */
function limitObjective(data: GroupedRfm): ObjectiveWithGradient {
  const natural = [0, 0, 0, 0];
  return (u, grad) => {
    const r = Math.exp(u[0]);
    const alpha = Math.exp(u[1]);
    const mu = logistic(u[2]);
    const ll = evaluateLimit(r, alpha, mu, data, natural);
    grad[0] = (-natural[0] * r) / data.totalWeight;
    grad[1] = (-natural[1] * alpha) / data.totalWeight;
    grad[2] = (-natural[2] * mu * (1 - mu)) / data.totalWeight;
    return -ll / data.totalWeight;
  };
}

/** A scale-aware start: r = 1 and α matching the observed mean purchase rate; a = b = 1. */
function defaultStart(data: GroupedRfm): BgNbdParams {
  let purchases = 0;
  let time = 0;
  for (let i = 0; i < data.x.length; i++) {
    purchases += data.weight[i] * data.x[i];
    time += data.weight[i] * data.T[i];
  }
  const alpha = time > 0 && purchases > 0 ? time / purchases : 1;
  return { r: 1, alpha, a: 1, b: 1 };
}

/**
 * a + b at which a search whose likelihood has gone flat is checked against the limit a, b → ∞
 * (Beta(a, b) with sd <= 0.005: indistinguishable from a single dropout probability).
 */
const LIMIT_CHECK_CONCENTRATION = 1e4;
/**
 * a + b reported for a limit solution. Predictions depend on a + b only through terms of relative
 * size ~x/(a+b), so at 1e8 they equal the limit's to ~1e-6 for x up to 100; a, b stay finite for
 * storage and the prediction functions.
 */
export const LIMIT_CONCENTRATION = 1e8;

/** Thrown from the search's iterate hook to leave it for the limit check. */
class HeadingToLimit {
  constructor(readonly logParams: readonly number[], readonly meanNll: number) {}
}

/**
 * The maximum of the limit model, if it is the maximum of the BG/NBD likelihood: the limit fit
 * converged, is at least as good as where the four-parameter search stood, and the likelihood
 * decreases as φ = 1/(a+b) leaves 0 (∂LL/∂φ <= 0 at φ = 0, the boundary maximum's condition).
 * Otherwise null: a maximum at finite a + b exists, for the full search to find.
 */
function limitMaximum(data: GroupedRfm, from: HeadingToLimit, options: FitOptions) {
  const [lnR, lnAlpha, lnA, lnB] = from.logParams;
  const fn = limitObjective(data);
  let fit: ReturnType<typeof maximizeLikelihood>;
  try {
    fit = maximizeLikelihood(fn, [[lnR, lnAlpha, lnA - lnB]], data.totalWeight, {
      maxIterations: options.maxIterations, gradientTolerance: options.gradientTolerance,
    });
  } catch (error) {
    if (error instanceof ModelFitError) return null; // no finite limit likelihood: leave it to the full search
    throw error;
  }
  if (!fit.diagnostics.converged || !fit.uncertainty || fit.meanNll > from.meanNll + 1e-12 * Math.abs(from.meanNll)) return null;
  const grad = [0, 0, 0, 0];
  const [r, alpha, mu] = [Math.exp(fit.logParams[0]), Math.exp(fit.logParams[1]), logistic(fit.logParams[2])];
  evaluateLimit(r, alpha, mu, data, grad);
  if (!(grad[3] <= 0)) return null;
  return { fit, r, alpha, mu, boundaryDerivative: grad[3] };
}

/**
 * Maximum-likelihood fit. Throws ModelFitError when there is nothing to fit ("empty-input"), when
 * nobody made a repeat purchase ("no-repeat-purchases": the likelihood then increases without bound
 * as r → 0, so there is no estimate), or on invalid rows ("invalid-input").
 *
 * When the history shows no dropout heterogeneity, the likelihood increases towards a, b → ∞ with
 * a/(a+b) fixed and the four-parameter search would wander along that flat ridge for hundreds of
 * evaluations (its last digits are rounding noise out there). Once an iterate has a + b >= 1e4 and a
 * step gains under 1e-6 relative, the limit model (r, α, μ) is fitted instead and, when it is the
 * maximum (see `limitMaximum`), reported at a + b = LIMIT_CONCENTRATION with `homogeneousDropout` set. Its covariance is that of (r, α, μ) given the limit, mapped to
 * (log a, log b) along a + b fixed: singular (no information on a + b itself) but what the
 * predictions' uncertainty depends on.
 */
export function fitBgNbd(rows: readonly RfmRow[], options: BgNbdFitOptions = {}): BgNbdFit {
  const data = groupRfm(rows);
  if (data.totalWeight === 0) throw new ModelFitError("empty-input", "BG/NBD needs at least one customer");
  if (data.repeatWeight === 0) {
    throw new ModelFitError(
      "no-repeat-purchases",
      `all ${data.totalWeight} customers have frequency 0: BG/NBD cannot be estimated without repeat purchases`,
    );
  }
  const fallback = defaultStart(data);
  const starts = [options.initial, fallback, { r: 0.5, alpha: fallback.alpha, a: 0.5, b: 2 }]
    .filter((p): p is BgNbdParams => p !== undefined && toVector(p).every((v) => v > 0 && Number.isFinite(v)))
    .map((p) => toVector(p).map(Math.log));
  const full = objective(data);
  let evaluations = 0;
  let iterations = 0;
  const fn: ObjectiveWithGradient = (x, grad) => {
    evaluations++;
    return full(x, grad);
  };
  // A caller's start is always compared with the default one: a bad start can end on a flat ridge.
  const minStarts = options.initial ? 2 : 1;
  if (options.limitCheck !== false) {
    const onIterate = (x: readonly number[], value: number, previous: number): void => {
      iterations++;
      if (Math.exp(x[2]) + Math.exp(x[3]) >= LIMIT_CHECK_CONCENTRATION && previous - value <= 1e-6 * Math.abs(value)) {
        throw new HeadingToLimit(x, value);
      }
    };
    try {
      return fullResult(data, maximizeLikelihood(fn, starts, data.totalWeight, { ...options, onIterate }, minStarts));
    } catch (error) {
      if (!(error instanceof HeadingToLimit)) throw error;
      const limit = limitMaximum(data, error, options);
      if (limit) return limitResult(data, limit, evaluations, iterations);
    }
  }
  return fullResult(data, maximizeLikelihood(fn, starts, data.totalWeight, options, minStarts));
}

function fullResult(data: GroupedRfm, { logParams, meanNll, diagnostics, uncertainty }: ReturnType<typeof maximizeLikelihood>): BgNbdFit {
  return {
    ...diagnostics,
    params: fromVector(logParams.map(Math.exp)),
    logLikelihood: -meanNll * data.totalWeight,
    customers: data.totalWeight,
    uniqueRows: data.x.length,
    homogeneousDropout: false,
    standardErrors: uncertainty ? fromVector(uncertainty.standardErrors) : null,
    covariance: uncertainty?.covariance ?? null,
    logCovariance: uncertainty?.logCovariance ?? null,
  };
}

function limitResult(data: GroupedRfm, limit: NonNullable<ReturnType<typeof limitMaximum>>, evaluations: number, iterations: number): BgNbdFit {
  const { fit, r, alpha, mu } = limit;
  const params = { r, alpha, a: mu * LIMIT_CONCENTRATION, b: (1 - mu) * LIMIT_CONCENTRATION };
  // log a = log(a+b) + log μ and log b = log(a+b) + log(1−μ): d/d logit μ = 1−μ and −μ.
  const jacobian = [[1, 0, 0], [0, 1, 0], [0, 0, 1 - mu], [0, 0, -mu]];
  const limitCov = fit.uncertainty!.logCovariance;
  const logCovariance = jacobian.map((ji) => jacobian.map((jk) => {
    let sum = 0;
    for (let p = 0; p < 3; p++) for (let q = 0; q < 3; q++) sum += ji[p] * limitCov[p][q] * jk[q];
    return sum;
  }));
  const covariance = naturalCovariance(logCovariance, toVector(params));
  return {
    ...fit.diagnostics,
    iterations: iterations + fit.diagnostics.iterations,
    evaluations: evaluations + fit.diagnostics.evaluations,
    message: `${fit.diagnostics.message}; a and b diverge together (no dropout heterogeneity): the limit with dropout probability a/(a+b) = ${mu.toPrecision(6)} for everyone, reported at a + b = ${LIMIT_CONCENTRATION}`,
    params,
    logLikelihood: -fit.meanNll * data.totalWeight,
    customers: data.totalWeight,
    uniqueRows: data.x.length,
    homogeneousDropout: true,
    standardErrors: fromVector(covariance.map((row, i) => Math.sqrt(row[i]))),
    covariance,
    logCovariance,
  };
}

/** P(alive | x, t_x, T) = 1 / (1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)). */
export function probabilityAlive(params: BgNbdParams, row: RfmRow): number {
  validateRfmRow(row, 0);
  return aliveGivenValidRow(params, row.frequency, row.recency, row.T);
}

function aliveGivenValidRow({ r, alpha, a, b }: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const logOdds = Math.log(a / (b + x - 1)) + (r + x) * Math.log1p((T - tx) / (alpha + tx));
  // Logistic of −logOdds, written so that neither branch can overflow.
  return logOdds > 0 ? Math.exp(-logOdds) / (1 + Math.exp(-logOdds)) : 1 / (1 + Math.exp(logOdds));
}

/**
 * (a+b+x−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; z)] / (a−1), z = t/(α+T+t):
 * the conditional expectation without its P(alive) factor. Euler's transformation turns the ₂F₁ into
 * (1−z)^(a−1−r−x) ₂F₁(a+b−1−r, a−1; a+b+x−1; z), whose numerator parameters no longer grow with x;
 * and since (a−1)_k = (a−1)(a)_(k−1), the division by a−1 is done analytically:
 *   = C·(1 − (1−z)^(a−1))/(a−1) − (1−z)^(a−1) · Σ_(k≥1) (a+b−1−r)_k (a)_(k−1) / ((C+1)_(k−1) k!) zᵏ.
 */
function expectationCore({ r, alpha, a, b }: BgNbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const c = a + b + x - 1;
  const lnOneMinusZ = -Math.log1p(t / (alpha + T));
  const z = t / (alpha + T + t);
  const am1 = a - 1;
  // The transformed series grows for about z·(a+b−1−r)(a−1)/c terms before it shrinks: millions when the
  // dropout Beta is nearly degenerate (a, b ~ 1e6, a history with no dropout heterogeneity). The direct
  // series of ₂F₁(r+x, b+x; c; z) grows for about z·(r+x)(b+x)/c terms: use it when that is fewer and
  // a − 1 is well away from 0 (it divides by a − 1).
  if (am1 > 1 && (r + x) * (b + x) < (a + b - 1 - r) * am1) {
    const f = hyp2f1(r + x, b + x, c, z);
    if (Number.isFinite(f) && f > 0) return (c * -Math.expm1((r + x) * lnOneMinusZ + Math.log(f))) / am1;
  }
  const head = am1 === 0 ? -lnOneMinusZ : -Math.expm1(am1 * lnOneMinusZ) / am1;
  const p = a + b - 1 - r;
  let term = p * z;
  let sum = term;
  let converged = term === 0;
  // term_(k+1)/term_k = z·((k+p)/(k+1))·((k+a−1)/(k+c)): stop once a geometric bound on the tail is negligible.
  for (let k = 1; k < MAX_SERIES_TERMS && !converged; k++) {
    term *= ((p + k) * (a + k - 1) * z) / ((c + k) * (k + 1));
    sum += term;
    // The bound costs two divisions: only look once the term is already small.
    if (term === 0) converged = true;
    else if (Math.abs(term) <= 1e-12 * Math.abs(sum)) {
      // The ratio's factors pair either way; (k+a−1)/(k+1) with (k+p)/(k+c) (p < c always) is the tight
      // pairing when p is huge (a ~ 0, b ~ 1e6 on a no-dropout history), the other one otherwise.
      const rho = Math.min(laterRatioBound(z, k + 1, p, a - 1, c), laterRatioBound(z, k + 1, a - 1, p, c));
      converged = rho < 1 && (Math.abs(term) * rho) / (1 - rho) <= 1e-16 * Math.abs(sum);
    }
  }
  if (!converged) {
    throw new RangeError(`BG/NBD expectation series did not converge: horizon ${t} is too long relative to alpha + T = ${alpha + T}`);
  }
  return c * head - Math.exp(am1 * lnOneMinusZ) * sum;
}

/**
 * E[Y(t) | x, T, alive]: the conditional expectation divided by P(alive). It does not depend on t_x, so
 * callers valuing many customers can compute it once per (x, T) and multiply by each P(alive).
 */
export function expectedPurchasesIfAlive(params: BgNbdParams, t: number, row: Pick<RfmRow, "frequency" | "T">): number {
  validateRfmRow({ frequency: row.frequency, recency: 0, T: row.T }, 0);
  if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`horizon t must be finite and >= 0, got ${t}`);
  return expectationCore(params, t, row.frequency, row.T);
}

/** E[X(t)]: expected repeat purchases in (0, t] for a customer who has just made a first purchase. */
export function expectedPurchasesNewCustomer(params: BgNbdParams, t: number): number {
  if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`horizon t must be finite and >= 0, got ${t}`);
  return expectationCore(params, t, 0, 0);
}

/** E[Y(t) | x, t_x, T]: expected purchases in the next t time units for a customer with this history. */
export function conditionalExpectedPurchases(params: BgNbdParams, t: number, row: RfmRow): number {
  validateRfmRow(row, 0);
  if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`horizon t must be finite and >= 0, got ${t}`);
  const { frequency: x, recency: tx, T } = row;
  return expectationCore(params, t, x, T) * aliveGivenValidRow(params, x, tx, T);
}

/**
 * Expected purchases at several cumulative horizons for one customer (for discounting per period):
 * P(alive) is computed once.
 */
export function conditionalExpectedPurchasesAt(params: BgNbdParams, horizons: readonly number[], row: RfmRow): number[] {
  validateRfmRow(row, 0);
  for (const t of horizons) if (!(t >= 0) || !Number.isFinite(t)) throw new RangeError(`horizon t must be finite and >= 0, got ${t}`);
  const alive = aliveGivenValidRow(params, row.frequency, row.recency, row.T);
  return horizons.map((t) => expectationCore(params, t, row.frequency, row.T) * alive);
}

/** P(X(t) = n) for a new customer (FHL05 eq. 8). */
export function probabilityOfPurchases({ r, alpha, a, b }: BgNbdParams, t: number, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (t <= 0) return n === 0 ? 1 : 0;
  const lbab = betaln(a, b);
  const lnQ = Math.log(alpha / (alpha + t));
  const lnZ = Math.log(t / (alpha + t));
  // Negative binomial pmf of n purchases by t if alive throughout.
  const nbPmf = (j: number): number => Math.exp(gammaln(r + j) - gammaln(r) - gammaln(j + 1) + r * lnQ + j * lnZ);
  const first = Math.exp(betaln(a, b + n) - lbab) * nbPmf(n);
  if (n === 0) return first;
  // P(NB >= n): sum the shorter side, so the tail is not the difference of two numbers near 1.
  let head = 0;
  for (let j = 0; j < n; j++) head += nbPmf(j);
  let tail = 1 - head;
  if (head > 0.5) {
    tail = 0;
    let term = nbPmf(n);
    for (let j = n; j < n + 1_000_000 && term > 1e-18 * tail; j++) {
      tail += term;
      term *= ((r + j) / (j + 1)) * Math.exp(lnZ);
    }
  }
  return first + Math.exp(betaln(a + 1, b + n - 1) - lbab) * tail;
}
