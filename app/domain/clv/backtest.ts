/**
 * Backtest of the predictive CM-LTV model: refit on the history up to a cut-off, predict the holdout
 * that followed, and compare with what customers actually did, so a merchant can see whether to
 * trust the forecast on their own store.
 *
 * - Purchases: BG/NBD conditional expectation over the holdout length per customer, against the
 *   purchases (purchase days when same-day orders are merged) each customer really made.
 * - Margin: expected purchases x expected margin per order (Gamma-Gamma on contribution margin, with
 *   non-positive-margin customers at their own observed mean, see margin.ts), against the holdout's
 *   actual margin. Skipped with a message when Gamma-Gamma cannot be fitted.
 * - Calibration by frequency group: customers grouped by calibration frequency (0, 1, ..., 7+), mean
 *   predicted against mean actual holdout purchases per group (the chart of Fader, Hardie & Lee 2005).
 * - Correlation: Pearson correlation of individual predictions with actual values.
 */
import { conditionalExpectedPurchases, fitBgNbd, type BgNbdFit } from "./bgnbd";
import { ModelFitError } from "./errors";
import { fitGammaGamma, type GammaGammaFit } from "./gamma-gamma";
import { expectedMarginPerOrder, marginGroupOf } from "./margin";
import { summarizeTransactions, type CustomerSummary, type TimeUnit, type Transaction } from "./summary";

export interface BacktestOptions {
  /** Last day of the fitting period (inclusive). */
  calibrationEnd: string | Date;
  /** Last day of the holdout (inclusive). */
  holdoutEnd: string | Date;
  timeZone?: string;
  timeUnit?: TimeUnit;
  /** Frequency groups 0 .. groups-1 and a last "groups+" group. Default 7. */
  frequencyGroups?: number;
}

export interface Comparison {
  predicted: number;
  actual: number;
  /** (predicted - actual) / actual; null when actual is 0. */
  relativeError: number | null;
  /** Mean absolute error per customer. */
  meanAbsoluteError: number;
  /** Pearson correlation of per-customer predictions and actuals; null when either is constant. */
  correlation: number | null;
}

export interface FrequencyGroup {
  label: string;
  customers: number;
  meanPredicted: number;
  meanActual: number;
}

export interface BacktestResult {
  customers: number;
  holdoutDuration: number;
  timeUnit: TimeUnit;
  bgnbd: BgNbdFit;
  gammaGamma: GammaGammaFit | null;
  purchases: Comparison;
  margin: Comparison | null;
  byFrequency: FrequencyGroup[];
  nonPositiveMarginCustomers: number;
  messages: string[];
}

export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n !== ys.length) throw new RangeError("pearson needs two series of the same length");
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i];
    my += ys[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - mx;
    const dy = ys[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

function compare(predicted: readonly number[], actual: readonly number[]): Comparison {
  let p = 0;
  let a = 0;
  let absolute = 0;
  for (let i = 0; i < predicted.length; i++) {
    p += predicted[i];
    a += actual[i];
    absolute += Math.abs(predicted[i] - actual[i]);
  }
  return {
    predicted: p,
    actual: a,
    relativeError: a === 0 ? null : (p - a) / a,
    meanAbsoluteError: predicted.length ? absolute / predicted.length : 0,
    correlation: pearson(predicted, actual),
  };
}

function byFrequency(summaries: readonly CustomerSummary[], predicted: readonly number[], groups: number): FrequencyGroup[] {
  const rows = Array.from({ length: groups + 1 }, (_, i) => ({
    label: i < groups ? String(i) : `${groups}+`,
    customers: 0,
    predicted: 0,
    actual: 0,
  }));
  summaries.forEach((summary, i) => {
    const row = rows[Math.min(summary.frequency, groups)];
    row.customers += 1;
    row.predicted += predicted[i];
    row.actual += summary.holdout?.frequency ?? 0;
  });
  return rows.map((row) => ({
    label: row.label,
    customers: row.customers,
    meanPredicted: row.customers ? row.predicted / row.customers : 0,
    meanActual: row.customers ? row.actual / row.customers : 0,
  }));
}

/** Runs the backtest on a transaction log whose values are contribution margin per order. */
export function backtest(transactions: readonly Transaction[], options: BacktestOptions): BacktestResult {
  const timeUnit = options.timeUnit ?? "weeks";
  const summaries = summarizeTransactions(transactions, {
    calibrationEnd: options.calibrationEnd,
    holdoutEnd: options.holdoutEnd,
    timeUnit,
    timeZone: options.timeZone,
  });
  if (!summaries.length) throw new ModelFitError("empty-input", "No customer bought before the cut-off: choose a later cut-off");
  const holdoutDuration = summaries[0].holdout?.duration ?? 0;
  const messages: string[] = [];

  const bgnbd = fitBgNbd(summaries);
  if (bgnbd.atBoundary) {
    // A boundary fit (a parameter running to 0 or infinity) forecasts nothing meaningful.
    const repeaters = summaries.filter((summary) => summary.frequency > 0).length;
    throw new ModelFitError(
      "not-identified",
      `The history before the cut-off does not identify the purchase model (${summaries.length} customers, ` +
        `${repeaters} with a repeat purchase): choose a later cut-off or wait for more orders.`,
    );
  }
  if (!bgnbd.converged) messages.push(`BG/NBD did not fully converge: ${bgnbd.message}`);
  const predictedPurchases = summaries.map((summary) => conditionalExpectedPurchases(bgnbd.params, holdoutDuration, summary));
  const actualPurchases = summaries.map((summary) => summary.holdout?.frequency ?? 0);

  let gammaGamma: GammaGammaFit | null = null;
  let margin: Comparison | null = null;
  const positive = summaries.filter((summary) => summary.frequency > 0 && summary.monetaryValue > 0);
  const nonPositiveMarginCustomers = summaries.filter((summary) => marginGroupOf(summary) === "non-positive-margin").length;
  try {
    gammaGamma = fitGammaGamma(positive);
    const params = gammaGamma.params;
    const predictedMargin = summaries.map((summary, i) => predictedPurchases[i] * expectedMarginPerOrder(params, summary));
    const actualMargin = summaries.map((summary) => (summary.holdout ? summary.holdout.frequency * summary.holdout.monetaryValue : 0));
    margin = compare(predictedMargin, actualMargin);
  } catch (error) {
    if (!(error instanceof ModelFitError)) throw error;
    messages.push(`Margin per order could not be modelled: ${error.message}`);
  }
  if (nonPositiveMarginCustomers) {
    messages.push(`${nonPositiveMarginCustomers} customers lose money on their repeat orders: their forecast uses their own mean margin.`);
  }

  return {
    customers: summaries.length,
    holdoutDuration,
    timeUnit,
    bgnbd,
    gammaGamma,
    purchases: compare(predictedPurchases, actualPurchases),
    margin,
    byFrequency: byFrequency(summaries, predictedPurchases, options.frequencyGroups ?? 7),
    nonPositiveMarginCustomers,
    messages,
  };
}
