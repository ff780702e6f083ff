/**
 * The durable job behind a full margin recompute (app/queue): one job per shop and cost version
 * (dedupe key), so a change that happens while a run is going queues exactly one more run, and a
 * restart loses nothing. The run stops early when the cost version moves on (the newer job redoes it).
 * Incremental recomputes after ingestion are the sync side's "margins.recompute" job (app/ingest/margin-hook).
 */
import db from "~/db.server";
import { registerJobHandler } from "~/queue/queue.server";
import { recomputeMargins } from "./recompute.server";

export const FULL_RECOMPUTE_JOB = "margins.recompute-shop";

registerJobHandler(FULL_RECOMPUTE_JOB, async (job) => {
  await recomputeMargins(db, job.shopId);
});
