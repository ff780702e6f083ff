/**
 * The little dense linear algebra the models need (4x4 at most): Cholesky, and the inverse of a
 * symmetric positive-definite matrix. Cholesky doubles as the positive-definiteness test for a
 * Hessian, and its factor is what turns standard normals into correlated parameter draws.
 */
export type Matrix = number[][];

/**
 * Lower-triangular L with A = L·Lᵀ, or null when A is not (numerically) positive definite. With
 * `semidefinite`, a pivot that vanishes to rounding (a direction without variance, as in a covariance
 * mapped from fewer parameters) gives a zero column instead of null.
 */
export function cholesky(a: Matrix, semidefinite = false): Matrix | null {
  const n = a.length;
  const l: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i][j];
      for (let k = 0; k < j; k++) sum -= l[i][k] * l[j][k];
      if (i === j) {
        if (semidefinite && Math.abs(sum) <= 1e-10 * Math.abs(a[i][i])) l[i][i] = 0;
        else if (!(sum > 0) || !Number.isFinite(sum)) return null;
        else l[i][i] = Math.sqrt(sum);
      } else {
        l[i][j] = l[j][j] === 0 ? 0 : sum / l[j][j];
      }
    }
  }
  return l;
}

/** Inverse of a symmetric positive-definite matrix, or null when it is not positive definite. */
export function inverseSpd(a: Matrix): Matrix | null {
  const l = cholesky(a);
  if (!l) return null;
  const n = a.length;
  // Invert L (lower triangular), then A⁻¹ = L⁻ᵀ·L⁻¹.
  const li: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    li[i][i] = 1 / l[i][i];
    for (let j = 0; j < i; j++) {
      let sum = 0;
      for (let k = j; k < i; k++) sum -= l[i][k] * li[k][j];
      li[i][j] = sum / l[i][i];
    }
  }
  const inv: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let k = i; k < n; k++) sum += li[k][i] * li[k][j];
      inv[i][j] = sum;
      inv[j][i] = sum;
    }
  }
  return inv;
}
