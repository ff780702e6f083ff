/**
 * Writes order snapshots into the ledger. Webhooks, the demo seed and the command line all come
 * through here, so delivery semantics live in one place:
 *
 * - a webhook id is applied once: its receipt row is inserted in the same transaction as the change,
 *   and the table's primary key turns a concurrent or repeated delivery into a no-op;
 * - a snapshot replaces the stored order only if its updated_at is newer;
 * - refunds are immutable and append-only: they are merged by id from every snapshot, stale or not,
 *   so any order of delivery converges on the same ledger;
 * - a deleted order (orders/delete leaves a tombstone) is never brought back by a late snapshot; a test
 *   order is tombstoned too, so refunds of it are never kept, whatever the delivery order;
 * - a merged customer id is mapped to the kept customer on write (customers/merge), so a late snapshot
 *   cannot bring the merged id back;
 * - a refund that arrived before its order (PendingRefund) is re-derived with the order's
 *   taxes_included as soon as any snapshot of the order is seen;
 * - a Customer row exists exactly while some order of the ledger names it.
 */
import { transactionLock, type Db } from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import type { LedgerOrder, LedgerRefund } from "~/domain/ledger/types";
import { Prisma as Sql } from "~/generated/prisma/client";
import { chunk, IDS_PER_QUERY } from "~/lib/chunks";
import { currencyDigits } from "~/domain/money/money";
import { parseJsonExact } from "~/domain/ledger/json";
import { normalizeRefund, refundSchema } from "~/domain/ledger/shopify-order";
import { customerMapping, pruneCustomers } from "./customers.server";
import { requestMarginRecompute } from "./margin-hook.server";
import { deleteOrder } from "./order-delete.server";
import { ledgerSqlFor, portableLedgerSql, type LedgerSql } from "./ledger-sql.server";
import { isDuplicateDelivery, ledgerLockKey } from "./receipts.server";
import { asDate, selectByIds } from "./sql.server";

export interface WebhookReceiptInput {
  webhookId: string;
  topic: string;
}

export interface IngestCounts {
  applied: number;
  stale: number;
  skippedTest: number;
  duplicate: number;
  refunds: number;
  /** Snapshots of orders deleted in Shopify (tombstoned), ignored. */
  deleted: number;
  /** Applied orders and the updated_at (ms) of the snapshot applied (set by applyOrders). */
  appliedAt?: Map<string, number>;
  /** Orders of the batch that are tombstoned (deleted, or test orders) (set by applyOrders). */
  tombstoned?: Set<string>;
}

type Tx = Prisma.TransactionClient;

const big = (value: number) => BigInt(value);

/**
 * Applies a batch of order snapshots for one shop in one transaction. With a receipt (webhooks),
 * a repeated webhook id is detected and nothing is written.
 */
export async function ingestOrders(
  db: Db,
  shopId: string,
  orders: LedgerOrder[],
  receipt?: WebhookReceiptInput,
): Promise<IngestCounts> {
  try {
    return await db.$transaction((tx) => writeOrderBatch(db, tx, shopId, orders, receipt), { timeout: 120_000 });
  } catch (error) {
    if (receipt && (await isDuplicateDelivery(db, shopId, receipt.webhookId, error))) {
      return { applied: 0, stale: 0, skippedTest: 0, duplicate: 1, refunds: 0, deleted: 0 };
    }
    throw error;
  }
}

/**
 * ingestOrders inside the caller's transaction `tx` of `db` (the bulk path writes several batches in
 * one transaction, app/sync/stream-ingest.server.ts). A repeated receipt fails the statement.
 */
export async function writeOrderBatch(db: Db, tx: Tx, shopId: string, orders: LedgerOrder[], receipt?: WebhookReceiptInput): Promise<IngestCounts> {
  await transactionLock(tx, ledgerLockKey(shopId));
  const sql = ledgerSqlFor(db, tx);
  const counts = await applyOrders(tx, shopId, orders, sql);
  const now = new Date();
  if (receipt) {
    const outcome = counts.applied ? "applied" : counts.skippedTest ? "skipped-test" : counts.deleted ? "deleted" : "stale";
    await sql.insertRows("WebhookReceipt", [{ shopId, webhookId: receipt.webhookId, topic: receipt.topic, receivedAt: now, outcome }]);
  }
  await touchShop(sql, shopId, now, counts.applied > 0 || counts.refunds > 0, receipt !== undefined);
  return counts;
}

export interface OrderWebhook {
  order: LedgerOrder;
  receipt: WebhookReceiptInput;
}

/**
 * What one delivery did: recorded on its receipt ("duplicate" when its webhook id was applied before).
 * "wrong-currency" is a refusal: the order is not in the shop currency; nothing of it is written.
 */
export type OrderWebhookOutcome = "applied" | "stale" | "skipped-test" | "deleted" | "duplicate" | "wrong-currency";

/**
 * The shop's currency; a shop not registered yet is created from `currency` (the first order's, as
 * ensureShop does), inside the caller's transaction.
 */
async function shopCurrencyIn(sql: LedgerSql, shopId: string, currency: string): Promise<string> {
  const select = Sql.sql`SELECT "currency" FROM "Shop" WHERE "id" = ${shopId}`;
  const rows = await sql.$queryRaw<{ currency: string }[]>(select);
  if (rows.length) return rows[0].currency;
  await sql.$executeRaw(Sql.sql`
    INSERT INTO "Shop" ("id", "currency", "currencyDigits", "ianaTimezone", "isDemo", "installedAt")
    VALUES (${shopId}, ${currency}, ${currencyDigits(currency)}, 'UTC', false, ${new Date()})
    ON CONFLICT ("id") DO NOTHING`);
  return (await sql.$queryRaw<{ currency: string }[]>(select))[0].currency;
}

/**
 * Applies several order webhooks of one shop in ONE transaction (group commit): receipts already
 * stored (or repeated within the batch) are skipped, the rest go through applyOrders together, and
 * every new receipt is written in the same transaction. The ledger ends exactly as if they had been
 * applied one by one (newest snapshot wins, refunds merged). A unique violation (another process
 * applying one of the same webhook ids concurrently) rolls the batch back; the caller then applies the
 * deliveries one by one.
 */
export async function ingestOrderWebhooks(db: Db, shopId: string, items: OrderWebhook[]): Promise<OrderWebhookOutcome[]> {
  return db.$transaction(
    async (tx) => {
      await transactionLock(tx, ledgerLockKey(shopId));
      const sql = ledgerSqlFor(db, tx);
      const existing = new Set(
        (await selectByIds<{ webhookId: string }>(sql, "WebhookReceipt", ["webhookId"], shopId, "webhookId",
          items.map((item) => item.receipt.webhookId))).map((row) => row.webhookId),
      );
      const currency = await shopCurrencyIn(sql, shopId, items[0].order.currency);
      const seen = new Set<string>();
      const fresh: OrderWebhook[] = [];
      const outcomes: (OrderWebhookOutcome | null)[] = items.map((item) => {
        if (existing.has(item.receipt.webhookId) || seen.has(item.receipt.webhookId)) return "duplicate";
        if (item.order.currency !== currency) return "wrong-currency";
        seen.add(item.receipt.webhookId);
        fresh.push(item);
        return null;
      });
      if (!fresh.length) return outcomes as OrderWebhookOutcome[];
      const counts = await applyOrders(tx, shopId, fresh.map((item) => item.order), sql);
      const appliedAt = counts.appliedAt ?? new Map<string, number>();
      const tombstoned = counts.tombstoned ?? new Set<string>();
      items.forEach((item, index) => {
        if (outcomes[index]) return;
        outcomes[index] = item.order.test ? "skipped-test"
          : tombstoned.has(item.order.id) ? "deleted"
          : appliedAt.get(item.order.id) === item.order.sourceUpdatedAt.getTime() ? "applied"
          : "stale";
      });
      const now = new Date();
      await sql.insertRows("WebhookReceipt", items.flatMap((item, index) =>
        fresh.includes(item) ? [{ shopId, webhookId: item.receipt.webhookId, topic: item.receipt.topic, receivedAt: now, outcome: outcomes[index] }] : []));
      await touchShop(sql, shopId, now, counts.applied > 0 || counts.refunds > 0, true);
      return outcomes as OrderWebhookOutcome[];
    },
    { timeout: 120_000 },
  );
}

async function touchShop(sql: LedgerSql, shopId: string, now: Date, orderChanged: boolean, webhook: boolean): Promise<void> {
  if (!orderChanged && !webhook) return;
  if (orderChanged && webhook) await sql.$executeRaw(Sql.sql`UPDATE "Shop" SET "lastOrderAt" = ${now}, "lastWebhookAt" = ${now} WHERE "id" = ${shopId}`);
  else if (orderChanged) await sql.$executeRaw(Sql.sql`UPDATE "Shop" SET "lastOrderAt" = ${now} WHERE "id" = ${shopId}`);
  else await sql.$executeRaw(Sql.sql`UPDATE "Shop" SET "lastWebhookAt" = ${now} WHERE "id" = ${shopId}`);
}

/** Whether a webhook id has already been applied for a shop (a cheap early exit for retries). */
export async function hasReceipt(db: Db, shopId: string, webhookId: string): Promise<boolean> {
  const row = await db.webhookReceipt.findUnique({ where: { shopId_webhookId: { shopId, webhookId } } });
  return row !== null;
}

/**
 * Applies snapshots inside the caller's transaction (webhooks, re-reads, bulk backfill batches).
 * Exported for paths that write other rows in the same transaction. `sql` runs the statements (the
 * fast SQLite writer or the portable one, see ledger-sql.server.ts); jobs are enqueued through `tx`.
 */
export async function applyOrders(tx: Tx, shopId: string, incoming: LedgerOrder[], sql: LedgerSql = portableLedgerSql(tx)): Promise<IngestCounts> {
  const counts: IngestCounts = { applied: 0, stale: 0, skippedTest: 0, duplicate: 0, refunds: 0, deleted: 0 };
  const inUse = await sideTablesInUse(sql, shopId);

  // Deleted orders stay deleted; merged customers are written as the customer they were merged into.
  const tombstoned = new Set(!inUse.tombstones ? [] :
    (await selectByIds<{ orderId: string }>(sql, "OrderTombstone", ["orderId"], shopId, "orderId", incoming.map((order) => order.id)))
      .map((row) => row.orderId),
  );
  const mapping = !inUse.merges ? new Map<string, string>()
    : await customerMapping(sql, shopId, incoming.flatMap((order) => (order.customerId ? [order.customerId] : [])));
  const orders: LedgerOrder[] = [];
  for (const order of incoming) {
    if (tombstoned.has(order.id)) {
      counts.deleted += 1;
      continue;
    }
    const kept = order.customerId ? mapping.get(order.customerId) : undefined;
    orders.push(kept ? { ...order, customerId: kept } : order);
  }

  // Within a batch the newest snapshot of an order wins; refunds are collected from all of them.
  const newest = new Map<string, LedgerOrder>();
  const refunds = new Map<string, LedgerRefund>();
  const testOrders = new Set<string>();
  for (const order of orders) {
    if (order.test) {
      counts.skippedTest += 1;
      testOrders.add(order.id);
      continue;
    }
    for (const refund of order.refunds) refunds.set(refund.id, refund);
    const current = newest.get(order.id);
    if (!current || order.sourceUpdatedAt > current.sourceUpdatedAt) {
      if (current) counts.stale += 1;
      newest.set(order.id, order);
    } else {
      counts.stale += 1;
    }
  }

  // Test orders are never stored; their tombstone keeps their refunds out of the ledger in any delivery order.
  for (const orderId of testOrders) await deleteOrder(tx, shopId, orderId, new Date(), "test", sql);
  counts.tombstoned = new Set([...tombstoned, ...testOrders]);

  const stored = await selectByIds<{ id: string; sourceUpdatedAt: unknown; customerId: string | null }>(
    sql, "Order", ["id", "sourceUpdatedAt", "customerId"], shopId, "id", [...newest.keys()]);
  const storedCustomer = new Map(stored.map((row) => [row.id, row.customerId]));
  const storedAt = new Map(stored.map((row) => [row.id, asDate(row.sourceUpdatedAt)]));
  const toApply = [...newest.values()].filter((order) => {
    const at = storedAt.get(order.id);
    const newer = at === undefined || order.sourceUpdatedAt > at;
    if (!newer) counts.stale += 1;
    return newer;
  });

  if (toApply.length) {
    // Only orders already stored have old rows to replace.
    const replaced = toApply.filter((order) => storedAt.has(order.id)).map((order) => order.id);
    await deleteByIds(sql, "OrderLine", shopId, "orderId", replaced);
    await deleteByIds(sql, "Order", shopId, "id", replaced);
    const now = new Date();
    await sql.insertRows("Order", toApply.map((order) => orderRow(shopId, order, now)));
    await sql.insertRows(
      "OrderLine",
      toApply.flatMap((order) =>
        order.lines.map((line) => ({
          shopId,
          id: line.id,
          orderId: order.id,
          productId: line.productId,
          variantId: line.variantId,
          sku: line.sku,
          title: line.title,
          quantity: line.quantity,
          currentQuantity: line.currentQuantity,
          requiresShipping: line.requiresShipping,
          unitPrice: big(line.unitPrice),
          discount: big(line.discount),
          tax: big(line.tax),
          giftCard: line.giftCard,
          netSales: big(line.netSales),
        })),
      ),
    );
    counts.applied = toApply.length;
    counts.appliedAt = new Map(toApply.map((order) => [order.id, order.sourceUpdatedAt.getTime()]));
    await upsertCustomers(sql, shopId, toApply);
    await replaceTransactions(sql, shopId, toApply.filter((order) => order.transactions !== undefined), storedAt);
    // A snapshot that moved an order to another customer may leave the previous one without orders.
    const previous = toApply.flatMap((order) => {
      const before = storedCustomer.get(order.id);
      return before && before !== order.customerId ? [before] : [];
    });
    await pruneCustomers(sql, shopId, previous);
  }

  // Refunds that arrived before their order are re-derived now that taxes_included is known.
  for (const refund of inUse.pendingRefunds ? await resolvePendingRefunds(sql, shopId, [...newest.values()]) : []) {
    if (!refunds.has(refund.id)) refunds.set(refund.id, refund);
  }

  if (refunds.size) {
    await writeRefunds(sql, shopId, [...refunds.values()]);
    counts.refunds = refunds.size;
  }
  const changed = new Set([...toApply.map((order) => order.id), ...[...refunds.values()].map((refund) => refund.orderId)]);
  await requestMarginRecompute(tx, shopId, [...changed]);
  return counts;
}

/**
 * Whether the shop has any deleted order, merged customer or refund waiting for its order. Most shops
 * have none of some of them, and a backfill batch then skips looking its 2,000 ids up in them (one
 * statement instead of three lookups; measured ~3 % of the 200k-order bulk ingest). Read under the ledger
 * lock, so no other writer adds one before the batch commits.
 */
async function sideTablesInUse(sql: LedgerSql, shopId: string): Promise<{ tombstones: boolean; merges: boolean; pendingRefunds: boolean }> {
  const [row] = await sql.$queryRaw<Record<"tombstones" | "merges" | "pendingRefunds", unknown>[]>(Sql.sql`
    SELECT
      EXISTS (SELECT 1 FROM "OrderTombstone" WHERE "shopId" = ${shopId}) AS "tombstones",
      EXISTS (SELECT 1 FROM "CustomerMerge" WHERE "shopId" = ${shopId}) AS "merges",
      EXISTS (SELECT 1 FROM "PendingRefund" WHERE "shopId" = ${shopId}) AS "pendingRefunds"`);
  // SQLite answers 0/1, PostgreSQL true/false.
  const yes = (value: unknown) => value === true || Number(value) === 1;
  return { tombstones: yes(row.tombstones), merges: yes(row.merges), pendingRefunds: yes(row.pendingRefunds) };
}

/**
 * For orders now known, turns their pending refunds (kept from refunds/create with a provisional
 * taxes_included) into refunds derived with the order's own setting: the provisional rows and the
 * pending row are removed and the re-derived refunds returned for writing.
 */
export async function resolvePendingRefunds(
  sql: LedgerSql,
  shopId: string,
  orders: Pick<LedgerOrder, "id" | "taxesIncluded" | "currency">[],
): Promise<LedgerRefund[]> {
  if (!orders.length) return [];
  const byId = new Map(orders.map((order) => [order.id, order]));
  const pending = await selectByIds<{ refundId: string; orderId: string; body: string }>(
    sql, "PendingRefund", ["refundId", "orderId", "body"], shopId, "orderId", [...byId.keys()]);
  if (!pending.length) return [];
  const refunds: LedgerRefund[] = [];
  for (const row of pending) {
    const order = byId.get(row.orderId)!;
    // The body passed validation when it was received; it is parsed the same way again.
    const body = refundSchema.parse(parseJsonExact(row.body));
    refunds.push(normalizeRefund(body, order.currency, order.taxesIncluded, order.id));
  }
  const refundIds = pending.map((row) => row.refundId);
  await deleteByIds(sql, "RefundLine", shopId, "refundId", refundIds);
  await deleteByIds(sql, "Refund", shopId, "id", refundIds);
  await deleteByIds(sql, "PendingRefund", shopId, "refundId", refundIds);
  return refunds;
}

/** `DELETE FROM <table> WHERE "shopId" = shop AND <column> IN (ids)`, chunked for the bind limit. */
async function deleteByIds(sql: LedgerSql, table: string, shopId: string, column: string, ids: readonly string[]): Promise<void> {
  for (const part of chunk([...new Set(ids)], IDS_PER_QUERY)) {
    await sql.$executeRaw(Sql.sql`DELETE FROM ${Sql.raw(`"${table}"`)} WHERE "shopId" = ${shopId} AND ${Sql.raw(`"${column}"`)} IN (${Sql.join(part)})`);
  }
}

function orderRow(shopId: string, order: LedgerOrder, ingestedAt: Date) {
  return {
    shopId,
    id: order.id,
    name: order.name,
    customerId: order.customerId,
    customerTags: order.customerTags ?? "",
    createdAt: order.createdAt,
    processedAt: order.processedAt,
    sourceUpdatedAt: order.sourceUpdatedAt,
    cancelledAt: order.cancelledAt,
    currency: order.currency,
    sourceName: order.sourceName,
    countryCode: order.countryCode,
    financialStatus: order.financialStatus,
    taxesIncluded: order.taxesIncluded,
    gateways: order.gateways.join(","),
    tags: order.tags.join(","),
    discountCodes: order.discountCodes.join(","),
    grossSales: big(order.grossSales),
    discounts: big(order.discounts),
    netSales: big(order.netSales),
    shippingCharged: big(order.shippingCharged),
    taxes: big(order.taxes),
    duties: big(order.duties),
    tips: big(order.tips),
    giftCardsSold: big(order.giftCardsSold),
    totalPrice: big(order.totalPrice),
    itemCount: order.itemCount,
    ingestedAt,
  };
}

/**
 * Transactions come whole with a snapshot that carries them; a snapshot without them keeps the stored ones.
 * Only an order stored before (`stored`) can have transactions to replace: they are written with it and
 * deleted with it.
 */
async function replaceTransactions(sql: LedgerSql, shopId: string, orders: LedgerOrder[], stored: ReadonlyMap<string, unknown>): Promise<void> {
  if (!orders.length) return;
  await deleteByIds(sql, "OrderTransaction", shopId, "orderId", orders.flatMap((order) => (stored.has(order.id) ? [order.id] : [])));
  await sql.insertRows(
    "OrderTransaction",
    orders.flatMap((order) =>
      (order.transactions ?? []).map((transaction) => ({
        shopId,
        id: transaction.id,
        orderId: order.id,
        kind: transaction.kind,
        status: transaction.status,
        gateway: transaction.gateway,
        amount: big(transaction.amount),
        fee: transaction.fee === null ? null : big(transaction.fee),
        processedAt: transaction.processedAt,
      })),
    ),
  );
}

/** Refunds are immutable in Shopify: a refund id already stored is skipped, a new one is inserted. */
export async function writeRefunds(sql: LedgerSql, shopId: string, incoming: LedgerRefund[]): Promise<void> {
  if (!incoming.length) return;
  const known = new Set(
    (await selectByIds<{ id: string }>(sql, "Refund", ["id"], shopId, "id", incoming.map((refund) => refund.id))).map((row) => row.id),
  );
  const refunds = incoming.filter((refund) => !known.has(refund.id));
  await sql.insertRows(
    "Refund",
    refunds.map((refund) => ({
      shopId,
      id: refund.id,
      orderId: refund.orderId,
      createdAt: refund.createdAt,
      merchandise: big(refund.merchandise),
      shipping: big(refund.shipping),
      adjustments: big(refund.adjustments),
      taxes: big(refund.taxes),
      restockedItems: refund.restockedItems,
      returnedItems: refund.returnedItems,
    })),
  );
  await sql.insertRows(
    "RefundLine",
    refunds.flatMap((refund) =>
      refund.lines.map((line) => ({
        shopId,
        id: line.id,
        refundId: refund.id,
        orderId: refund.orderId,
        lineItemId: line.lineItemId,
        quantity: line.quantity,
        restockType: line.restockType,
        subtotal: big(line.subtotal),
        tax: big(line.tax),
      })),
    ),
  );
}

/** Customer rows carry level-1 data only (the id); one is created the first time an id is seen. */
async function upsertCustomers(sql: LedgerSql, shopId: string, orders: LedgerOrder[]): Promise<void> {
  const ids = [...new Set(orders.flatMap((order) => (order.customerId ? [order.customerId] : [])))];
  if (!ids.length) return;
  const known = new Set((await selectByIds<{ id: string }>(sql, "Customer", ["id"], shopId, "id", ids)).map((row) => row.id));
  const now = new Date();
  await sql.insertRows("Customer", ids.filter((id) => !known.has(id)).map((id) => ({ shopId, id, firstSeen: now })));
}
