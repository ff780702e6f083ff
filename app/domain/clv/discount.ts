/**
 * Discounted expected value over a horizon, as lifetimes' `customer_lifetime_value`:
 *   Σ_{i=1..months} [E(Y(i·u)) − E(Y((i−1)·u))] · valuePerPurchase / (1 + d)^i,
 * with u time units per month and E(Y(t)) the BG/NBD conditional expectation. Purchases expected in
 * month i are discounted by a full month i (end-of-month convention, like lifetimes).
 */
import { expectedPurchasesIfAlive, probabilityAlive, type BgNbdParams } from "./bgnbd";
import type { RfmRow } from "./rows";
import type { TimeUnit } from "./summary";

export interface ClvOptions {
  /** Horizon in months. */
  months: number;
  /** Discount rate per month (0.01 = 1 % a month). */
  monthlyDiscountRate: number;
  /**
   * Model time units per month: use `unitsPerMonth(timeUnit)` (30.4375 days, 4.348 weeks). lifetimes
   * hard-codes 30 for freq "D" even when the data are in weeks, which is how its documented CDNOW
   * figures come about; pass 30 only to reproduce those.
   */
  unitsPerMonth: number;
}

const DAYS_PER_MONTH = 365.25 / 12;

export function unitsPerMonth(unit: TimeUnit): number {
  return unit === "weeks" ? DAYS_PER_MONTH / 7 : DAYS_PER_MONTH;
}

export function validateClvOptions({ months, monthlyDiscountRate, unitsPerMonth: u }: ClvOptions): void {
  if (!Number.isInteger(months) || months < 0) throw new RangeError(`months must be a non-negative integer, got ${months}`);
  if (!(monthlyDiscountRate > -1) || !Number.isFinite(monthlyDiscountRate)) {
    throw new RangeError(`monthlyDiscountRate must be finite and > -1, got ${monthlyDiscountRate}`);
  }
  if (!(u > 0) || !Number.isFinite(u)) throw new RangeError(`unitsPerMonth must be finite and > 0, got ${u}`);
}

/**
 * Σ_i [E(Y(i·u)) − E(Y((i−1)·u))] / (1+d)^i: the discounted number of expected purchases. CLV is this
 * times the expected value per purchase. It factors as P(alive | x, t_x, T) times the same sum for a
 * customer known to be alive, which depends on (x, T) only: intervals compute that once per (x, T).
 */
export function discountedPurchases(bg: BgNbdParams, row: RfmRow, options: ClvOptions): number {
  return probabilityAlive(bg, row) * discountedPurchasesIfAlive(bg, row, options);
}

export function discountedPurchasesIfAlive(bg: BgNbdParams, row: Pick<RfmRow, "frequency" | "T">, options: ClvOptions): number {
  validateClvOptions(options);
  let total = 0;
  let factor = 1;
  let previous = 0;
  for (let i = 1; i <= options.months; i++) {
    const cumulative = expectedPurchasesIfAlive(bg, i * options.unitsPerMonth, row);
    factor /= 1 + options.monthlyDiscountRate;
    total += (cumulative - previous) * factor;
    previous = cumulative;
  }
  return total;
}

/** Discounted expected value of a customer's future purchases at `valuePerPurchase` each. */
export function discountedValue(bg: BgNbdParams, row: RfmRow, valuePerPurchase: number, options: ClvOptions): number {
  return discountedPurchases(bg, row, options) * valuePerPurchase;
}
