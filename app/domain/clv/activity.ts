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
  const unitDays = options.timeUnit === "weeks" ? 7 : 1;
  const { summaries } = summarizeHistories(histories, { calibrationEnd: dayNumberOf(options.asOfDay), timeUnit: options.timeUnit });
  const out = new Map<string, CustomerActivity>();
  for (const s of summaries) {
    out.set(s.customerId, {
      probabilityAlive: probabilityAlive(params, s),
      daysSinceLastPurchase: (s.T - s.recency) * unitDays,
      meanDaysBetweenPurchases: s.frequency > 0 ? (s.recency * unitDays) / s.frequency : null,
    });
  }
  return out;
}
