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

import { dayNumberOf, dayString, localDayFunction } from "../time/local-day";

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

interface Purchase {
  day: number;
  value: number;
}

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

  // Per customer, in order of first appearance; each customer's purchases with their instants.
  const byCustomer = new Map<string, { at: number; day: number; value: number }[]>();
  transactions.forEach((t, i) => {
    const at = t.at instanceof Date ? t.at.getTime() : NaN;
    if (!Number.isFinite(at)) throw new RangeError(`transaction ${i}: invalid date`);
    if (!Number.isFinite(t.value)) throw new RangeError(`transaction ${i}: value must be a finite number`);
    const day = toDay(t.at);
    if (day > lastDay) return;
    let list = byCustomer.get(t.customerId);
    if (!list) byCustomer.set(t.customerId, (list = []));
    list.push({ at, day, value: t.value });
  });

  const summaries: CustomerSummary[] = [];
  for (const [customerId, list] of byCustomer) {
    list.sort((p, q) => p.at - q.at);
    const purchases: Purchase[] = [];
    for (const { day, value } of list) {
      const last = purchases[purchases.length - 1];
      if (merge && last && last.day === day) last.value += value;
      else purchases.push({ day, value });
    }
    const calibration = purchases.filter((p) => p.day <= calibrationEnd);
    if (calibration.length === 0) continue; // first purchase after calibration end
    const first = calibration[0].day;
    const x = calibration.length - 1;
    const repeatValue = calibration.slice(1).reduce((s, p) => s + p.value, 0);
    const summary: CustomerSummary = {
      customerId,
      frequency: x,
      recency: (calibration[x].day - first) / unit,
      T: (calibrationEnd - first) / unit,
      monetaryValue: x > 0 ? repeatValue / x : 0,
      firstPurchase: dayString(first),
    };
    if (holdoutEnd !== null) {
      const holdout = purchases.filter((p) => p.day > calibrationEnd);
      summary.holdout = {
        frequency: holdout.length,
        monetaryValue: holdout.length > 0 ? holdout.reduce((s, p) => s + p.value, 0) / holdout.length : 0,
        duration: (holdoutEnd - calibrationEnd) / unit,
      };
    }
    summaries.push(summary);
  }
  return summaries;
}
