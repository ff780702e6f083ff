/**
 * A customer's activity under a fitted BG/NBD model, for the at-risk flag: the probability they are
 * still active given their purchase history, how long since their last purchase and their usual
 * rhythm. Computed from the customer's own purchases at read time with the stored parameters, so a
 * customer who ordered this morning is not reported at risk by yesterday's figures.
 */
import type { CustomerActivity } from "../analytics/flags";
import { probabilityAlive, type BgNbdParams } from "./bgnbd";
import { summarizeHistories, type PurchaseHistories } from "./histories";
import { dayNumberOf } from "./summary";

export interface ActivityOptions {
  /** Last day of the history, "YYYY-MM-DD" in the histories' time zone (usually yesterday: today is not complete). */
  asOfDay: string;
  /** The unit the parameters were fitted in. */
  timeUnit: "days" | "weeks";
}

/** Activity of every customer in `histories` (purchaseHistories) who bought by `asOfDay`. */
export function customerActivity(params: BgNbdParams, histories: PurchaseHistories, options: ActivityOptions): Map<string, CustomerActivity> {
  return activityFromColumns(customerActivityColumns(params, histories, options), histories.customerIds);
}

/**
 * customerActivity as columns, customer i being histories.customerIds[customer[i]]: typed arrays, which
 * a worker thread hands over without copying an object per customer. NaN in meanDaysBetweenPurchases is null.
 */
export interface ActivityColumns {
  customer: Int32Array;
  probabilityAlive: Float64Array;
  daysSinceLastPurchase: Float64Array;
  meanDaysBetweenPurchases: Float64Array;
}

export function customerActivityColumns(params: BgNbdParams, histories: PurchaseHistories, options: ActivityOptions): ActivityColumns {
  const unitDays = options.timeUnit === "weeks" ? 7 : 1;
  const { summaries, customer } = summarizeHistories(histories, { calibrationEnd: dayNumberOf(options.asOfDay), timeUnit: options.timeUnit });
  const n = summaries.length;
  const columns = { customer, probabilityAlive: new Float64Array(n), daysSinceLastPurchase: new Float64Array(n), meanDaysBetweenPurchases: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const s = summaries[i];
    columns.probabilityAlive[i] = probabilityAlive(params, s);
    columns.daysSinceLastPurchase[i] = (s.T - s.recency) * unitDays;
    columns.meanDaysBetweenPurchases[i] = s.frequency > 0 ? (s.recency * unitDays) / s.frequency : NaN;
  }
  return columns;
}

/** The activity by customer id of ActivityColumns over the histories' `customerIds`. */
export function activityFromColumns(columns: ActivityColumns, customerIds: readonly string[]): Map<string, CustomerActivity> {
  const out = new Map<string, CustomerActivity>();
  for (let i = 0; i < columns.customer.length; i++) {
    const mean = columns.meanDaysBetweenPurchases[i];
    out.set(customerIds[columns.customer[i]], {
      probabilityAlive: columns.probabilityAlive[i],
      daysSinceLastPurchase: columns.daysSinceLastPurchase[i],
      meanDaysBetweenPurchases: Number.isNaN(mean) ? null : mean,
    });
  }
  return out;
}
