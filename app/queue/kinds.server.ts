/**
 * Every job kind of the app, registered in this process, and which kinds run at most once at a time per
 * shop. A worker only claims kinds it has handlers for, so each worker (the in-process one of an app
 * instance, app/queue/worker-process.ts) imports this.
 */
import "./jobs.server";
import { BULK_FINISHED_JOB } from "./jobs.server";
import { ANALYTICS_REFRESH_JOB } from "~/analytics/snapshot.server";
import { MARGIN_RECOMPUTE_JOB } from "~/ingest/margin-hook.server";
import { FULL_RECOMPUTE_JOB } from "~/margins/jobs.server";
import { BACKFILL_JOB } from "~/sync/jobs.server";
import { setExclusivePerShop } from "./queue.server";

// Margin recomputes of one shop (full, or the orders webhooks touched) run one at a time, whichever
// instances hold the jobs: two overlapping runs could commit a result read before the other's changes.
setExclusivePerShop(FULL_RECOMPUTE_JOB, "margins");
setExclusivePerShop(MARGIN_RECOMPUTE_JOB, "margins");
// A backfill continues in one place at a time (its row's claim also guards this).
setExclusivePerShop(BACKFILL_JOB, "backfill");
setExclusivePerShop(BULK_FINISHED_JOB, "backfill");
// A shop's analytics refresh replaces its snapshot rows (delete, then insert): two at once on PostgreSQL
// collide on the rows' key (each delete misses the other's fresh rows) and one fails, to be retried.
setExclusivePerShop(ANALYTICS_REFRESH_JOB, "analytics");
