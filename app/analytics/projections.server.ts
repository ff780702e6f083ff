/**
 * Predicted CM-LTV per cohort and per segment row (app/domain/clv/cohort-projection.ts), computed in the analytics refresh
 * from the value events it has already loaded and stored as the "projections" snapshot row beside the
 * other views, so the Cohorts page and the customer flags read it without fitting anything.
 *
 * A model that cannot be fitted (too little history, no repeat customers) is not an error of the
 * refresh: the row then says why ("unavailable" with the message) and the pages show the observed
 * figures alone. The fitted BG/NBD parameters are kept in the row for the at-risk flag, which values
 * one customer's probability of still being active at read time (customers/activity.server.ts).
 */
import type { Db } from "~/db.server";
import { fitShopModel, ModelFitError, prepareCohortProjection, projectCohorts, type CohortProjectionInput, type CohortProjections,
  type PreparedProjection, type PurchaseHistories, type SegmentRows, type ShopModelFit } from "~/domain/clv";
import { log } from "~/lib/log.server";

export const PROJECTIONS_VIEW = "projections";
/** Calendar months projected after the last observed one (the current month included). */
export const PROJECTION_MONTHS = 12;

export type ProjectionsPayload =
  | ({ status: "ready"; ms: number } & CohortProjections)
  | { status: "unavailable"; message: string; ms: number };

/** The shop's model fitted ahead of the projections (fitShopModel), or what fitting it threw; and how long it took. */
export type EarlyFit = ({ fit: ShopModelFit; prepared?: PreparedProjection } | { error: unknown }) & { ms: number };

/** The projections' interval coverage. */
const PROJECTION_LEVEL = 0.8;

/**
 * Fits the shop's model on `histories` (built from `input`'s events) now, for computeProjections to
 * use later: the refresh fits while the orders are still loading. Never throws.
 */
export function fitAhead(input: Pick<CohortProjectionInput, "events" | "cancelledOrderIds" | "timeZone" | "asOf">, histories: PurchaseHistories): EarlyFit {
  const started = performance.now();
  try {
    const fit = fitShopModel(input, histories);
    return { fit, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

/**
 * The fit ahead with its projection's group-free part prepared too (prepareCohortProjection): what the
 * refresh's worker does while the segment rows are computed. Never throws: where preparing fails, the
 * projection prepares again and says why.
 */
export function prepareAhead(early: EarlyFit): EarlyFit {
  if (!("fit" in early)) return early;
  const started = performance.now();
  try {
    const prepared = prepareCohortProjection(early.fit, { horizonMonths: PROJECTION_MONTHS, level: PROJECTION_LEVEL });
    return { ...early, prepared, ms: early.ms + performance.now() - started };
  } catch {
    return { ...early, ms: early.ms + performance.now() - started };
  }
}

/**
 * Never throws: a model that cannot be fitted gives an "unavailable" payload with the reason. `early`
 * is the model fitted ahead on the same input and `histories` (fitAhead, maybe prepareAhead).
 */
export function computeProjections(input: CohortProjectionInput, shopId: string, segments?: SegmentRows,
  histories?: PurchaseHistories, early?: EarlyFit): ProjectionsPayload {
  const started = performance.now() - (early?.ms ?? 0);
  try {
    if (early && "error" in early) throw early.error;
    const ahead = early && "fit" in early ? early : undefined;
    const projections = projectCohorts(input, {
      horizonMonths: PROJECTION_MONTHS, level: PROJECTION_LEVEL, segments, histories, fit: ahead?.fit, prepared: ahead?.prepared,
    });
    return { status: "ready", ms: Math.round(performance.now() - started), ...projections };
  } catch (error) {
    const ms = Math.round(performance.now() - started);
    if (error instanceof ModelFitError || error instanceof RangeError) return { status: "unavailable", message: error.message, ms };
    // A defect in the model must not cost the merchant the observed figures: log it, store the reason.
    log("error", "analytics.projections_failed", { shopId, error: error instanceof Error ? error.message : String(error) });
    return { status: "unavailable", message: "The projection could not be computed (an internal error was logged).", ms };
  }
}

/** The stored projections of the latest refresh, or null before the first one. */
export async function readProjections(db: Db, shopId: string): Promise<ProjectionsPayload | null> {
  // Read here rather than through snapshot.server, which imports this module for the refresh.
  const row = await db.analyticsSnapshot.findUnique({ where: { shopId_view: { shopId, view: PROJECTIONS_VIEW } }, select: { payload: true } });
  return row ? (JSON.parse(row.payload) as ProjectionsPayload) : null;
}
