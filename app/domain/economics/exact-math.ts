/**
 * Exact integer arithmetic for percentages and ratios. Amounts are integer minor units and
 * percentages are basis points (10000 = 100%); products go through BigInt so nothing overflows
 * or drifts, and every result is rounded exactly once, half away from zero.
 */

export const BPS_SCALE = 10_000;

/** numerator / denominator rounded half away from zero to an integer (a safe JS number). */
export function roundHalfAwayFromZero(numerator: bigint, denominator: bigint): number {
  if (denominator === 0n) throw new RangeError("Division by zero");
  const negative = (numerator < 0n) !== (denominator < 0n);
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  // floor(n/d + 1/2) on magnitudes is "round half up"; restoring the sign makes it half away from zero.
  const magnitude = (2n * n + d) / (2n * d);
  const result = Number(negative ? -magnitude : magnitude);
  if (!Number.isSafeInteger(result)) throw new RangeError("Result is too large to represent exactly");
  return result === 0 ? 0 : result; // never -0
}

/** amount x bps / 10000, rounded once. */
export function applyBps(amount: number, bps: number): number {
  return roundHalfAwayFromZero(BigInt(amount) * BigInt(bps), BigInt(BPS_SCALE));
}

/** part / whole in basis points, rounded once; null when whole is not positive (no meaningful share). */
export function shareInBps(part: number, whole: number): number | null {
  if (whole <= 0) return null;
  return roundHalfAwayFromZero(BigInt(part) * BigInt(BPS_SCALE), BigInt(whole));
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/**
 * A running sum of exact fractions, rounded only when read: lets a component made of several
 * percentage terms (COGS estimated on many lines) be rounded once instead of once per term.
 */
export class ExactSum {
  private numerator = 0n;
  private denominator = 1n;

  add(numerator: bigint, denominator: bigint = 1n): this {
    if (denominator === 0n) throw new RangeError("Division by zero");
    const n = this.numerator * denominator + numerator * this.denominator;
    const d = this.denominator * denominator;
    const divisor = gcd(n, d) || 1n;
    this.numerator = n / divisor;
    this.denominator = d / divisor;
    if (this.denominator < 0n) {
      this.numerator = -this.numerator;
      this.denominator = -this.denominator;
    }
    return this;
  }

  rounded(): number {
    return roundHalfAwayFromZero(this.numerator, this.denominator);
  }
}

/** Integer check for amounts coming from callers: money must be whole, safe minor units. */
export function assertMinorUnits(value: number, what: string, { allowNegative = false } = {}): void {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a whole number of minor units, got ${value}`);
  if (!allowNegative && value < 0) throw new RangeError(`${what} must not be negative, got ${value}`);
}
