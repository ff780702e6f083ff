/**
 * The durable job behind a full margin recompute (app/queue): one job per shop and cost version
 * (dedupe key), so a change that happens while a run is going queues exactly one more run, and a
 * restart loses nothing. The run stops early when the cost version moves on (the newer job redoes it).
 * Incremental recomputes after ingestion are the sync side's "margins.recompute-orders" job (app/ingest/margin-hook).
 * Both queue an analytics refresh of the shop when they finish (scheduleAnalyticsRefresh).
 */
import db from "~/db.server";
import { registerJobHandler } from "~/queue/queue.server";
import { scheduleAnalyticsRefresh } from "~/analytics/snapshot.server";
import { recomputeMargins } from "./recompute.server";

export const FULL_RECOMPUTE_JOB = "margins.recompute-shop";

registerJobHandler(FULL_RECOMPUTE_JOB, async (job) => {
  const result = await recomputeMargins(db, job.shopId);
  // New margins: queue the analytics refresh now instead of waiting for a page to find its snapshot stale.
  // A superseded run leaves that to the run that supersedes it.
  if (!result.superseded) await scheduleAnalyticsRefresh(db, job.shopId);
});
