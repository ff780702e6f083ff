/**
 * Customers' activity under the shop's fitted purchase model (stored by the analytics refresh in the
 * projections row, app/analytics/projections.server.ts), for the at-risk flag. The parameters come
 * from the refresh; each customer's history is taken from their value events now, up to today in the
 * shop's time zone. Undefined when the model has not been fitted for the shop (too little history, or
 * no refresh yet): then no customer is flagged at risk, and the pages say why.
 */
import { readProjections, type ProjectionsPayload } from "~/analytics/projections.server";
import type { Db } from "~/db.server";
import type { CustomerActivity } from "~/domain/analytics";
import { customerActivity, dayNumberFunction, dayString, purchaseHistories, type BgNbdParams, type PurchaseHistories, type TimeUnit } from "~/domain/clv";
import type { ValueEventLog } from "~/domain/value-events";
import type { ShopSettings } from "~/shops/shops.server";

export async function activityOf(
  db: Db, shop: ShopSettings, events: ValueEventLog, cancelledOrderIds: ReadonlySet<string>, now = new Date(),
): Promise<ReadonlyMap<string, CustomerActivity> | undefined> {
  return activityUnder(await readProjections(db, shop.id), shop, events, cancelledOrderIds, now);
}

/**
 * The same under a given projections payload (the refresh's own, before it is stored). `histories`:
 * the events' purchase histories when the caller has them (the refresh builds them once for the model too).
 */
export function activityUnder(
  projections: ProjectionsPayload | null, shop: Pick<ShopSettings, "ianaTimezone">, events: ValueEventLog,
  cancelledOrderIds: ReadonlySet<string>, now = new Date(), histories?: PurchaseHistories,
): ReadonlyMap<string, CustomerActivity> | undefined {
  if (projections?.status !== "ready") return undefined;
  return activityUnderParams(projections.model.bgnbd.params, projections.model.timeUnit, shop.ianaTimezone, now,
    histories ?? purchaseHistories(events, cancelledOrderIds, shop.ianaTimezone));
}

/**
 * The same under fitted parameters themselves, valued up to today in the shop's zone (a customer who
 * ordered this morning is not at risk): the refresh values it as soon as its worker has fitted the model.
 */
export function activityUnderParams(params: BgNbdParams, timeUnit: TimeUnit, timeZone: string, now: Date, histories: PurchaseHistories):
  Map<string, CustomerActivity> {
  return customerActivity(params, histories, { asOfDay: dayString(dayNumberFunction(timeZone)(now)), timeUnit });
}

/** Why no customer is flagged at risk, or null when the model is fitted. */
export async function atRiskUnavailableReason(db: Db, shopId: string): Promise<string | null> {
  const projections = await readProjections(db, shopId);
  if (!projections) return "The predictive model has not been fitted yet: it is fitted with the next analytics refresh.";
  return projections.status === "ready" ? null : `The predictive model could not be fitted: ${projections.message}`;
}
