/**
 * The history backfill of a shop, as a resumable state machine persisted in SyncBackfill:
 *
 *   bulk      `bulkOperationRunQuery` for every order (BULK_ORDERS_QUERY); waits for
 *             bulk_operations/finish (the "bulk-finished" job) or polls the operation;
 *   download  streams the JSONL result (never held whole) through the GraphQL mapper into the ledger in
 *             batches (`ingestOrders`); after every batch the resume point (bytes and lines whose records
 *             are all applied) is saved, and a restart asks for the rest with an HTTP Range request
 *             (or skips the bytes when the server ignores the Range);
 *   refunds   the second pass: the refunds of orders that have any (bulk output carries refund ids only)
 *             are read with their line items, a few orders per request, paginated and rate-limited,
 *             and appended through the ledger's refund path; each order's row in SyncPendingOrder is
 *             deleted in the same transaction, so a restart continues with the orders left;
 *   done.
 *
 * Failures keep the step and record the message; `retryBackfill` resumes from there. Every write goes
 * through the ledger's newer-wins / append-only rules, so a repeated batch or order changes nothing.
 */
import { randomUUID } from "node:crypto";
import { transactionLock, type Db } from "~/db.server";
import { mapGraphqlRefund } from "~/domain/shopify-graphql/order";
import { Prisma } from "~/generated/prisma/client";
import { chunk } from "~/lib/chunks";
import { BULK_OPERATION_QUERY, BULK_ORDERS_QUERY, RUN_BULK_QUERY } from "~/domain/shopify-graphql/queries";
import { ingestOrders } from "~/ingest/orders.server";
import { applyRefund } from "~/ingest/refunds.server";
import { log } from "~/lib/log.server";
import type { AdminApi, RateLimitedGraphql } from "./graphql.server";
import { responseStream } from "./lines.server";
import { fetchOrder, fetchOrdersRefunds, graphqlClient } from "./read-order.server";
import { streamIngest } from "./stream-ingest.server";

export type BackfillStatus = "running" | "waiting" | "failed" | "done";
/** What a call to continueBackfill ended with; "busy": another worker holds it (try again later). */
export type ContinueOutcome = "waiting" | "done" | "busy" | "failed";
export type BackfillStep = "bulk" | "download" | "refunds" | "done";

export interface BackfillDeps {
  /** Downloads the result file (tests pass a fixture server). */
  fetch?: (url: string, init?: RequestInit) => Promise<Response>;
  batchSize?: number;
  /** Orders per refund request (default 10). */
  refundBatch?: number;
  /** Stop after the current batch (a simulated crash in tests). */
  shouldStop?: () => boolean;
  now?: () => Date;
  /** Queue hooks: schedule a poll of the bulk operation / a continuation (set by app/sync/jobs.server). */
  schedulePoll?: (shopId: string, backfillId: string, at: Date) => Promise<void>;
}

/** A worker on a backfill refreshes updatedAt at least this often; an older "running" row was abandoned. */
export const STALE_RUNNING_MS = 2 * 60_000;
const POLL_MS = 20_000;
const URL_LIFETIME_MS = 7 * 24 * 3_600_000 - 3_600_000;

let defaultDeps: BackfillDeps = {};

/** Process-wide defaults (the queue module sets schedulePoll). */
export function configureBackfill(deps: BackfillDeps): void {
  defaultDeps = { ...defaultDeps, ...deps };
}

function depsOf(deps?: BackfillDeps): Required<Pick<BackfillDeps, "batchSize" | "refundBatch">> & BackfillDeps {
  return { batchSize: 1000, refundBatch: 10, ...defaultDeps, ...deps };
}

function clock(deps: BackfillDeps): Date {
  return deps.now ? deps.now() : new Date();
}

export async function latestBackfill(db: Db, shopId: string) {
  return db.syncBackfill.findFirst({ where: { shopId }, orderBy: { startedAt: "desc" } });
}

async function update(db: Db, shopId: string, id: string, data: Record<string, unknown>, deps: BackfillDeps) {
  await db.syncBackfill.update({ where: { shopId_id: { shopId, id } }, data: { ...data, updatedAt: clock(deps) } });
}

async function fail(db: Db, shopId: string, id: string, error: unknown, deps: BackfillDeps): Promise<void> {
  const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
  log("error", "sync.backfill_failed", { shop: shopId, backfill: id, error: message });
  await db.syncBackfill.update({
    where: { shopId_id: { shopId, id } },
    data: { status: "failed", lastError: message, failedAt: clock(deps), updatedAt: clock(deps), attempts: { increment: 1 } },
  });
}

/**
 * Starts a backfill (on install and from the Sync page). A backfill already under way is returned as is,
 * so a double click or a repeated install hook starts nothing twice.
 */
export async function startBackfill(db: Db, shopId: string, admin: AdminApi | RateLimitedGraphql, options?: BackfillDeps) {
  const deps = depsOf(options);
  const now = clock(deps);
  const id = randomUUID();
  // Check and create under a per-shop lock: two instances handling the same install start one backfill.
  const current = await db.$transaction(async (tx) => {
    await transactionLock(tx, `backfill:${shopId}`);
    const latest = await latestBackfill(tx as Db, shopId);
    if (latest && (latest.status === "running" || latest.status === "waiting")) return latest;
    await tx.syncBackfill.create({ data: { shopId, id, status: "running", step: "bulk", startedAt: now, updatedAt: now } });
    return null;
  });
  if (current) return { backfill: current, started: false };
  try {
    await submitBulk(db, shopId, id, admin, deps);
  } catch (error) {
    await fail(db, shopId, id, error, deps);
  }
  return { backfill: await db.syncBackfill.findUniqueOrThrow({ where: { shopId_id: { shopId, id } } }), started: true };
}

async function submitBulk(db: Db, shopId: string, id: string, admin: AdminApi | RateLimitedGraphql, deps: BackfillDeps) {
  const client = graphqlClient(admin);
  const data = await client.query<{
    bulkOperationRunQuery: { bulkOperation: { id: string; status: string } | null; userErrors: { field?: string[]; message: string; code?: string }[] };
  }>(RUN_BULK_QUERY, { query: BULK_ORDERS_QUERY });
  const { bulkOperation, userErrors } = data.bulkOperationRunQuery;
  if (!bulkOperation) {
    throw new Error(`bulkOperationRunQuery refused: ${userErrors.map((error) => error.message).join("; ") || "no operation returned"}`);
  }
  const now = clock(deps);
  await db.$transaction([
    db.syncBackfill.update({
      where: { shopId_id: { shopId, id } },
      data: {
        status: "waiting", step: "bulk", bulkOperationId: bulkOperation.id, resultUrl: null, urlExpiresAt: null,
        bytesDone: 0n, linesDone: 0, lastError: null, failedAt: null, updatedAt: now,
      },
    }),
    db.syncPendingOrder.deleteMany({ where: { shopId, backfillId: id } }),
  ]);
  await deps.schedulePoll?.(shopId, id, new Date(now.getTime() + POLL_MS));
}

interface BulkOperationNode {
  id: string;
  status: string;
  errorCode: string | null;
  objectCount: string | number;
  fileSize: string | number | null;
  url: string | null;
  partialDataUrl: string | null;
}

/**
 * Checks the bulk operation (after bulk_operations/finish, or on a poll) and moves the backfill on:
 * completed -> download; failed/cancelled/expired -> failed; still running -> poll again later.
 * Returns whether the backfill can continue now.
 */
async function checkBulk(db: Db, shopId: string, id: string, operationId: string, admin: AdminApi | RateLimitedGraphql,
  deps: BackfillDeps): Promise<boolean> {
  const data = await graphqlClient(admin).query<{ node: BulkOperationNode | null }>(BULK_OPERATION_QUERY, { id: operationId });
  const operation = data.node;
  if (!operation) throw new Error(`Bulk operation ${operationId} not found`);
  const objectCount = Number(operation.objectCount ?? 0);
  if (operation.status === "COMPLETED") {
    const now = clock(deps);
    await update(db, shopId, id, {
      step: "download",
      objectCount,
      fileSize: operation.fileSize == null ? null : BigInt(operation.fileSize),
      resultUrl: operation.url,
      urlExpiresAt: new Date(now.getTime() + URL_LIFETIME_MS),
    }, deps);
    return true;
  }
  if (operation.status === "CREATED" || operation.status === "RUNNING") {
    await update(db, shopId, id, { status: "waiting", objectCount }, deps);
    await deps.schedulePoll?.(shopId, id, new Date(clock(deps).getTime() + POLL_MS));
    return false;
  }
  throw new Error(`Bulk operation ${operation.status.toLowerCase()}${operation.errorCode ? ` (${operation.errorCode})` : ""}`);
}

/** Claims a backfill for this worker: false when another worker is on it (fresh "running" row). */
async function claim(db: Db, shopId: string, id: string, deps: BackfillDeps): Promise<boolean> {
  const now = clock(deps);
  const staleBefore = new Date(now.getTime() - STALE_RUNNING_MS);
  const claimed = await db.syncBackfill.updateMany({
    where: {
      shopId, id, status: { in: ["waiting", "failed", "running"] },
      OR: [{ status: { not: "running" } }, { updatedAt: { lt: staleBefore } }],
    },
    data: { status: "running", updatedAt: now },
  });
  return claimed.count === 1;
}

/** The "bulk-finished" job: finds the backfill of the operation and continues it. */
export async function onBulkFinished(db: Db, shopId: string, admin: AdminApi | RateLimitedGraphql, operationId: string,
  options?: BackfillDeps): Promise<ContinueOutcome | null> {
  const backfill = await db.syncBackfill.findFirst({ where: { shopId, bulkOperationId: operationId } });
  if (!backfill) {
    log("info", "sync.bulk_finished_unknown", { shop: shopId, operation: operationId });
    return null;
  }
  return continueBackfill(db, shopId, admin, backfill.id, options);
}

/**
 * Runs a backfill from where it stands until it is done, waiting on Shopify, or stopped. Safe to call
 * again at any time (a poll, the finish webhook, a retry, a restart): it resumes.
 */
export async function continueBackfill(db: Db, shopId: string, admin: AdminApi | RateLimitedGraphql, id: string,
  options?: BackfillDeps): Promise<ContinueOutcome> {
  const deps = depsOf(options);
  const row = await db.syncBackfill.findUnique({ where: { shopId_id: { shopId, id } } });
  if (!row) throw new Error(`No backfill ${id} for ${shopId}`);
  if (row.status === "done") return "done";
  if (!(await claim(db, shopId, id, deps))) return "busy";
  try {
    let step = row.step as BackfillStep;
    if (step === "bulk") {
      if (!row.bulkOperationId) {
        await submitBulk(db, shopId, id, admin, deps);
        return "waiting";
      }
      if (!(await checkBulk(db, shopId, id, row.bulkOperationId, admin, deps))) return "waiting";
      step = "download";
    }
    if (step === "download") {
      const current = await db.syncBackfill.findUniqueOrThrow({ where: { shopId_id: { shopId, id } } });
      if (!current.resultUrl || (current.urlExpiresAt && current.urlExpiresAt < clock(deps))) {
        // No file (an empty shop has none) or the link expired: an expired one needs a new operation.
        if (current.resultUrl) {
          await submitBulk(db, shopId, id, admin, deps);
          return "waiting";
        }
      } else {
        const finished = await download(db, shopId, id, current.resultUrl, Number(current.bytesDone), current.linesDone, deps);
        if (!finished) {
          await update(db, shopId, id, { status: "waiting" }, deps);
          return "waiting";
        }
      }
      await update(db, shopId, id, { step: "refunds" }, deps);
      step = "refunds";
    }
    if (step === "refunds") {
      const finished = await refundPass(db, shopId, id, admin, deps);
      if (!finished) {
        await update(db, shopId, id, { status: "waiting" }, deps);
        return "waiting";
      }
      const now = clock(deps);
      await update(db, shopId, id, { step: "done", status: "done", finishedAt: now, lastError: null, failedAt: null }, deps);
      await db.syncState.upsert({
        where: { shopId },
        create: { shopId, watermark: row.startedAt },
        update: {},
      });
      log("info", "sync.backfill_done", { shop: shopId, backfill: id });
      return "done";
    }
    return "done";
  } catch (error) {
    await fail(db, shopId, id, error, deps);
    throw error;
  }
}

/** Skips the first `bytes` of a stream (a server that answered a Range request with the whole file). */
async function* skipBytes(source: AsyncIterable<Uint8Array>, bytes: number): AsyncGenerator<Uint8Array> {
  let left = bytes;
  for await (const chunk of source) {
    if (left <= 0) yield chunk;
    else if (chunk.byteLength <= left) left -= chunk.byteLength;
    else {
      yield chunk.subarray(left);
      left = 0;
    }
  }
}

async function download(db: Db, shopId: string, id: string, url: string, fromByte: number, fromLine: number,
  deps: ReturnType<typeof depsOf>): Promise<boolean> {
  const fetcher = deps.fetch ?? fetch;
  const response = await fetcher(url, fromByte ? { headers: { Range: `bytes=${fromByte}-` } } : undefined);
  if (!response.ok) throw new Error(`Downloading the bulk result failed: HTTP ${response.status}`);
  const body = responseStream(response);
  const source = fromByte && response.status !== 206 ? skipBytes(body, fromByte) : body;
  // Counts already added to the row (streamIngest reports running totals).
  const seen = { orders: 0, applied: 0, skipped: 0, bad: 0 };
  const result = await streamIngest(db, shopId, source, {
    format: "bulk",
    batchSize: deps.batchSize,
    from: { byte: fromByte, line: fromLine },
    shouldStop: deps.shouldStop,
    // Batches and their resume points commit in order, so after an OS crash the download resumes from
    // the last durable resume point and reads again what was lost.
    durability: "relaxed",
    // In the batch's transaction: the resume point commits with the orders it covers.
    onBatch: async (progress, tx) => {
      const { counts } = progress;
      const pending = progress.incompleteRefundOrders;
      for (const insert of addPending(tx, shopId, id, pending, "refunds")) await insert;
      await tx.syncBackfill.update({
        where: { shopId_id: { shopId, id } },
        data: {
          bytesDone: BigInt(progress.resume.byte),
          linesDone: progress.resume.line,
          ordersSeen: { increment: counts.orders - seen.orders },
          ordersApplied: { increment: counts.applied - seen.applied },
          ordersSkipped: { increment: counts.stale + counts.skippedTest + counts.deleted - seen.skipped },
          badRecords: { increment: counts.bad - seen.bad },
          refundOrders: { increment: pending.length },
          updatedAt: clock(deps),
        },
      });
      seen.orders = counts.orders;
      seen.applied = counts.applied;
      seen.skipped = counts.stale + counts.skippedTest + counts.deleted;
      seen.bad = counts.bad;
    },
    onError: (error) => log("warn", "sync.backfill_bad_record", { shop: shopId, backfill: id, ...error }),
  });
  if (result.stopped) return false;
  if (result.unmatchedParents.length) {
    const orders = result.unmatchedParents.filter((orderId) => orderId.startsWith("gid://shopify/Order/"));
    await db.$transaction(addPending(db, shopId, id, orders, "reread"));
  }
  if (result.errors.length) {
    const first = result.errors[0];
    await update(db, shopId, id, { lastError: `${result.counts.bad} record(s) skipped; first at line ${first.line}: ${first.message}`.slice(0, 2000) }, deps);
  }
  return true;
}

/** Statements adding orders to the refund pass (an order already listed stays as it is). */
function addPending(db: Pick<Db, "$executeRaw">, shopId: string, backfillId: string, orderIds: string[], reason: "refunds" | "reread") {
  return chunk(orderIds, 200).map((ids) =>
    db.$executeRaw(Prisma.sql`INSERT INTO "SyncPendingOrder" ("shopId", "backfillId", "orderId", "reason")
      VALUES ${Prisma.join(ids.map((orderId) => Prisma.sql`(${shopId}, ${backfillId}, ${orderId}, ${reason})`))}
      ON CONFLICT DO NOTHING`));
}

/** The second pass. Returns false when stopped before the end. */
async function refundPass(db: Db, shopId: string, id: string, admin: AdminApi | RateLimitedGraphql,
  deps: ReturnType<typeof depsOf>): Promise<boolean> {
  const client = graphqlClient(admin);
  for (;;) {
    const pending = await db.syncPendingOrder.findMany({
      where: { shopId, backfillId: id },
      orderBy: { orderId: "asc" },
      take: deps.refundBatch,
    });
    if (!pending.length) return true;
    const rereads = pending.filter((row) => row.reason === "reread");
    const refundRows = pending.filter((row) => row.reason !== "reread");
    let applied = 0;
    for (const row of rereads) {
      const order = await fetchOrder(client, row.orderId);
      if (order) await ingestOrders(db, shopId, [order]);
    }
    const read = await fetchOrdersRefunds(client, refundRows.map((row) => row.orderId));
    await db.$transaction(async (tx) => {
      for (const order of read) {
        // Only orders the ledger holds: a refund of an unknown order would need its REST body to be
        // re-derived later; such an order is re-read by reconciliation instead.
        const stored = await tx.order.findUnique({ where: { shopId_id: { shopId, id: order.orderId } }, select: { id: true } });
        if (!stored) continue;
        for (const refund of order.refunds) {
          const outcome = await applyRefund(tx, shopId, {
            derive: (taxesIncluded) => mapGraphqlRefund(refund, order.currency, taxesIncluded, order.orderId),
            bodyText: JSON.stringify(refund),
          });
          if (outcome.outcome === "applied") applied += 1;
        }
      }
      await tx.syncPendingOrder.deleteMany({ where: { shopId, backfillId: id, orderId: { in: pending.map((row) => row.orderId) } } });
      await tx.syncBackfill.update({
        where: { shopId_id: { shopId, id } },
        data: { refundOrdersDone: { increment: pending.length }, refundsApplied: { increment: applied }, updatedAt: clock(deps) },
      });
    });
    if (deps.shouldStop?.()) return false;
  }
}

/** The Sync page's retry: a failed backfill resumes from its step (a finished one is started anew). */
export async function retryBackfill(db: Db, shopId: string, admin: AdminApi | RateLimitedGraphql, options?: BackfillDeps) {
  const current = await latestBackfill(db, shopId);
  if (!current || current.status === "done") return startBackfill(db, shopId, admin, options);
  if (current.status === "failed") {
    await db.syncBackfill.update({
      where: { shopId_id: { shopId, id: current.id } },
      data: { status: "waiting", updatedAt: clock(depsOf(options)) },
    });
  }
  return { backfill: current, started: false };
}
