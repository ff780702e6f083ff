/**
 * Turns a transaction log into per-customer (x, t_x, T, z̄) summaries, the input of BG/NBD and
 * Gamma-Gamma. The rules reproduce lifetimes' summaries of the CDNOW data exactly:
 *
 * - Time is counted in whole calendar days, the day being taken in `timeZone` (default UTC): a shop's
 *   evening order must not land on the next day. Weeks are days / 7.
 * - With `mergeSameDay` (default true) all purchases of a customer on one day are one purchase whose
 *   value is their sum: BG/NBD counts purchase occasions, and split orders are not repeat purchases.
 * - Calibration covers purchases on or before `calibrationEnd` (a calendar day, inclusive). Customers
 *   whose first purchase is after it are not in the summary: they were not customers yet.
 * - x = purchases − 1; t_x = last − first purchase day; T = calibration end − first purchase day.
 * - monetaryValue = mean value of the repeat purchases only (the first is excluded, as Gamma-Gamma
 *   models repeat spend); 0 when x = 0. Values are whatever the caller passes: revenue or margin.
 * - With `holdoutEnd`, purchases after calibration end up to that day (inclusive) are counted as holdout.
 *
 * Summaries come out in order of each customer's first appearance in the log.
 */

import { cachedDayString, dayNumberOf, dayString, localDayFunction } from "../time/local-day";

export interface Transaction {
  customerId: string;
  at: Date;
  value: number;
}

export type TimeUnit = "days" | "weeks";

export interface SummaryOptions {
  /** Last calibration day, inclusive: "YYYY-MM-DD", or a Date taken as its calendar day in `timeZone`. */
  calibrationEnd: string | Date;
  timeUnit: TimeUnit;
  /** IANA time zone for calendar days (the shop's zone). Default "UTC". */
  timeZone?: string;
  /** Merge a customer's purchases on the same day into one. Default true. */
  mergeSameDay?: boolean;
  /** Last holdout day, inclusive (same forms as calibrationEnd); must be after calibrationEnd. */
  holdoutEnd?: string | Date;
}

export interface HoldoutSummary {
  /** Purchases (purchase days when merging) after calibration end, up to holdout end. */
  frequency: number;
  /** Mean value of those purchases; 0 when there are none. */
  monetaryValue: number;
  /** Length of the holdout period in the time unit. */
  duration: number;
}

export interface CustomerSummary {
  customerId: string;
  frequency: number;
  recency: number;
  T: number;
  monetaryValue: number;
  /** Calendar day of the first purchase, "YYYY-MM-DD" in the summary's time zone. */
  firstPurchase: string;
  holdout?: HoldoutSummary;
}

// Day numbers and the local-day function are shared with the analytics (app/domain/time).
export { dayNumberOf, dayString };
export const dayNumberFunction = localDayFunction;

export function summarizeTransactions(transactions: readonly Transaction[], options: SummaryOptions): CustomerSummary[] {
  const timeZone = options.timeZone ?? "UTC";
  const merge = options.mergeSameDay ?? true;
  const toDay = dayNumberFunction(timeZone);
  const asDay = (d: string | Date): number => (typeof d === "string" ? dayNumberOf(d) : toDay(d));
  const calibrationEnd = asDay(options.calibrationEnd);
  const holdoutEnd = options.holdoutEnd === undefined ? null : asDay(options.holdoutEnd);
  if (holdoutEnd !== null && holdoutEnd <= calibrationEnd) throw new RangeError("holdoutEnd must be after calibrationEnd");
  const lastDay = holdoutEnd ?? calibrationEnd;
  const unit = options.timeUnit === "weeks" ? 7 : 1;

  // Per customer, in order of first appearance, its transactions' positions (bucketed in typed arrays:
  // an object and an array per customer cost seconds of allocation and GC at 1M orders).
  const n = transactions.length;
  const customerOf = new Map<string, number>();
  const ids: string[] = [];
  const counts: number[] = [];
  const owner = new Int32Array(n).fill(-1);
  const instants = new Float64Array(n);
  const days = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = transactions[i];
    const at = t.at instanceof Date ? t.at.getTime() : NaN;
    if (!Number.isFinite(at)) throw new RangeError(`transaction ${i}: invalid date`);
    if (!Number.isFinite(t.value)) throw new RangeError(`transaction ${i}: value must be a finite number`);
    const day = toDay(t.at);
    if (day > lastDay) continue;
    let c = customerOf.get(t.customerId);
    if (c === undefined) {
      customerOf.set(t.customerId, (c = ids.length));
      ids.push(t.customerId);
      counts.push(0);
    }
    owner[i] = c;
    instants[i] = at;
    days[i] = day;
    counts[c]++;
  }
  const start = new Int32Array(ids.length + 1);
  for (let c = 0; c < ids.length; c++) start[c + 1] = start[c] + counts[c];
  const fill = start.slice(0, ids.length);
  const order = new Int32Array(start[ids.length]);
  for (let i = 0; i < n; i++) if (owner[i] >= 0) order[fill[owner[i]]++] = i;

  const summaries: CustomerSummary[] = [];
  const firstPurchase = cachedDayString();
  // One customer's purchases (merged by day), reused across customers.
  const purchaseDay: number[] = [];
  const purchaseValue: number[] = [];
  for (let c = 0; c < ids.length; c++) {
    const from = start[c];
    const to = start[c + 1];
    let inOrder = true;
    for (let k = from + 1; k < to && inOrder; k++) inOrder = instants[order[k]] >= instants[order[k - 1]];
    if (!inOrder) order.set(Array.from(order.subarray(from, to)).sort((i, j) => instants[i] - instants[j]), from);
    purchaseDay.length = 0;
    purchaseValue.length = 0;
    for (let k = from; k < to; k++) {
      const i = order[k];
      const last = purchaseDay.length - 1;
      if (merge && last >= 0 && purchaseDay[last] === days[i]) purchaseValue[last] += transactions[i].value;
      else {
        purchaseDay.push(days[i]);
        purchaseValue.push(transactions[i].value);
      }
    }
    // Calibration purchases (in time order) and the sum of the repeat ones; then the holdout's.
    let x = -1;
    let first = 0;
    let lastCalibration = 0;
    let repeatValue = 0;
    let holdoutCount = 0;
    let holdoutValue = 0;
    for (let k = 0; k < purchaseDay.length; k++) {
      if (purchaseDay[k] <= calibrationEnd) {
        if (x < 0) first = purchaseDay[k];
        else repeatValue += purchaseValue[k];
        x++;
        lastCalibration = purchaseDay[k];
      } else {
        holdoutCount++;
        holdoutValue += purchaseValue[k];
      }
    }
    if (x < 0) continue; // first purchase after calibration end
    const summary: CustomerSummary = {
      customerId: ids[c],
      frequency: x,
      recency: (lastCalibration - first) / unit,
      T: (calibrationEnd - first) / unit,
      monetaryValue: x > 0 ? repeatValue / x : 0,
      firstPurchase: firstPurchase(first),
    };
    if (holdoutEnd !== null) {
      summary.holdout = {
        frequency: holdoutCount,
        monetaryValue: holdoutCount > 0 ? holdoutValue / holdoutCount : 0,
        duration: (holdoutEnd - calibrationEnd) / unit,
      };
    }
    summaries.push(summary);
  }
  return summaries;
}
