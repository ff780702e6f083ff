/**
 * The hook between ledger writes and the margin engine (app/margins, owned by the costs/margins work).
 *
 * Every ingestion path calls `requestMarginRecompute` inside its transaction with the orders it changed
 * (applied snapshots, new or re-derived refunds, merges, deletions). It enqueues one job of kind
 * MARGIN_RECOMPUTE_JOB per call, committed atomically with the change; the job's handler (registered in
 * app/queue/jobs.server.ts) calls `recomputeOrders(db, shopId, orderIds)` from app/margins once that
 * module exists. Until a handler for the kind is registered nothing is enqueued, so no job piles up.
 * (The margins module's own full recompute uses the kind "margins.recompute"; this one is incremental.)
 */
import type { Prisma } from "~/generated/prisma/client";
import { enqueue, registeredJobKinds } from "~/queue/queue.server";

export const MARGIN_RECOMPUTE_JOB = "margins.recompute-orders";

/** Orders per recompute job (keeps payloads small for a 1M-order backfill). */
const ORDERS_PER_JOB = 1_000;

/**
 * Margins follow the ledger this long after a change, so that a burst of webhooks is recomputed in a
 * few batches (the handler takes up to 500 due jobs of a shop at once) instead of one run per order.
 */
export const MARGIN_RECOMPUTE_DELAY_MS = 2_000;

export async function requestMarginRecompute(tx: Prisma.TransactionClient, shopId: string, orderIds: string[]): Promise<void> {
  if (!orderIds.length || !registeredJobKinds().includes(MARGIN_RECOMPUTE_JOB)) return;
  const ids = [...new Set(orderIds)].sort();
  for (let start = 0; start < ids.length; start += ORDERS_PER_JOB) {
    await enqueue(tx, {
      shopId,
      kind: MARGIN_RECOMPUTE_JOB,
      payload: { orderIds: ids.slice(start, start + ORDERS_PER_JOB) },
      runAt: new Date(Date.now() + MARGIN_RECOMPUTE_DELAY_MS),
    });
  }
}
