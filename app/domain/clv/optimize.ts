/**
 * Small unconstrained minimisers for the model fits (parameters are optimised on the log scale, so
 * "unconstrained" is what the models need):
 *
 * - `minimizeBfgs`: quasi-Newton with an analytic gradient and a backtracking (Armijo) line search. The
 *   likelihoods here are smooth and cheap to differentiate, so this needs ~20-60 gradient evaluations
 *   where Nelder-Mead needs hundreds of function evaluations.
 * - `minimizeNelderMead`: derivative-free fallback for when a gradient is not finite.
 * - `hessianFromGradient` / `numericalHessian`: central differences at the optimum, for standard errors.
 *
 * Every loop has an iteration cap and the result says whether it converged and why it stopped, so a fit
 * can never hang. A non-finite objective value is treated as +Infinity (the search steps back from it).
 */

export type Objective = (x: readonly number[]) => number;
/** Returns the objective and writes its gradient into `grad`. */
export type ObjectiveWithGradient = (x: readonly number[], grad: number[]) => number;

export interface OptimizeResult {
  x: number[];
  value: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** Why the search stopped, for logs and the fit result. */
  reason: string;
  /** Infinity norm of the gradient at `x` (NaN for Nelder-Mead). */
  gradientNorm: number;
}

export interface BfgsOptions {
  maxIterations?: number;
  /** Converged when the infinity norm of the gradient is below this. */
  gradientTolerance?: number;
  /** Largest change of any coordinate in one step: keeps log-parameters from leaping into overflow. */
  maxStep?: number;
  /** Called with each accepted iterate; may throw to abandon the search (a caller's own stopping rule). */
  onIterate?: (x: readonly number[], value: number, previousValue: number) => void;
}

const finite = (v: number): number => (Number.isFinite(v) ? v : Infinity);
const normInf = (v: readonly number[]): number => v.reduce((m, e) => Math.max(m, Math.abs(e)), 0);
const dot = (u: readonly number[], v: readonly number[]): number => u.reduce((s, e, i) => s + e * v[i], 0);
const identity = (n: number): number[][] =>
  Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));

export function minimizeBfgs(fg: ObjectiveWithGradient, x0: readonly number[], options: BfgsOptions = {}): OptimizeResult {
  const maxIterations = options.maxIterations ?? 500;
  const gtol = options.gradientTolerance ?? 1e-8;
  const maxStep = options.maxStep ?? 5;
  const n = x0.length;
  let x = [...x0];
  let g = new Array<number>(n).fill(0);
  let f = finite(fg(x, g));
  let evaluations = 1;
  if (f === Infinity || !g.every(Number.isFinite)) {
    return { x, value: f, iterations: 0, evaluations, converged: false, reason: "objective or gradient not finite at the start", gradientNorm: NaN };
  }
  let h = identity(n); // inverse Hessian approximation
  let fresh = true; // h is the identity: a failed line search ends the search instead of resetting
  let stalls = 0;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const gnorm = normInf(g);
    if (gnorm <= gtol) return done(true, "gradient below tolerance", iteration - 1);

    let d = h.map((row) => -dot(row, g));
    let slope = dot(g, d);
    if (!(slope < 0)) {
      h = identity(n);
      fresh = true;
      d = g.map((e) => -e);
      slope = dot(g, d);
    }
    // Backtracking line search with the Armijo condition; the first trial step is capped by maxStep.
    let step = Math.min(1, maxStep / Math.max(normInf(d), 1e-300));
    const gNew = new Array<number>(n).fill(0);
    let xNew = x;
    let fNew = Infinity;
    let accepted = false;
    for (let k = 0; k < 60; k++) {
      xNew = x.map((e, i) => e + step * d[i]);
      fNew = finite(fg(xNew, gNew));
      evaluations++;
      if (fNew <= f + 1e-4 * step * slope && gNew.every(Number.isFinite)) {
        accepted = true;
        break;
      }
      // A full step that changes f only at rounding level, with a small gradient: we are at the optimum
      // to the precision the objective can be summed to (large data sets), so further steps are noise.
      if (k === 0 && Math.abs(fNew - f) <= 1e-13 * Math.max(1, Math.abs(f)) && gnorm <= Math.sqrt(gtol)) {
        return done(true, "objective change at rounding level", iteration);
      }
      // Quadratic interpolation of the step when the trial value is finite, halving otherwise.
      const q = fNew === Infinity ? 0.5 : (-slope * step) / (2 * (fNew - f - slope * step));
      step *= Math.min(0.5, Math.max(0.1, Number.isFinite(q) ? q : 0.5));
    }
    if (!accepted) {
      if (fresh) return done(gnorm <= Math.sqrt(gtol), "line search found no decrease", iteration);
      h = identity(n);
      fresh = true;
      continue;
    }
    const s = xNew.map((e, i) => e - x[i]);
    const y = gNew.map((e, i) => e - g[i]);
    const change = f - fNew;
    x = xNew;
    g = [...gNew];
    const fOld = f;
    f = fNew;
    options.onIterate?.(x, f, fOld);
    // Stop when the value no longer moves at machine precision and the gradient is already small.
    stalls = change <= 1e-15 * Math.max(1, Math.abs(fOld)) ? stalls + 1 : 0;
    if (stalls >= 3) return done(normInf(g) <= Math.sqrt(gtol), "objective stalled", iteration);

    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (fresh) {
        // Scale the first approximation to the curvature just seen (Shanno-Phua).
        const scale = sy / dot(y, y);
        h = h.map((row) => row.map((e) => e * scale));
        fresh = false;
      }
      const hy = h.map((row) => dot(row, y));
      const yhy = dot(y, hy);
      const rho = 1 / sy;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          h[i][j] += rho * ((1 + rho * yhy) * s[i] * s[j] - hy[i] * s[j] - s[i] * hy[j]);
        }
      }
    }
  }
  return done(normInf(g) <= gtol, "iteration cap reached", maxIterations);

  function done(converged: boolean, reason: string, iterations: number): OptimizeResult {
    return { x, value: f, iterations, evaluations, converged, reason, gradientNorm: normInf(g) };
  }
}

export interface NelderMeadOptions {
  maxIterations?: number;
  /** Converged when the simplex's values and coordinates both span less than this. */
  tolerance?: number;
  /** Size of the initial simplex along each axis. */
  initialStep?: number;
}

export function minimizeNelderMead(f: Objective, x0: readonly number[], options: NelderMeadOptions = {}): OptimizeResult {
  const maxIterations = options.maxIterations ?? 5000;
  const tol = options.tolerance ?? 1e-10;
  const step = options.initialStep ?? 0.5;
  const n = x0.length;
  let evaluations = 0;
  const value = (x: readonly number[]): number => {
    evaluations++;
    return finite(f(x));
  };
  let simplex: { x: number[]; f: number }[] = [{ x: [...x0], f: value(x0) }];
  for (let i = 0; i < n; i++) {
    const x = [...x0];
    x[i] += step;
    simplex.push({ x, f: value(x) });
  }
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    simplex.sort((p, q) => p.f - q.f);
    const best = simplex[0];
    const worst = simplex[n];
    const fSpread = Math.abs(worst.f - best.f);
    const xSpread = Math.max(...simplex.slice(1).map((p) => normInf(p.x.map((e, i) => e - best.x[i]))));
    if (Number.isFinite(best.f) && fSpread <= tol * Math.max(1, Math.abs(best.f)) && xSpread <= Math.sqrt(tol)) {
      return { x: best.x, value: best.f, iterations: iteration - 1, evaluations, converged: true, reason: "simplex collapsed", gradientNorm: NaN };
    }
    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) centroid[i] += simplex[k].x[i] / n;
    const along = (t: number): number[] => centroid.map((c, i) => c + t * (worst.x[i] - c));
    const reflected = along(-1);
    const fr = value(reflected);
    if (fr < best.f) {
      const expanded = along(-2);
      const fe = value(expanded);
      simplex[n] = fe < fr ? { x: expanded, f: fe } : { x: reflected, f: fr };
    } else if (fr < simplex[n - 1].f) {
      simplex[n] = { x: reflected, f: fr };
    } else {
      const contracted = fr < worst.f ? along(-0.5) : along(0.5);
      const fc = value(contracted);
      if (fc < Math.min(fr, worst.f)) {
        simplex[n] = { x: contracted, f: fc };
      } else {
        simplex = simplex.map((p, k) => {
          if (k === 0) return p;
          const x = p.x.map((e, i) => best.x[i] + 0.5 * (e - best.x[i]));
          return { x, f: value(x) };
        });
      }
    }
  }
  simplex.sort((p, q) => p.f - q.f);
  return { x: simplex[0].x, value: simplex[0].f, iterations: maxIterations, evaluations, converged: false, reason: "iteration cap reached", gradientNorm: NaN };
}

/** Hessian by central differences of an analytic gradient (more accurate than second differences of f). */
export function hessianFromGradient(fg: ObjectiveWithGradient, x: readonly number[], relativeStep = 1e-5): number[][] {
  const n = x.length;
  const columns: number[][] = [];
  for (let j = 0; j < n; j++) {
    const h = relativeStep * Math.max(1, Math.abs(x[j]));
    const up = [...x];
    const down = [...x];
    up[j] += h;
    down[j] -= h;
    const gUp = new Array<number>(n).fill(0);
    const gDown = new Array<number>(n).fill(0);
    fg(up, gUp);
    fg(down, gDown);
    columns.push(gUp.map((e, i) => (e - gDown[i]) / (2 * h)));
  }
  // Symmetrise: the two finite-difference estimates of each cross term differ by rounding only.
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (columns[j][i] + columns[i][j]) / 2));
}

/** Hessian by central second differences of the function alone. */
export function numericalHessian(f: Objective, x: readonly number[], relativeStep = 1e-4): number[][] {
  const n = x.length;
  const hs = x.map((e) => relativeStep * Math.max(1, Math.abs(e)));
  const at = (di: number, si: number, dj: number, sj: number): number => {
    const y = [...x];
    y[di] += si * hs[di];
    y[dj] += sj * hs[dj];
    return f(y);
  };
  const f0 = f(x);
  const hess: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    hess[i][i] = (f(x.map((e, k) => (k === i ? e + hs[i] : e))) - 2 * f0 + f(x.map((e, k) => (k === i ? e - hs[i] : e)))) / (hs[i] * hs[i]);
    for (let j = 0; j < i; j++) {
      const v = (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * hs[i] * hs[j]);
      hess[i][j] = v;
      hess[j][i] = v;
    }
  }
  return hess;
}
