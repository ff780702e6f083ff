/**
 * The Model page's figures: a backtest of BG/NBD x Gamma-Gamma on the shop's own history (refit up to a
 * cut-off, compare with the months after it), and the forward CM-LTV per acquisition cohort with a
 * 95% interval. Computed from the same value events as every other view, cached as the "model"
 * analytics snapshot and recomputed when the inputs' stamp moves.
 */
import type { Db } from "~/db.server";
import {
  aggregateClvInterval, backtest, fitBgNbd, fitGammaGamma, ModelFitError, purchasesFromEvents, summarizeTransactions,
  unitsPerMonth, valueCustomers, type BacktestResult, type CustomerSummary,
} from "~/domain/clv";
import { localDayFunction, monthKey, monthOfDay } from "~/domain/analytics/calendar";
import { dayString } from "~/domain/time/local-day";
import type { ShopSettings } from "~/shops/shops.server";
import { loadAnalyticsInput } from "./input.server";
import { currentStamp, readSnapshotRow, writeSnapshotRow } from "./snapshot.server";

export const MODEL_VIEW = "model";

export interface ModelSettings {
  /** Months held out at the end of the history for the backtest. */
  holdoutMonths: number;
  /** Forecast horizon in months. */
  horizonMonths: number;
  monthlyDiscountRate: number;
}

export const DEFAULT_MODEL_SETTINGS: ModelSettings = { holdoutMonths: 6, horizonMonths: 12, monthlyDiscountRate: 0.01 };

export interface BacktestReport {
  calibrationEnd: string;
  holdoutEnd: string;
  customers: number;
  holdoutWeeks: number;
  purchases: BacktestResult["purchases"];
  margin: BacktestResult["margin"];
  byFrequency: BacktestResult["byFrequency"];
  bgnbd: { r: number; alpha: number; a: number; b: number; logLikelihood: number; converged: boolean };
  gammaGamma: { p: number; q: number; v: number } | null;
  nonPositiveMarginCustomers: number;
  messages: string[];
}

export interface CohortForecast {
  cohort: string;
  customers: number;
  /** Expected discounted CM per customer over the horizon, minor units, with its 95% interval. */
  estimate: number;
  lower: number | null;
  upper: number | null;
  nonPositiveMarginCustomers: number;
}

export interface ModelReport {
  asOf: string;
  settings: ModelSettings;
  backtest: BacktestReport | null;
  backtestError: string | null;
  forecast: { cohorts: CohortForecast[]; customers: number; totalEstimate: number; messages: string[] } | null;
  forecastError: string | null;
}

/** The day `months` calendar months before `day` (clamped to the month's length). */
function monthsBefore(day: string, months: number): string {
  const [y, m, d] = day.split("-").map(Number);
  const target = new Date(Date.UTC(y, m - 1 - months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}

const message = (error: unknown) => (error instanceof ModelFitError || error instanceof RangeError ? error.message : null);

export async function computeModelReport(
  db: Db,
  shop: ShopSettings,
  settings: ModelSettings = DEFAULT_MODEL_SETTINGS,
  asOf = new Date(),
): Promise<ModelReport> {
  const { input } = await loadAnalyticsInput(db, shop, { asOf });
  const purchases = purchasesFromEvents(input.events, input.cancelledOrderIds);
  const toDay = localDayFunction(shop.ianaTimezone);
  const lastDay = dayString(toDay(asOf) - 1); // yesterday: today is not complete
  const report: ModelReport = {
    asOf: asOf.toISOString(), settings, backtest: null, backtestError: null, forecast: null, forecastError: null,
  };

  const calibrationEnd = monthsBefore(lastDay, settings.holdoutMonths);
  try {
    const result = backtest(purchases, { calibrationEnd, holdoutEnd: lastDay, timeZone: shop.ianaTimezone, timeUnit: "weeks" });
    report.backtest = {
      calibrationEnd, holdoutEnd: lastDay, customers: result.customers, holdoutWeeks: result.holdoutDuration,
      purchases: result.purchases, margin: result.margin, byFrequency: result.byFrequency,
      bgnbd: { ...result.bgnbd.params, logLikelihood: result.bgnbd.logLikelihood, converged: result.bgnbd.converged },
      gammaGamma: result.gammaGamma ? result.gammaGamma.params : null,
      nonPositiveMarginCustomers: result.nonPositiveMarginCustomers, messages: result.messages,
    };
  } catch (error) {
    const text = message(error);
    if (text === null) throw error;
    report.backtestError = text;
  }

  try {
    report.forecast = forecastCohorts(
      summarizeTransactions(purchases, { calibrationEnd: lastDay, timeUnit: "weeks", timeZone: shop.ianaTimezone }),
      settings,
    );
  } catch (error) {
    const text = message(error);
    if (text === null) throw error;
    report.forecastError = text;
  }
  return report;
}

/** Fits on the whole history and values each cohort's customers over the horizon, with intervals. */
function forecastCohorts(summaries: CustomerSummary[], settings: ModelSettings): ModelReport["forecast"] {
  const bg = fitBgNbd(summaries);
  if (bg.atBoundary) throw new ModelFitError("not-identified", "The history does not identify the purchase model yet: more repeat customers are needed.");
  const gg = fitGammaGamma(summaries.filter((s) => s.frequency > 0 && s.monetaryValue > 0));
  const options = { months: settings.horizonMonths, monthlyDiscountRate: settings.monthlyDiscountRate, unitsPerMonth: unitsPerMonth("weeks") };
  const messages: string[] = [];
  const byCohort = new Map<string, CustomerSummary[]>();
  for (const summary of summaries) {
    const day = Math.floor(Date.parse(`${summary.firstPurchase}T00:00:00Z`) / 86_400_000);
    const key = monthKey(monthOfDay(day));
    const list = byCohort.get(key) ?? [];
    list.push(summary);
    byCohort.set(key, list);
  }
  let totalEstimate = 0;
  const cohorts: CohortForecast[] = [...byCohort.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([cohort, customers]) => {
    const value = valueCustomers(bg.params, gg.params, customers, options);
    totalEstimate += value.totals.all;
    let lower: number | null = null;
    let upper: number | null = null;
    try {
      const interval = aggregateClvInterval(bg, gg, customers, { ...options, statistic: "mean", draws: 60, seed: 7 });
      lower = Math.round(interval.lower);
      upper = Math.round(interval.upper);
    } catch (error) {
      if (!(error instanceof ModelFitError)) throw error;
      if (!messages.length) messages.push(`No interval: ${error.message}`);
    }
    return {
      cohort, customers: customers.length, estimate: Math.round(value.totals.all / customers.length), lower, upper,
      nonPositiveMarginCustomers: value.nonPositiveMargin.length,
    };
  });
  return { cohorts, customers: summaries.length, totalEstimate: Math.round(totalEstimate), messages };
}

/** The cached report, recomputed when anything it depends on changed since it was computed. */
export async function getModelReport(db: Db, shop: ShopSettings): Promise<{ report: ModelReport; computedAt: Date }> {
  const [cached, stamp] = await Promise.all([readSnapshotRow<ModelReport>(db, shop.id, MODEL_VIEW), currentStamp(db, shop.id)]);
  if (cached && cached.watermark.getTime() >= stamp.getTime()) return { report: cached.payload, computedAt: cached.computedAt };
  const started = performance.now();
  const report = await computeModelReport(db, shop);
  const computedAt = new Date();
  await writeSnapshotRow(db, shop.id, MODEL_VIEW, {
    payload: report, asOf: new Date(report.asOf), computedAt, costVersion: 0, watermark: stamp, ms: performance.now() - started,
  });
  return { report, computedAt };
}
