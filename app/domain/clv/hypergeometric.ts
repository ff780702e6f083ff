/**
 * Gauss hypergeometric function ₂F₁(a, b; c; z) for real z < 1 (and z = 1 when c − a − b > 0).
 *
 * Why our own: @stdlib/math-base-special-hyp2f1 is accurate for the arguments of the unconditional
 * BG/NBD expectation (checked in test/domain/clv/hypergeometric.test.ts), but the conditional
 * expectation needs ₂F₁(r+x, b+x; a+b+x−1; z), whose value really is astronomically large for a
 * frequent buyer (x = 10,000), so any direct evaluation overflows. bgnbd.ts therefore applies Euler's
 * transformation and sums a different, well-behaved series itself; this general function is kept for
 * tests, for other models, and as the reference the BG/NBD series is checked against.
 */
import gamma from "@stdlib/math-base-special-gamma";

const MAX_TERMS = 10_000_000;

/**
 * Bound on every later term ratio of a series whose ratio is z·((k+u)/(k+1))·((k+v)/(k+w)): each
 * factor (k+s)/(k+t) is monotone in k and tends to 1, so from k on it never exceeds max(its value, 1).
 * Returns Infinity while a factor is still negative (before the terms settle into one sign).
 */
export function laterRatioBound(z: number, k: number, u: number, v: number, w: number): number {
  const f1 = (k + u) / (k + 1);
  const f2 = (k + v) / (k + w);
  if (f1 <= 0 || f2 <= 0) return Infinity;
  return Math.abs(z) * Math.max(f1, 1) * Math.max(f2, 1);
}

/** Σ_k (a)_k (b)_k / ((c)_k k!) zᵏ, summed until a geometric bound on the tail is below double precision. */
function series(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 0; k < MAX_TERMS; k++) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    sum += term;
    if (term === 0) return sum; // a or b is a non-positive integer: the series is a polynomial
    if (!Number.isFinite(sum)) throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}) overflows`);
    if (Math.abs(term) <= 1e-12 * Math.abs(sum)) {
      const rho = laterRatioBound(z, k + 1, a, b, c);
      if (rho < 1 && (Math.abs(term) * rho) / (1 - rho) <= 1e-17 * Math.abs(sum)) return sum;
    }
  }
  throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}) did not converge in ${MAX_TERMS} terms`);
}

export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (![a, b, c, z].every(Number.isFinite)) return NaN;
  if (c <= 0 && Number.isInteger(c)) return NaN; // pole of the series
  if (z === 0 || a === 0 || b === 0) return 1;
  if (z > 1) throw new RangeError("hyp2f1 is only implemented for z <= 1");
  if (z === 1) {
    // Gauss's theorem; the series diverges at z = 1 unless c − a − b > 0.
    if (c - a - b <= 0) return Infinity;
    return (gamma(c) * gamma(c - a - b)) / (gamma(c - a) * gamma(c - b));
  }
  if (z < -0.5) {
    // Pfaff: maps z < −0.5 into (1/3, 1), where the power series converges without alternating.
    return Math.pow(1 - z, -a) * series(a, c - b, c, z / (z - 1));
  }
  return series(a, b, c, z);
}
