/**
 * The sync's job kinds on the durable queue (app/queue). Importing this module registers them in the
 * process; the worker must import it (see the note in the closing report: app/queue/worker.server.ts).
 *
 * | kind             | enqueued by                                   | does                                        |
 * |------------------|-----------------------------------------------|---------------------------------------------|
 * | bulk-finished    | bulk_operations/finish webhook (sync A)        | continues the backfill of that operation    |
 * | sync.backfill    | startBackfill (poll), retry, a stopped run     | continueBackfill (resumes at its step)      |
 * | sync.reconcile   | a finished backfill, itself every 30 minutes, | reconcileShop, then schedules the next run  |
 * |                  | the Sync page                                 |                                             |
 *
 * It also hands `fetchOrder` to the ledger's jobs (orders/edited re-reads).
 */
import db from "~/db.server";
import { BULK_FINISHED_JOB, setOrderFetcher } from "~/queue/jobs.server";
import { enqueue, PermanentJobError, registerJobHandler } from "~/queue/queue.server";
import { unauthenticated } from "~/shopify.server";
import { configureBackfill, continueBackfill, onBulkFinished, STALE_RUNNING_MS } from "./backfill.server";
import type { AdminApi } from "./graphql.server";
import { fetchOrder } from "./read-order.server";
import { RECONCILE_INTERVAL_MS, reconcileShop } from "./reconcile.server";

export const BACKFILL_JOB = "sync.backfill";
export const RECONCILE_JOB = "sync.reconcile";

let adminFor = async (shop: string): Promise<AdminApi> => (await unauthenticated.admin(shop)).admin;

/** Tests: the Admin API client the jobs use for a shop. */
export function setSyncAdminFactory(factory: (shop: string) => Promise<AdminApi>): void {
  adminFor = factory;
}

/** Enqueues a continuation of a backfill (a poll of its bulk operation, or the next part of its work). */
export async function scheduleBackfill(shopId: string, backfillId: string, at = new Date()): Promise<void> {
  await enqueue(db, {
    shopId,
    kind: BACKFILL_JOB,
    payload: { backfillId },
    // One pending continuation per backfill and minute.
    dedupeKey: `backfill:${backfillId}:${Math.floor(at.getTime() / 60_000)}`,
    runAt: at,
  });
}

/** Enqueues the shop's next reconciliation (one per half-hour slot). */
export async function scheduleReconcile(shopId: string, at = new Date()): Promise<void> {
  await enqueue(db, {
    shopId,
    kind: RECONCILE_JOB,
    payload: {},
    dedupeKey: `reconcile:${Math.floor(at.getTime() / RECONCILE_INTERVAL_MS)}`,
    runAt: at,
  });
}

configureBackfill({ schedulePoll: scheduleBackfill });
setOrderFetcher(fetchOrder);

function payloadString(payload: unknown, ...keys: string[]): string {
  for (const key of keys) {
    const value = (payload as Record<string, unknown> | null)?.[key];
    if (typeof value === "string" && value) return value;
  }
  throw new PermanentJobError(`Job payload has no ${keys.join(" or ")}`);
}

registerJobHandler(BULK_FINISHED_JOB, async (job) => {
  const operationId = payloadString(job.payload, "bulkOperationId", "operationId", "admin_graphql_api_id");
  const outcome = await onBulkFinished(db, job.shopId, await adminFor(job.shopId), operationId);
  const row = await db.syncBackfill.findFirst({ where: { shopId: job.shopId, bulkOperationId: operationId } });
  if (outcome === "done") await scheduleReconcile(job.shopId);
  // Another worker holds it (or held it and died): look again once its claim would have gone stale.
  if (outcome === "busy" && row) await scheduleBackfill(job.shopId, row.id, new Date(Date.now() + STALE_RUNNING_MS + 10_000));
});

registerJobHandler(BACKFILL_JOB, async (job) => {
  const backfillId = payloadString(job.payload, "backfillId");
  const outcome = await continueBackfill(db, job.shopId, await adminFor(job.shopId), backfillId);
  if (outcome === "done") await scheduleReconcile(job.shopId);
  if (outcome === "busy") await scheduleBackfill(job.shopId, backfillId, new Date(Date.now() + STALE_RUNNING_MS + 10_000));
});

registerJobHandler(RECONCILE_JOB, async (job) => {
  try {
    await reconcileShop(db, job.shopId, await adminFor(job.shopId));
  } finally {
    // Periodic: the next run is scheduled whatever this one did (a failure is recorded on its row).
    await scheduleReconcile(job.shopId, new Date(Date.now() + RECONCILE_INTERVAL_MS));
  }
});
