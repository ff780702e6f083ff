/**
 * The seed's simple lifetime model (Metricuno, "Contribution Margin-Adjusted LTV"):
 *   CM per order = AOV x CM%
 *   lifespan     = 1 / (1 - annual retention)       years
 *   CM-LTV       = CM per order x orders per year x lifespan
 *   revenue LTV  = AOV x orders per year x lifespan
 *
 * Rounding, as the seed does it: CM per order is rounded to a minor unit and used as shown; the
 * lifespan is rounded to 2 decimals (1 / 0.55 = 1.8181... -> 1.82) and that 1.82 is what multiplies.
 * Each LTV is then rounded once to a minor unit (half away from zero). The seed's €306 is
 * 70 x 2.4 x 1.82 = 305.76; the unrounded lifespan would give 305.45 -> 305.
 *
 * No floats: money in minor units, CM% and retention in basis points, orders per year as a decimal
 * of up to 4 places read exactly ("2.4" or 2.4), all products in BigInt.
 */
import { divideRounded, parseMoney } from "../money/money";
import { assertMinorUnits, BPS_SCALE, roundHalfAwayFromZero } from "./exact-math";

export interface SimpleLtvInput {
  /** Average order value, minor units. */
  averageOrderValue: number;
  /** Contribution margin as a share of revenue, basis points (3800 = 38%); negative when orders lose money. */
  contributionMarginBps: number;
  /** Orders a retained customer places per year: up to 4 decimals. */
  ordersPerYear: number | string;
  /** Share of customers still buying a year later, basis points, below 10000. */
  annualRetentionBps: number;
  /** Blended customer acquisition cost, minor units; omit or 0 for no ratio. */
  customerAcquisitionCost?: number;
}

export type LtvCacBand = "losing_money" | "fragile" | "below_target" | "healthy" | "strong" | "under_investing";

export interface LtvCacBandInfo {
  band: LtvCacBand;
  label: string;
  /** Bounds in hundredths of x; see LTV_CAC_BANDS for which ends are inclusive. */
  fromX100: number | null;
  toX100: number | null;
  meaning: string;
}

/**
 * Bands for CM-LTV:CAC. The seed names <1 (losing money), <2 (fragile), 2.5-3 (the working target)
 * and >4 (under-investing); we call 2-2.5 "below target" and 3-4 "strong". Intervals:
 * below 1 losing money, [1,2) fragile, [2,2.5) below target, [2.5,3] healthy, (3,4] strong, >4 under-investing.
 */
export const LTV_CAC_BANDS: readonly LtvCacBandInfo[] = [
  { band: "losing_money", label: "Losing money", fromX100: null, toX100: 100,
    meaning: "A customer contributes less than it cost to acquire." },
  { band: "fragile", label: "Fragile", fromX100: 100, toX100: 200,
    meaning: "Profitable on paper, with no room for ad-cost inflation, a returns spike or a bad quarter." },
  { band: "below_target", label: "Below target", fromX100: 200, toX100: 250,
    meaning: "Viable, but under the 2.5-3x working target for DTC." },
  { band: "healthy", label: "Healthy", fromX100: 250, toX100: 300,
    meaning: "The working target for DTC on contribution margin." },
  { band: "strong", label: "Strong", fromX100: 300, toX100: 400,
    meaning: "Above target: room to spend more on acquisition." },
  { band: "under_investing", label: "Likely under-investing", fromX100: 400, toX100: null,
    meaning: "Probably under-investing in growth." },
];

/** Band of ltv / cac, compared exactly (no rounded ratio decides a boundary). */
export function ltvCacBand(ltv: number, cac: number): LtvCacBand {
  if (cac <= 0) throw new RangeError("CAC must be positive to band a ratio");
  const ratioX100 = BigInt(ltv) * 100n; // compared with threshold x cac
  const below = (thresholdX100: number) => ratioX100 < BigInt(thresholdX100) * BigInt(cac);
  const above = (thresholdX100: number) => ratioX100 > BigInt(thresholdX100) * BigInt(cac);
  if (below(100)) return "losing_money";
  if (below(200)) return "fragile";
  if (below(250)) return "below_target";
  if (!above(300)) return "healthy";
  if (!above(400)) return "strong";
  return "under_investing";
}

export interface LtvCacRatio {
  /** ltv / cac in hundredths, rounded once (1.2910 -> 129). */
  x100: number;
  /** To one decimal, as the seed shows it ("1.3x"). */
  display: string;
}

function ratio(ltv: number, cac: number): LtvCacRatio {
  const tenths = roundHalfAwayFromZero(BigInt(ltv) * 10n, BigInt(cac));
  const sign = tenths < 0 ? "-" : "";
  const abs = Math.abs(tenths);
  return {
    x100: roundHalfAwayFromZero(BigInt(ltv) * 100n, BigInt(cac)),
    display: `${sign}${Math.floor(abs / 10)}.${abs % 10}x`,
  };
}

export interface SimpleLtvResult {
  contributionMarginPerOrder: number;
  /** Orders per year in ten-thousandths (2.4 -> 24000). */
  ordersPerYearX10000: number;
  /** Lifespan in hundredths of a year, as shown and used (1.82 -> 182). */
  lifespanYearsX100: number;
  cmLtv: number;
  revenueLtv: number;
  /** null without a positive CAC. */
  cmLtvToCac: (LtvCacRatio & { band: LtvCacBand }) | null;
  /** Not banded: the bands are calibrated for margin; revenue inflates the ratio by 1 / CM%. */
  revenueLtvToCac: LtvCacRatio | null;
}

function parseOrdersPerYear(input: number | string): number {
  try {
    const value = parseMoney(input, 4);
    if (value < 0) throw new RangeError("negative");
    return value;
  } catch {
    throw new RangeError(`ordersPerYear must be a non-negative decimal with at most 4 places, got ${String(input)}`);
  }
}

export function simpleLtv(input: SimpleLtvInput): SimpleLtvResult {
  assertMinorUnits(input.averageOrderValue, "averageOrderValue");
  const { contributionMarginBps: cmBps, annualRetentionBps: retentionBps } = input;
  if (!Number.isInteger(cmBps) || Math.abs(cmBps) > BPS_SCALE) {
    throw new RangeError(`contributionMarginBps must be a whole number between -10000 and 10000, got ${cmBps}`);
  }
  if (!Number.isInteger(retentionBps) || retentionBps < 0 || retentionBps >= BPS_SCALE) {
    throw new RangeError(`annualRetentionBps must be a whole number from 0 to 9999 (100% means forever), got ${retentionBps}`);
  }
  const cac = input.customerAcquisitionCost ?? 0;
  assertMinorUnits(cac, "customerAcquisitionCost");
  const ordersPerYearX10000 = parseOrdersPerYear(input.ordersPerYear);

  const contributionMarginPerOrder = roundHalfAwayFromZero(
    BigInt(input.averageOrderValue) * BigInt(cmBps), BigInt(BPS_SCALE));
  // 1 / (1 - r) with r in bps: 10000 / (10000 - r) years, in hundredths.
  const lifespanYearsX100 = roundHalfAwayFromZero(100n * BigInt(BPS_SCALE), BigInt(BPS_SCALE - retentionBps));
  const lifetime = (perOrder: number) => roundHalfAwayFromZero(
    BigInt(perOrder) * BigInt(ordersPerYearX10000) * BigInt(lifespanYearsX100), 10_000n * 100n);
  const cmLtv = lifetime(contributionMarginPerOrder);
  const revenueLtv = lifetime(input.averageOrderValue);

  return {
    contributionMarginPerOrder, ordersPerYearX10000, lifespanYearsX100, cmLtv, revenueLtv,
    cmLtvToCac: cac > 0 ? { ...ratio(cmLtv, cac), band: ltvCacBand(cmLtv, cac) } : null,
    revenueLtvToCac: cac > 0 ? ratio(revenueLtv, cac) : null,
  };
}

/** An amount in whole currency units, rounded half away from zero (11619 cents -> 116), as the seed quotes LTVs. */
export function toWholeUnits(minor: number, digits: number): number {
  return divideRounded(minor, 10 ** digits);
}
