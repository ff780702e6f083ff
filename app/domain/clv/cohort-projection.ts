/**
 * The Cohorts page's projection: for each acquisition cohort (local month of the first purchase), the
 * cumulative contribution margin per customer by the end of each month the cohort has not reached yet,
 * from BG/NBD × Gamma-Gamma fitted on the whole history up to the last complete day, with an interval
 * (projection.ts: delta method, 80% by default).
 *
 * Projected cell (cohort c, column k, i.e. calendar month c+k, not ended by asOf):
 *   observed CM per customer up to the calibration end (every value event of the cohort's customers,
 *   as the observed cells count them, including the days of the current month already passed)
 * + expected CM per customer from the calibration end to the last day of month c+k (undiscounted, as
 *   the observed cells are). Only the expected part is uncertain, so the interval is shifted by the
 *   observed part.
 * Horizons are calendar months after the current one, shared by every cohort: month M (the current
 * month) .. M + horizonMonths - 1. Time unit: weeks, calibration end: the day before asOf's local day.
 */
import type { ValueEvent } from "../value-events";
import { monthKey, monthOfDay, parseMonthKey } from "../analytics/calendar";
import { localDayFunction } from "../time/local-day";
import { fitBgNbd, type BgNbdFit } from "./bgnbd";
import { ModelFitError } from "./errors";
import { fitGammaGamma, type GammaGammaFit } from "./gamma-gamma";
import { projectGroups, type GroupedCustomer } from "./projection";
import { dayNumberOf, dayString, summarizeTransactions, type CustomerSummary } from "./summary";
import { purchasesFromEvents } from "./transactions";

export interface CohortProjectionInput {
  events: readonly ValueEvent[];
  cancelledOrderIds: ReadonlySet<string>;
  timeZone: string;
  asOf: Date;
}

export interface CohortProjectionOptions {
  /** Calendar months projected, starting with the current one. Default 12. */
  horizonMonths?: number;
  /** Interval coverage, default 0.8. */
  level?: number;
}

export interface ProjectedCell {
  /** Months since acquisition (the cohort table's column). */
  month: number;
  /** Cumulative CM per customer by the end of that month, minor units (rounded). */
  estimate: number;
  lower: number | null;
  upper: number | null;
}

export interface CohortProjection {
  cohort: string;
  customers: number;
  nonPositiveMarginCustomers: number;
  /** Observed CM per customer up to the calibration end, minor units (rounded). */
  observedToDate: number;
  cells: ProjectedCell[];
}

export interface FittedModel {
  timeUnit: "weeks";
  calibrationEnd: string;
  customers: number;
  bgnbd: Pick<BgNbdFit, "params" | "logLikelihood" | "converged">;
  gammaGamma: Pick<GammaGammaFit, "params" | "converged">;
}

export interface CohortProjections {
  calibrationEnd: string;
  level: number;
  method: "delta-method-parameter-covariance";
  intervalMessage: string | null;
  model: FittedModel;
  cohorts: CohortProjection[];
  /** Customers whose repeat orders lose money: valued at their own mean margin, counted here. */
  nonPositiveMarginCustomers: number;
}

const WEEK = 7;

/** First day number of a month index. */
function firstDayOfMonth(month: number): number {
  const year = Math.floor(month / 12);
  return Math.floor(Date.UTC(year, month - year * 12, 1) / 86_400_000);
}

/** Summaries and fits on the whole history up to the day before asOf (shared with the at-risk flag). */
export function fitShopModel(input: CohortProjectionInput): { summaries: CustomerSummary[]; bg: BgNbdFit; gg: GammaGammaFit; calibrationEnd: number } {
  const calibrationEnd = localDayFunction(input.timeZone)(input.asOf) - 1;
  const purchases = purchasesFromEvents(input.events, input.cancelledOrderIds);
  const summaries = summarizeTransactions(purchases, { calibrationEnd: dayString(calibrationEnd), timeUnit: "weeks", timeZone: input.timeZone });
  if (!summaries.length) throw new ModelFitError("empty-input", "No customer has bought yet: nothing to project.");
  const bg = fitBgNbd(summaries);
  if (bg.atBoundary) {
    const repeaters = summaries.filter((s) => s.frequency > 0).length;
    throw new ModelFitError("not-identified",
      `The history does not identify the purchase model yet (${summaries.length} customers, ${repeaters} with a repeat purchase): projections appear once more customers have ordered again.`);
  }
  const gg = fitGammaGamma(summaries.filter((s) => s.frequency > 0 && s.monetaryValue > 0));
  return { summaries, bg, gg, calibrationEnd };
}

export function projectCohorts(input: CohortProjectionInput, options: CohortProjectionOptions = {}): CohortProjections {
  const horizonMonths = options.horizonMonths ?? 12;
  if (!Number.isInteger(horizonMonths) || horizonMonths < 1 || horizonMonths > 60) throw new RangeError(`horizonMonths must be 1..60, got ${horizonMonths}`);
  const { summaries, bg, gg, calibrationEnd } = fitShopModel(input);
  const toDay = localDayFunction(input.timeZone);
  const current = monthOfDay(calibrationEnd + 1);
  const horizons = Array.from({ length: horizonMonths }, (_, j) => (firstDayOfMonth(current + j + 1) - 1 - calibrationEnd) / WEEK);

  const cohortOf = new Map<string, number>();
  const grouped: GroupedCustomer[] = summaries.map((s) => {
    const month = monthOfDay(dayNumberOf(s.firstPurchase));
    cohortOf.set(s.customerId, month);
    return { frequency: s.frequency, recency: s.recency, T: s.T, monetaryValue: s.monetaryValue, group: monthKey(month) };
  });
  // Observed margin to date per cohort: every event of its customers, as the observed cells count them.
  const observed = new Map<number, number>();
  for (const e of input.events) {
    if (e.customerId === null) continue;
    const month = cohortOf.get(e.customerId);
    if (month === undefined || toDay(e.at) > calibrationEnd) continue;
    observed.set(month, (observed.get(month) ?? 0) + e.contributionMargin);
  }

  const result = projectGroups(bg, gg, grouped, { horizons, level: options.level });
  const round = (v: number | null) => (v === null ? null : Math.round(v));
  const cohorts = result.groups
    .map((g): CohortProjection => {
      const month = parseMonthKey(g.group);
      const toDate = (observed.get(month) ?? 0) / g.customers;
      return {
        cohort: g.group,
        customers: g.customers,
        nonPositiveMarginCustomers: g.nonPositiveMarginCustomers,
        observedToDate: Math.round(toDate),
        cells: g.points.map((p, j) => ({
          month: current + j - month,
          estimate: Math.round(toDate + p.estimate),
          lower: round(p.lower === null ? null : toDate + p.lower),
          upper: round(p.upper === null ? null : toDate + p.upper),
        })),
      };
    })
    .sort((a, b) => (a.cohort < b.cohort ? -1 : 1));
  return {
    calibrationEnd: dayString(calibrationEnd),
    level: result.level,
    method: result.method,
    intervalMessage: result.intervalMessage,
    model: {
      timeUnit: "weeks", calibrationEnd: dayString(calibrationEnd), customers: summaries.length,
      bgnbd: { params: bg.params, logLikelihood: bg.logLikelihood, converged: bg.converged },
      gammaGamma: { params: gg.params, converged: gg.converged },
    },
    cohorts,
    nonPositiveMarginCustomers: cohorts.reduce((s, c) => s + c.nonPositiveMarginCustomers, 0),
  };
}
