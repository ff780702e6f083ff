/**
 * Every job kind of the app, registered in this process, and which kinds run at most once at a time per
 * shop. A worker only claims kinds it has handlers for, so each worker (the in-process one of an app
 * instance, app/queue/worker-process.ts) imports this.
 */
import "./jobs.server";
import { BULK_FINISHED_JOB } from "./jobs.server";
import { FULL_RECOMPUTE_JOB } from "~/margins/jobs.server";
import { BACKFILL_JOB } from "~/sync/jobs.server";
import { setExclusivePerShop } from "./queue.server";

// A full recompute or a backfill of one shop never runs twice at once, whichever instances hold jobs.
setExclusivePerShop(FULL_RECOMPUTE_JOB);
setExclusivePerShop(BACKFILL_JOB);
setExclusivePerShop(BULK_FINISHED_JOB);
