/**
 * The maximum-likelihood driver shared by BG/NBD and Gamma-Gamma. Parameters are positive, so the
 * search runs on their logarithms (unconstrained), inside a box |log θ| <= 30 that keeps every
 * likelihood term finite. BFGS from each start in turn; if none converges, Nelder-Mead from the best
 * point and a BFGS polish. Standard errors come from a numerical Hessian at the optimum.
 */
import { ModelFitError } from "./errors";
import { inverseSpd } from "./linalg";
import { hessianFromGradient, minimizeBfgs, type BfgsOptions, minimizeNelderMead, type ObjectiveWithGradient, type OptimizeResult } from "./optimize";

const LOG_BOUND = 30;
/** Log-parameters beyond this are reported as a boundary (degenerate) solution. */
const BOUNDARY = 25;

export interface FitDiagnostics {
  converged: boolean;
  /** Optimiser that produced the estimate. */
  method: "bfgs" | "nelder-mead+bfgs";
  iterations: number;
  evaluations: number;
  /** Why the search stopped. */
  message: string;
  /** Infinity norm of the gradient of the mean negative log-likelihood w.r.t. log-parameters. */
  gradientNorm: number;
  /** A parameter ran off towards 0 or infinity: the data do not identify the model. */
  atBoundary: boolean;
}

export interface FitOptions {
  maxIterations?: number;
  /** On the gradient of the mean negative log-likelihood w.r.t. log-parameters. */
  gradientTolerance?: number;
  /** Passed to BFGS (see BfgsOptions.onIterate). */
  onIterate?: BfgsOptions["onIterate"];
}

export interface Uncertainty {
  /** Covariance of the log-parameters (inverse observed information); used to sample parameters. */
  logCovariance: number[][];
  /** Covariance of the parameters on their natural scale (delta method from the log scale). */
  covariance: number[][];
  standardErrors: number[];
}

export interface LikelihoodMaximum {
  logParams: number[];
  meanNll: number;
  diagnostics: FitDiagnostics;
  /** Null at a boundary or where the Hessian is not positive definite (no interior maximum). */
  uncertainty: Uncertainty | null;
}

/**
 * Minimises `meanNll` (mean negative log-likelihood as a function of log-parameters, with gradient).
 * The first `minStarts` starts are always tried (a caller's own start plus the default); after that
 * the search stops at the first start that reaches a proper maximum: converged, inside the box, with a
 * positive-definite Hessian. A flat ridge (a single customer, say) is reported as not converged.
 * Throws ModelFitError("no-finite-likelihood") when no start gives a finite value.
 */
export function maximizeLikelihood(
  meanNll: ObjectiveWithGradient,
  starts: readonly (readonly number[])[],
  totalWeight: number,
  options: FitOptions = {},
  minStarts = 1,
): LikelihoodMaximum {
  const boxed: ObjectiveWithGradient = (x, grad) => {
    if (x.some((v) => !(Math.abs(v) <= LOG_BOUND))) {
      grad.fill(0);
      return Infinity;
    }
    const value = meanNll(x, grad);
    return Number.isFinite(value) ? value : Infinity;
  };
  const bfgsOptions: BfgsOptions = {
    maxIterations: options.maxIterations ?? 500, gradientTolerance: options.gradientTolerance ?? 1e-9, maxStep: 3, onIterate: options.onIterate,
  };
  const tried: OptimizeResult[] = [];
  const information = new Map<OptimizeResult, Uncertainty | null>();
  const atBoundary = (r: OptimizeResult): boolean => r.x.some((v) => Math.abs(v) > BOUNDARY);
  const uncertaintyOf = (r: OptimizeResult): Uncertainty | null => {
    if (!information.has(r)) information.set(r, atBoundary(r) ? null : uncertaintyAt(meanNll, r.x, totalWeight));
    return information.get(r) ?? null;
  };
  const proper = (r: OptimizeResult): boolean => r.converged && Number.isFinite(r.value) && uncertaintyOf(r) !== null;
  const pickBest = (): OptimizeResult =>
    tried.reduce((b, r) => (r.value < b.value || (r.value === b.value && r.converged && !b.converged) ? r : b));
  for (let i = 0; i < starts.length; i++) {
    tried.push(minimizeBfgs(boxed, starts[i], bfgsOptions));
    if (i + 1 >= minStarts && proper(pickBest())) break;
  }
  let method: FitDiagnostics["method"] = "bfgs";
  const first = pickBest();
  if (!proper(first)) {
    const origin = Number.isFinite(first.value) ? first.x : starts[0];
    const simplex = minimizeNelderMead((x) => boxed(x, new Array<number>(x.length).fill(0)), origin, {
      maxIterations: 4000,
      tolerance: 1e-12,
    });
    const polished = minimizeBfgs(boxed, simplex.x, bfgsOptions);
    tried.push(simplex, polished);
    if (pickBest() !== first) method = "nelder-mead+bfgs";
  }
  const result = pickBest();
  if (!Number.isFinite(result.value)) {
    throw new ModelFitError("no-finite-likelihood", "the log-likelihood is not finite at any parameter values tried");
  }
  const grad = new Array<number>(result.x.length).fill(0);
  boxed(result.x, grad);
  const boundary = atBoundary(result);
  const uncertainty = uncertaintyOf(result);
  let message = result.reason;
  if (boundary) message += "; a parameter is at the boundary (the data do not identify the model)";
  else if (!uncertainty) message += "; the Hessian is not positive definite (the data do not identify the parameters)";
  return {
    logParams: result.x,
    meanNll: result.value,
    uncertainty,
    diagnostics: {
      converged: result.converged && uncertainty !== null,
      method,
      iterations: tried.reduce((s, r) => s + r.iterations, 0),
      evaluations: tried.reduce((s, r) => s + r.evaluations, 0),
      message,
      gradientNorm: grad.reduce((m, g) => Math.max(m, Math.abs(g)), 0),
      atBoundary: boundary,
    },
  };
}

/**
 * Parameter covariance from the observed information: the Hessian of the total negative
 * log-likelihood w.r.t. log-parameters, by central differences of the analytic gradient. Null when
 * that Hessian is not positive definite (flat or degenerate likelihood), so no standard errors exist.
 */
export function uncertaintyAt(meanNll: ObjectiveWithGradient, logParams: readonly number[], totalWeight: number): Uncertainty | null {
  const hessian = hessianFromGradient(meanNll, logParams).map((row) => row.map((v) => v * totalWeight));
  if (!hessian.every((row) => row.every(Number.isFinite))) return null;
  const logCovariance = inverseSpd(hessian);
  if (!logCovariance) return null;
  const covariance = naturalCovariance(logCovariance, logParams.map(Math.exp));
  return { logCovariance, covariance, standardErrors: covariance.map((row, i) => Math.sqrt(row[i])) };
}

/**
 * The covariance of θ from that of log θ: at the optimum the gradient vanishes, so it is D·Σ_log·D
 * with D = diag(θ).
 */
export function naturalCovariance(logCovariance: readonly (readonly number[])[], theta: readonly number[]): number[][] {
  return logCovariance.map((row, i) => row.map((v, j) => v * theta[i] * theta[j]));
}
