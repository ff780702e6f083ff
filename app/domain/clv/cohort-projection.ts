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
 *
 * Segments (optional): the same sum for the customers of each segment row (a customer counts in every
 * row it belongs to), at the last horizon only: the Segments page's "predicted CM-LTV by <month>".
 * They share the portfolio with the cohorts, so they add no model evaluations, only one multiply-add
 * per customer and segment.
 */
import type { ValueEventLog } from "../value-events";
import { monthKey, monthOfDay, parseMonthKey } from "../analytics/calendar";
import { localDayFunction } from "../time/local-day";
import { fitBgNbd, type BgNbdFit } from "./bgnbd";
import { ModelFitError } from "./errors";
import { fitGammaGamma, type GammaGammaFit } from "./gamma-gamma";
import { prepareProjection, projectIndexedGroups, type PreparedProjection } from "./projection";
import { observedMarginTo, purchaseHistories, summarizeHistories, type PurchaseHistories } from "./histories";
import { dayNumberOf, dayString, type CustomerSummary } from "./summary";

export interface CohortProjectionInput {
  events: ValueEventLog;
  cancelledOrderIds: ReadonlySet<string>;
  timeZone: string;
  asOf: Date;
}

export interface CohortProjectionOptions {
  /** Calendar months projected, starting with the current one. Default 12. */
  horizonMonths?: number;
  /** Interval coverage, default 0.8. */
  level?: number;
  /**
   * Segment rows per customer (segments.ts segmentKeysByCustomer): also project those rows. `keys[id]`
   * is a row's key, `byCustomer` each customer's row ids.
   */
  segments?: SegmentRows;
  /** The input's purchase histories, when the caller has built them already (they are shared with the at-risk flag). */
  histories?: PurchaseHistories;
  /** fitShopModel of the same input and histories, when the caller has fitted it already (the refresh fits while the orders load). */
  fit?: ShopModelFit;
  /**
   * prepareCohortProjection of that fit with the same horizonMonths and level, when the caller has
   * made it already (the refresh's worker makes it while the segment rows are computed).
   */
  prepared?: PreparedProjection;
}

/** The group-free part of projectCohorts (prepareProjection) for `fit`, with its horizons. */
export function prepareCohortProjection(fit: ShopModelFit, options: Pick<CohortProjectionOptions, "horizonMonths" | "level"> = {}): PreparedProjection {
  return prepareProjection(fit.bg, fit.gg, fit.summaries, { horizons: cohortHorizons(fit.calibrationEnd, horizonMonthsOf(options)), level: options.level });
}

function horizonMonthsOf(options: Pick<CohortProjectionOptions, "horizonMonths">): number {
  const horizonMonths = options.horizonMonths ?? 12;
  if (!Number.isInteger(horizonMonths) || horizonMonths < 1 || horizonMonths > 60) throw new RangeError(`horizonMonths must be 1..60, got ${horizonMonths}`);
  return horizonMonths;
}

/** Each projected month's end, in weeks after the calibration end: the months after the calibration end's one. */
function cohortHorizons(calibrationEnd: number, horizonMonths: number): number[] {
  const current = monthOfDay(calibrationEnd + 1);
  return Array.from({ length: horizonMonths }, (_, j) => (firstDayOfMonth(current + j + 1) - 1 - calibrationEnd) / WEEK);
}

/**
 * Each customer's segment row ids, by customer id, or by the customer's index in the histories
 * (`byHistory`: customer c of PurchaseHistories.customerIds is in rows ids[start[c]] .. ids[start[c + 1] - 1]),
 * the form a worker thread is sent: no map of 250k entries to rebuild there (measured ~0.4 s).
 */
export type SegmentRows = { keys: readonly string[]; byCustomer: ReadonlyMap<string, readonly number[]> } | SegmentRowsByHistory;
export interface SegmentRowsByHistory {
  keys: readonly string[];
  byHistory: { start: Int32Array; ids: Int32Array };
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

/** A segment row's predicted cumulative CM per customer by the end of the last projected month. */
export interface SegmentProjection {
  /** segmentRowKey of the row ("channel:web", "all"). */
  key: string;
  customers: number;
  nonPositiveMarginCustomers: number;
  observedToDate: number;
  estimate: number;
  lower: number | null;
  upper: number | null;
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
  /** Segment rows (empty without the `segments` option), valued to the end of `segmentHorizonEnd`'s day. */
  segments: SegmentProjection[];
  /** The last day of the last projected month (local date). */
  segmentHorizonEnd: string;
  /** Customers whose repeat orders lose money: valued at their own mean margin, counted here. */
  nonPositiveMarginCustomers: number;
}

const WEEK = 7;
/** Prefix of segment groups in the shared portfolio (cohort groups are bare "YYYY-MM" keys). */
const SEGMENT_GROUP = "segment:";

/** First day number of a month index. */
function firstDayOfMonth(month: number): number {
  const year = Math.floor(month / 12);
  return Math.floor(Date.UTC(year, month - year * 12, 1) / 86_400_000);
}

export interface ShopModelFit {
  summaries: CustomerSummary[];
  customer: Int32Array;
  bg: BgNbdFit;
  gg: GammaGammaFit;
  calibrationEnd: number;
}

/** Summaries and fits on the whole history up to the day before asOf (shared with the at-risk flag). */
export function fitShopModel(input: Pick<CohortProjectionInput, "events" | "cancelledOrderIds" | "timeZone" | "asOf">,
  histories = purchaseHistories(input.events, input.cancelledOrderIds, input.timeZone)): ShopModelFit {
  const calibrationEnd = localDayFunction(input.timeZone)(input.asOf) - 1;
  const { summaries, customer } = summarizeHistories(histories, { calibrationEnd, timeUnit: "weeks" });
  if (!summaries.length) throw new ModelFitError("empty-input", "No customer has bought yet: nothing to project.");
  const bg = fitBgNbd(summaries);
  if (bg.atBoundary) {
    const repeaters = summaries.filter((s) => s.frequency > 0).length;
    throw new ModelFitError("not-identified",
      `The history does not identify the purchase model yet (${summaries.length} customers, ${repeaters} with a repeat purchase): projections appear once more customers have ordered again.`);
  }
  const gg = fitGammaGamma(summaries.filter((s) => s.frequency > 0 && s.monetaryValue > 0));
  return { summaries, customer, bg, gg, calibrationEnd };
}

/** The fitted parameters of a ShopModelFit: plain data, what a worker thread is sent (shopModelFrom rebuilds the rest). */
export type ShopModelParams = Pick<ShopModelFit, "bg" | "gg" | "calibrationEnd">;

/** The ShopModelFit of `fitted`, whose fit was made on `histories`: its summaries built again (~0.1 s at 250k customers, against ~2.5 s for the fit). */
export function shopModelFrom(histories: PurchaseHistories, fitted: ShopModelParams): ShopModelFit {
  const { summaries, customer } = summarizeHistories(histories, { calibrationEnd: fitted.calibrationEnd, timeUnit: "weeks" });
  return { summaries, customer, bg: fitted.bg, gg: fitted.gg, calibrationEnd: fitted.calibrationEnd };
}

export function projectCohorts(input: CohortProjectionInput, options: CohortProjectionOptions = {}): CohortProjections {
  const horizonMonths = horizonMonthsOf(options);
  const histories = options.histories ?? purchaseHistories(input.events, input.cancelledOrderIds, input.timeZone);
  const { summaries, customer, bg, gg, calibrationEnd } = options.fit ?? fitShopModel(input, histories);
  const current = monthOfDay(calibrationEnd + 1);
  const horizons = cohortHorizons(calibrationEnd, horizonMonths);

  // Groups as numbers (GroupMemberships): segment row k is group k, cohort month c is group
  // segmentCount + c - firstMonth. Named once each, not per customer.
  const segmentKeys = options.segments?.keys ?? [];
  const byHistory = options.segments && "byHistory" in options.segments ? options.segments.byHistory : null;
  const byCustomer = options.segments && "byCustomer" in options.segments ? options.segments.byCustomer : null;
  const segmentCount = segmentKeys.length;
  const monthOf = new Int32Array(summaries.length);
  let firstMonth = Infinity;
  let lastMonth = -Infinity;
  const firstDay = new Map<string, number>();
  for (let i = 0; i < summaries.length; i++) {
    const day = summaries[i].firstPurchase;
    let month = firstDay.get(day);
    if (month === undefined) firstDay.set(day, (month = monthOfDay(dayNumberOf(day))));
    monthOf[i] = month;
    firstMonth = Math.min(firstMonth, month);
    lastMonth = Math.max(lastMonth, month);
  }
  const names = [
    ...segmentKeys.map((key) => SEGMENT_GROUP + key),
    ...Array.from({ length: summaries.length ? lastMonth - firstMonth + 1 : 0 }, (_, j) => monthKey(firstMonth + j)),
  ];
  const start = new Int32Array(summaries.length + 1);
  const ids: number[] = [];
  // Observed margin to date per group: every event of the model's customers, as the observed cells count them.
  const observedOf = observedMarginTo(histories, calibrationEnd);
  const observed = new Float64Array(names.length);
  for (let i = 0; i < summaries.length; i++) {
    const margin = observedOf[customer[i]];
    const cohort = segmentCount + monthOf[i] - firstMonth;
    ids.push(cohort);
    observed[cohort] += margin;
    if (byHistory) {
      for (let k = byHistory.start[customer[i]]; k < byHistory.start[customer[i] + 1]; k++) {
        ids.push(byHistory.ids[k]);
        observed[byHistory.ids[k]] += margin;
      }
    } else {
      for (const row of byCustomer?.get(summaries[i].customerId) ?? []) {
        ids.push(row);
        observed[row] += margin;
      }
    }
    start[i + 1] = ids.length;
  }
  const observedIn = new Map(names.map((name, g) => [name, observed[g]]));

  const result = projectIndexedGroups(bg, gg, summaries, { names, start, ids: Int32Array.from(ids) },
    { horizons, level: options.level, lastHorizonOnly: (group) => group.startsWith(SEGMENT_GROUP) }, options.prepared);
  const round = (v: number | null) => (v === null ? null : Math.round(v));
  const segments = result.groups
    .filter((g) => g.group.startsWith(SEGMENT_GROUP))
    .map((g): SegmentProjection => {
      const toDate = (observedIn.get(g.group) ?? 0) / g.customers;
      const last = g.points[g.points.length - 1];
      return {
        key: g.group.slice(SEGMENT_GROUP.length), customers: g.customers, nonPositiveMarginCustomers: g.nonPositiveMarginCustomers,
        observedToDate: Math.round(toDate), estimate: Math.round(toDate + last.estimate),
        lower: round(last.lower === null ? null : toDate + last.lower), upper: round(last.upper === null ? null : toDate + last.upper),
      };
    });
  const cohorts = result.groups
    .filter((g) => !g.group.startsWith(SEGMENT_GROUP))
    .map((g): CohortProjection => {
      const month = parseMonthKey(g.group);
      const toDate = (observedIn.get(g.group) ?? 0) / g.customers;
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
    segments,
    segmentHorizonEnd: dayString(firstDayOfMonth(current + horizonMonths) - 1),
    nonPositiveMarginCustomers: cohorts.reduce((s, c) => s + c.nonPositiveMarginCustomers, 0),
  };
}
