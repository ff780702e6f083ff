/**
 * Reconciliation: repairs what missed webhooks left behind. Every run lists the orders Shopify changed
 * since the shop's watermark (`orders(query: "updated_at:>'…'", sortKey: UPDATED_AT)`, ids and
 * updatedAt only, paginated and rate-limited), compares them with the ledger, re-reads in full only the
 * orders that are missing or older in the ledger, applies them through `ingestOrders` (newer-wins, so a
 * webhook that lands meanwhile is never overwritten by an older read) and records each repair as drift.
 * The watermark then moves to the newest updatedAt seen; the next run starts a few minutes before it
 * (Shopify's search index lags writes slightly), which re-lists a few orders at no cost.
 *
 * Run periodically by the queue (every 30 minutes per shop: a missed webhook is repaired within the
 * hour) and from the Sync page.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { ORDERS_UPDATED_SINCE_QUERY, updatedSinceFilter } from "~/domain/shopify-graphql/queries";
import type { GqlPageInfo } from "~/domain/shopify-graphql/types";
import type { LedgerOrder } from "~/domain/ledger/types";
import { ingestOrders } from "~/ingest/orders.server";
import { chunk, IDS_PER_QUERY } from "~/lib/chunks";
import { log } from "~/lib/log.server";
import type { AdminApi, RateLimitedGraphql } from "./graphql.server";
import { fetchOrder, graphqlClient } from "./read-order.server";

export const RECONCILE_INTERVAL_MS = 30 * 60_000;
/** The listing starts this much before the watermark. */
export const WATERMARK_OVERLAP_MS = 5 * 60_000;
/** Without a watermark (no backfill yet), look back this far. */
const FIRST_LOOKBACK_MS = 24 * 3_600_000;

export interface ReconcileOptions {
  now?: () => Date;
  pageSize?: number;
  /** Orders applied per ingest transaction. */
  batchSize?: number;
}

export interface ReconcileResult {
  id: string;
  since: Date;
  until: Date | null;
  checked: number;
  missing: number;
  stale: number;
  repaired: number;
}

interface ListedOrder {
  id: string;
  updatedAt: string;
  test?: boolean | null;
}

export async function reconcileShop(db: Db, shopId: string, admin: AdminApi | RateLimitedGraphql,
  options: ReconcileOptions = {}): Promise<ReconcileResult> {
  const now = options.now ?? (() => new Date());
  const client = graphqlClient(admin);
  const state = await db.syncState.findUnique({ where: { shopId } });
  const watermark = state?.watermark ?? new Date(now().getTime() - FIRST_LOOKBACK_MS);
  const since = new Date(watermark.getTime() - WATERMARK_OVERLAP_MS);
  const id = randomUUID();
  const startedAt = now();
  await db.syncReconciliation.create({ data: { shopId, id, since, status: "running", startedAt } });
  const result: ReconcileResult = { id, since, until: null, checked: 0, missing: 0, stale: 0, repaired: 0 };
  let newest = watermark;
  try {
    let after: string | null = null;
    for (;;) {
      const data: { orders: { nodes: ListedOrder[]; pageInfo: GqlPageInfo } } = await client.query(ORDERS_UPDATED_SINCE_QUERY, {
        query: updatedSinceFilter(since),
        first: options.pageSize ?? 250,
        after,
      });
      const listed = data.orders.nodes.filter((order) => !order.test);
      result.checked += listed.length;
      for (const order of data.orders.nodes) {
        const at = new Date(order.updatedAt);
        if (at > newest) newest = at;
      }
      await repairPage(db, shopId, client, listed, result, options.batchSize ?? 50, now);
      if (!data.orders.pageInfo.hasNextPage) break;
      after = data.orders.pageInfo.endCursor;
    }
    result.until = newest;
    const finishedAt = now();
    await db.$transaction([
      db.syncReconciliation.update({
        where: { shopId_id: { shopId, id } },
        data: { status: "done", until: newest, checked: result.checked, missing: result.missing, stale: result.stale, repaired: result.repaired, finishedAt },
      }),
      db.syncState.upsert({
        where: { shopId },
        create: { shopId, watermark: newest, lastReconcileAt: finishedAt, lastReconcileId: id, driftRepaired: result.repaired },
        update: { watermark: newest, lastReconcileAt: finishedAt, lastReconcileId: id, driftRepaired: { increment: result.repaired } },
      }),
    ]);
    if (result.repaired) log("warn", "sync.drift_repaired", { shop: shopId, missing: result.missing, stale: result.stale });
    return result;
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 2000);
    await db.syncReconciliation.update({
      where: { shopId_id: { shopId, id } },
      data: { status: "failed", error: message, checked: result.checked, missing: result.missing, stale: result.stale, repaired: result.repaired, finishedAt: now() },
    });
    throw error;
  }
}

async function repairPage(db: Db, shopId: string, client: RateLimitedGraphql, listed: ListedOrder[], result: ReconcileResult,
  batchSize: number, now: () => Date): Promise<void> {
  const stored = new Map<string, Date>();
  const deleted = new Set<string>();
  for (const ids of chunk(listed.map((order) => order.id), IDS_PER_QUERY)) {
    for (const row of await db.order.findMany({ where: { shopId, id: { in: ids } }, select: { id: true, sourceUpdatedAt: true } })) {
      stored.set(row.id, row.sourceUpdatedAt);
    }
    for (const row of await db.orderTombstone.findMany({ where: { shopId, orderId: { in: ids } }, select: { orderId: true } })) {
      deleted.add(row.orderId);
    }
  }
  const drifted = listed.filter((order) => {
    if (deleted.has(order.id)) return false;
    const at = stored.get(order.id);
    return at === undefined || at < new Date(order.updatedAt);
  });
  for (const part of chunk(drifted, batchSize)) {
    const orders: LedgerOrder[] = [];
    for (const listedOrder of part) {
      const order = await fetchOrder(client, listedOrder.id);
      if (order && !order.test) orders.push(order);
    }
    if (!orders.length) continue;
    const counts = await ingestOrders(db, shopId, orders);
    const repairedAt = now();
    // Orders a webhook brought up to date between the listing and the read are not drift.
    const drift = orders.filter((order) => {
      const at = stored.get(order.id);
      return at === undefined || at < order.sourceUpdatedAt;
    });
    for (const order of drift) {
      const before = stored.get(order.id);
      if (before === undefined) result.missing += 1;
      else result.stale += 1;
      await db.syncDrift.upsert({
        where: { shopId_reconciliationId_orderId: { shopId, reconciliationId: result.id, orderId: order.id } },
        create: {
          shopId, reconciliationId: result.id, orderId: order.id, kind: before === undefined ? "missing" : "stale",
          storedUpdatedAt: before ?? null, shopifyUpdatedAt: order.sourceUpdatedAt, repairedAt,
        },
        update: {},
      });
    }
    result.repaired += Math.min(drift.length, counts.applied);
  }
}
