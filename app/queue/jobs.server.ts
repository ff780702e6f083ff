/**
 * The job kinds of the ledger and their handlers. Importing this module registers them in the process
 * (the worker, webhook routes and tests import it). Every handler is idempotent: jobs run at least once.
 *
 * | kind                        | enqueued by                          | does                                              |
 * |-----------------------------|--------------------------------------|---------------------------------------------------|
 * | orders.reread               | orders/edited                        | fetchOrder (app/sync) -> ingestion (newer-wins)   |
 * | discounts.reread            | discounts/create, discounts/update   | Admin GraphQL read -> Discount row                |
 * | refunds.resolve-pending     | refunds/create before its order      | re-derives the refund once the order is stored    |
 * | margins.recompute-orders    | every ledger change (margin hook)    | recomputeOrders (app/margins), batched per shop   |
 * | bulk-finished               | bulk_operations/finish               | registered by the sync module (app/sync)          |
 */
import db from "~/db.server";
import { PayloadError } from "~/domain/ledger/shopify-order";
import type { LedgerOrder } from "~/domain/ledger/types";
import { discountFromResponse, discountQuery, markDiscountDeleted, storeDiscount } from "~/ingest/discounts.server";
import { MARGIN_RECOMPUTE_JOB } from "~/ingest/margin-hook.server";
import { ingestOrders } from "~/ingest/orders.server";
import { RESOLVE_PENDING_REFUNDS_JOB, resolvePendingForOrder } from "~/ingest/refunds.server";
import { log } from "~/lib/log.server";
import { ensureShop } from "~/shops/shops.server";
import { unauthenticated } from "~/shopify.server";
import { PermanentJobError, registerBatchJobHandler, registerJobHandler } from "./queue.server";

export const REREAD_ORDER_JOB = "orders.reread";
export const REREAD_DISCOUNT_JOB = "discounts.reread";
/** Registered by the sync module (backfill): payload { operationId: "gid://shopify/BulkOperation/..." }. */
export const BULK_FINISHED_JOB = "bulk-finished";

/** What the jobs need of an Admin API client (the `admin` of @shopify/shopify-app-remix). */
export interface AdminGraphql {
  graphql(query: string, options?: { variables?: Record<string, unknown> }): Promise<Response>;
}

export type FetchOrder = (admin: AdminGraphql, orderGid: string) => Promise<LedgerOrder | null>;

let orderFetcher: FetchOrder | null = null;

/**
 * Sets the function that reads one order through the Admin API. The sync module provides
 * `fetchOrder(admin, orderGid)` (app/sync); it registers it here (or, once its file exists, replace the
 * body of `loadFetchOrder` with a lazy import of it). Tests set a stub.
 */
export function setOrderFetcher(fetcher: FetchOrder | null): void {
  orderFetcher = fetcher;
}

async function loadFetchOrder(): Promise<FetchOrder> {
  if (orderFetcher) return orderFetcher;
  // Retryable: the job stays queued with backoff until the sync module is loaded in this process.
  throw new Error("No order fetcher registered: app/sync must call setOrderFetcher(fetchOrder)");
}

/** An Admin API client for a shop outside a request (offline session). Replaceable in tests. */
let adminFor = async (shop: string): Promise<AdminGraphql> => (await unauthenticated.admin(shop)).admin;

export function setAdminClientFactory(factory: (shop: string) => Promise<AdminGraphql>): void {
  adminFor = factory;
}

function payloadString(payload: unknown, key: string): string {
  const value = (payload as Record<string, unknown> | null)?.[key];
  if (typeof value !== "string" || !value) throw new PermanentJobError(`Job payload has no ${key}`);
  return value;
}

registerJobHandler(REREAD_ORDER_JOB, async (job) => {
  const orderId = payloadString(job.payload, "orderId");
  const fetchOrder = await loadFetchOrder();
  const order = await fetchOrder(await adminFor(job.shopId), orderId);
  if (!order) {
    // Gone from Shopify (orders/delete handles removal) or not visible: nothing to apply.
    log("info", "orders.reread_missing", { shop: job.shopId, order: orderId });
    return;
  }
  const shop = await ensureShop(db, job.shopId, order.currency);
  if (shop.currency !== order.currency) {
    throw new PermanentJobError(`${order.id} is in ${order.currency}, the shop reports in ${shop.currency}`);
  }
  await ingestOrders(db, job.shopId, [order]);
});

registerJobHandler(REREAD_DISCOUNT_JOB, async (job) => {
  const discountId = payloadString(job.payload, "discountId");
  const admin = await adminFor(job.shopId);
  const response = await admin.graphql(discountQuery(discountId), { variables: { id: discountId } });
  const body = (await response.json()) as { data?: unknown; errors?: unknown };
  if (body.errors) throw new Error(`Admin API errors reading ${discountId}: ${JSON.stringify(body.errors).slice(0, 500)}`);
  let read;
  try {
    read = discountFromResponse(discountId, body.data);
  } catch (error) {
    if (error instanceof PayloadError) throw new PermanentJobError(error.message);
    throw error;
  }
  const shop = await db.shop.findUnique({ where: { id: job.shopId }, select: { currency: true } });
  await db.$transaction(async (tx) => {
    if (read) await storeDiscount(tx, job.shopId, discountId, read, shop?.currency ?? "USD");
    // Not found: deleted since the webhook (discounts/delete will say so too); it stays deleted.
    else await markDiscountDeleted(tx, job.shopId, discountId, new Date());
  });
});

registerJobHandler(RESOLVE_PENDING_REFUNDS_JOB, async (job) => {
  const orderId = payloadString(job.payload, "orderId");
  await db.$transaction((tx) => resolvePendingForOrder(tx, job.shopId, orderId));
});

// Coalesced: under a burst of webhooks one run recomputes the orders of up to 500 queued jobs of a shop.
registerBatchJobHandler(MARGIN_RECOMPUTE_JOB, async (jobs) => {
  const orderIds = new Set<string>();
  for (const job of jobs) {
    const ids = (job.payload as { orderIds?: unknown } | null)?.orderIds;
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string")) throw new PermanentJobError("Job payload has no orderIds");
    for (const id of ids as string[]) orderIds.add(id);
  }
  const { recomputeOrders } = await import("~/margins/recompute.server");
  await recomputeOrders(db, jobs[0].shopId, [...orderIds]);
  // Only this shop's analytics are refreshed, once per 5-second window however many batches ran.
  const { scheduleAnalyticsRefresh } = await import("~/analytics/snapshot.server");
  await scheduleAnalyticsRefresh(db, jobs[0].shopId);
}, { max: 500 });
