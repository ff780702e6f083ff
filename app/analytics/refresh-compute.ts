/**
 * The compute half of the analytics refresh: from the loaded ledger facts to every view, the model's
 * projections and the flagged lists. Pure (no database, no clock beyond the asOf it is given), so it
 * can run in a worker thread (refresh.worker.ts, ANALYTICS_REFRESH_THREAD=worker) as well as on the
 * calling thread (the default; see refreshThread in snapshot.server.ts for the measured trade-off).
 */
import { activityUnder } from "~/customers/activity.server";
import { encodeCohortBase } from "~/domain/analytics/cohort-base";
import { flagListsOf, type FlagLists } from "~/customers/flag-lists";
import { flagCustomers, prepareAnalytics, withAtRiskFlags, type AnalyticsInput, type CohortTable, type CustomerActivity, type CustomerSegmentKeys,
  type OrderTotalsByCustomer } from "~/domain/analytics";
import { purchaseHistories, type PurchaseHistories } from "~/domain/clv";
import { computeProjections, type EarlyFit, type ProjectionsPayload } from "./projections.server";
import { computeViews, customerSegments, type ViewInputs, type ViewPayloads } from "./views";

export interface RefreshComputeInput {
  shopId: string;
  input: AnalyticsInput;
  /** Each customer's order facts, added up by the load. */
  orderTotals: OrderTotalsByCustomer;
  inputs: ViewInputs;
  /** The refresh's "now": the at-risk flag's activity is valued at this instant. */
  asOf: Date;
  /** The customers' purchase histories when already built (the refresh builds them while the orders load). */
  histories?: PurchaseHistories;
  /** The model fitted on those histories, when already fitted (likewise). */
  fit?: EarlyFit;
}

/**
 * Projections computed elsewhere (the refresh's order-scan worker, sent the model fitted during the
 * load: snapshot.server.ts), started once the segment rows are known and awaited after the other views;
 * with the customers' activity under the model when it was valued there too (else it is valued here).
 */
export type Projector = (segments: CustomerSegmentKeys) =>
  Promise<{ projections: ProjectionsPayload; activity?: ReadonlyMap<string, CustomerActivity> }>;

export interface RefreshComputed {
  views: ViewPayloads;
  /** Cohort tables of the common filter choices (views.ts precomputedCohortTables), stored under their filter keys. */
  filteredCohorts: CohortTable[];
  projections: ProjectionsPayload;
  flagLists: FlagLists;
  /** The cohort tables' inputs as bytes (cohort-base.ts), stored for filter combinations asked for later. */
  cohortBase: Uint8Array;
  customers: number;
  /** Milliseconds per step (histories: ~0 when they were given). */
  parts: { prepare: number; views: number; histories: number; projections: number; flags: number; encode: number };
}

export async function computeRefresh(computeInput: RefreshComputeInput, project?: Projector): Promise<RefreshComputed> {
  const { shopId, input, orderTotals, inputs, asOf, histories: given, fit } = computeInput;
  const t0 = performance.now();
  const base = prepareAnalytics(input);
  const t1 = performance.now();
  const { customers, segmentKeys } = customerSegments(base, orderTotals, inputs);
  const tc = performance.now();
  // The predictive model, read by the Cohorts and Segments pages and the at-risk flag; the purchase
  // histories are built once for the model and for the flag.
  const histories = given ?? purchaseHistories(input.events, input.cancelledOrderIds, input.timeZone);
  const th = performance.now();
  // Started before the other views, so they are computed while the projector works.
  const projected = project?.(segmentKeys);
  // Whatever happens to the views, the projection is awaited: a rejection left unobserved would crash the process.
  projected?.catch(() => undefined);
  const { views, filteredCohorts } = computeViews(base, customers, inputs);
  const t2 = performance.now();
  // The Customers page's flags but at-risk, which needs the model: before waiting for the projector.
  const flagsBeforeModel = flagCustomers(customers, { currency: inputs.shop.currency, thresholds: inputs.thresholds });
  const tf = performance.now();
  // Also before the wait: the cohort base needs no model.
  const cohortBase = encodeCohortBase(base);
  const te = performance.now();
  // A fit made ahead is of the given histories only.
  const { projections, activity: valued } = projected
    ? await projected : { projections: computeProjections(input, shopId, segmentKeys, histories, given ? fit : undefined), activity: undefined };
  const t3 = performance.now();
  // The flagged lists, with the at-risk flags under the model just fitted (stored with it).
  const activity = valued ?? activityUnder(projections, inputs.shop, input.events, input.cancelledOrderIds, asOf, histories);
  const flagLists = flagListsOf(customers, withAtRiskFlags(flagsBeforeModel, customers, activity, inputs.thresholds));
  const t4 = performance.now();
  return {
    views, filteredCohorts, projections, flagLists, cohortBase, customers: customers.length,
    // With a projector, "projections" is the wait for it after the views, the flags that need no model and the encoding.
    parts: { prepare: t1 - t0, views: tc - t1 + (t2 - th), histories: th - tc, projections: t3 - te, flags: tf - t2 + (t4 - t3), encode: te - tf },
  };
}
