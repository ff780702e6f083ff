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
import type { Db } from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import type { LedgerOrder, LedgerRefund } from "~/domain/ledger/types";
import { chunk, IDS_PER_QUERY, insertRows } from "~/lib/chunks";
import { currencyDigits } from "~/domain/money/money";
import { parseJsonExact } from "~/domain/ledger/json";
import { normalizeRefund, refundSchema } from "~/domain/ledger/shopify-order";
import { customerMapping, pruneCustomers } from "./customers.server";
import { requestMarginRecompute } from "./margin-hook.server";
import { deleteOrder } from "./order-delete.server";
import { isDuplicateDelivery } from "./receipts.server";
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
    return await db.$transaction(
      async (tx) => {
        const counts = await applyOrders(tx, shopId, orders);
        const now = new Date();
        if (receipt) {
          const outcome = counts.applied ? "applied" : counts.skippedTest ? "skipped-test" : counts.deleted ? "deleted" : "stale";
          await insertRows(tx, "WebhookReceipt", [{ shopId, webhookId: receipt.webhookId, topic: receipt.topic, receivedAt: now, outcome }]);
        }
        await touchShop(tx, shopId, now, counts.applied > 0 || counts.refunds > 0, receipt !== undefined);
        return counts;
      },
      { timeout: 120_000 },
    );
  } catch (error) {
    if (receipt && (await isDuplicateDelivery(db, shopId, receipt.webhookId, error))) {
      return { applied: 0, stale: 0, skippedTest: 0, duplicate: 1, refunds: 0, deleted: 0 };
    }
    throw error;
  }
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
async function shopCurrencyIn(tx: Tx, shopId: string, currency: string): Promise<string> {
  const rows = await tx.$queryRaw<{ currency: string }[]>`SELECT "currency" FROM "Shop" WHERE "id" = ${shopId}`;
  if (rows.length) return rows[0].currency;
  await tx.$executeRaw`
    INSERT INTO "Shop" ("id", "currency", "currencyDigits", "ianaTimezone", "isDemo", "installedAt")
    VALUES (${shopId}, ${currency}, ${currencyDigits(currency)}, 'UTC', false, ${new Date()})
    ON CONFLICT ("id") DO NOTHING`;
  return (await tx.$queryRaw<{ currency: string }[]>`SELECT "currency" FROM "Shop" WHERE "id" = ${shopId}`)[0].currency;
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
      const existing = new Set(
        (await selectByIds<{ webhookId: string }>(tx, "WebhookReceipt", ["webhookId"], shopId, "webhookId",
          items.map((item) => item.receipt.webhookId))).map((row) => row.webhookId),
      );
      const currency = await shopCurrencyIn(tx, shopId, items[0].order.currency);
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
      const counts = await applyOrders(tx, shopId, fresh.map((item) => item.order));
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
      await insertRows(tx, "WebhookReceipt", items.flatMap((item, index) =>
        fresh.includes(item) ? [{ shopId, webhookId: item.receipt.webhookId, topic: item.receipt.topic, receivedAt: now, outcome: outcomes[index] }] : []));
      await touchShop(tx, shopId, now, counts.applied > 0 || counts.refunds > 0, true);
      return outcomes as OrderWebhookOutcome[];
    },
    { timeout: 120_000 },
  );
}

async function touchShop(tx: Tx, shopId: string, now: Date, orderChanged: boolean, webhook: boolean): Promise<void> {
  if (!orderChanged && !webhook) return;
  if (orderChanged && webhook) await tx.$executeRaw`UPDATE "Shop" SET "lastOrderAt" = ${now}, "lastWebhookAt" = ${now} WHERE "id" = ${shopId}`;
  else if (orderChanged) await tx.$executeRaw`UPDATE "Shop" SET "lastOrderAt" = ${now} WHERE "id" = ${shopId}`;
  else await tx.$executeRaw`UPDATE "Shop" SET "lastWebhookAt" = ${now} WHERE "id" = ${shopId}`;
}

/** Whether a webhook id has already been applied for a shop (a cheap early exit for retries). */
export async function hasReceipt(db: Db, shopId: string, webhookId: string): Promise<boolean> {
  const row = await db.webhookReceipt.findUnique({ where: { shopId_webhookId: { shopId, webhookId } } });
  return row !== null;
}

/**
 * Applies snapshots inside the caller's transaction (webhooks, re-reads, bulk backfill batches).
 * Exported for paths that write other rows in the same transaction.
 */
export async function applyOrders(tx: Tx, shopId: string, incoming: LedgerOrder[]): Promise<IngestCounts> {
  const counts: IngestCounts = { applied: 0, stale: 0, skippedTest: 0, duplicate: 0, refunds: 0, deleted: 0 };

  // Deleted orders stay deleted; merged customers are written as the customer they were merged into.
  const tombstoned = new Set(
    (await selectByIds<{ orderId: string }>(tx, "OrderTombstone", ["orderId"], shopId, "orderId", incoming.map((order) => order.id)))
      .map((row) => row.orderId),
  );
  const mapping = await customerMapping(tx, shopId, incoming.flatMap((order) => (order.customerId ? [order.customerId] : [])));
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
  for (const orderId of testOrders) await deleteOrder(tx, shopId, orderId, new Date(), "test");
  counts.tombstoned = new Set([...tombstoned, ...testOrders]);

  const stored = await selectByIds<{ id: string; sourceUpdatedAt: unknown; customerId: string | null }>(
    tx, "Order", ["id", "sourceUpdatedAt", "customerId"], shopId, "id", [...newest.keys()]);
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
    for (const ids of chunk(replaced, IDS_PER_QUERY)) {
      await tx.orderLine.deleteMany({ where: { shopId, orderId: { in: ids } } });
      await tx.order.deleteMany({ where: { shopId, id: { in: ids } } });
    }
    const now = new Date();
    await insertRows(tx, "Order", toApply.map((order) => orderRow(shopId, order, now)));
    await insertRows(
      tx,
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
    await upsertCustomers(tx, shopId, toApply);
    await replaceTransactions(tx, shopId, toApply.filter((order) => order.transactions !== undefined));
    // A snapshot that moved an order to another customer may leave the previous one without orders.
    const previous = toApply.flatMap((order) => {
      const before = storedCustomer.get(order.id);
      return before && before !== order.customerId ? [before] : [];
    });
    await pruneCustomers(tx, shopId, previous);
  }

  // Refunds that arrived before their order are re-derived now that taxes_included is known.
  for (const refund of await resolvePendingRefunds(tx, shopId, [...newest.values()])) {
    if (!refunds.has(refund.id)) refunds.set(refund.id, refund);
  }

  if (refunds.size) {
    await writeRefunds(tx, shopId, [...refunds.values()]);
    counts.refunds = refunds.size;
  }
  const changed = new Set([...toApply.map((order) => order.id), ...[...refunds.values()].map((refund) => refund.orderId)]);
  await requestMarginRecompute(tx, shopId, [...changed]);
  return counts;
}

/**
 * For orders now known, turns their pending refunds (kept from refunds/create with a provisional
 * taxes_included) into refunds derived with the order's own setting: the provisional rows and the
 * pending row are removed and the re-derived refunds returned for writing.
 */
export async function resolvePendingRefunds(
  tx: Tx,
  shopId: string,
  orders: Pick<LedgerOrder, "id" | "taxesIncluded" | "currency">[],
): Promise<LedgerRefund[]> {
  if (!orders.length) return [];
  const byId = new Map(orders.map((order) => [order.id, order]));
  const pending = await selectByIds<{ refundId: string; orderId: string; body: string }>(
    tx, "PendingRefund", ["refundId", "orderId", "body"], shopId, "orderId", [...byId.keys()]);
  if (!pending.length) return [];
  const refunds: LedgerRefund[] = [];
  for (const row of pending) {
    const order = byId.get(row.orderId)!;
    // The body passed validation when it was received; it is parsed the same way again.
    const body = refundSchema.parse(parseJsonExact(row.body));
    refunds.push(normalizeRefund(body, order.currency, order.taxesIncluded, order.id));
  }
  const refundIds = pending.map((row) => row.refundId);
  for (const ids of chunk(refundIds, IDS_PER_QUERY)) {
    await tx.refundLine.deleteMany({ where: { shopId, refundId: { in: ids } } });
    await tx.refund.deleteMany({ where: { shopId, id: { in: ids } } });
    await tx.pendingRefund.deleteMany({ where: { shopId, refundId: { in: ids } } });
  }
  return refunds;
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

/** Transactions come whole with a snapshot that carries them; a snapshot without them keeps the stored ones. */
async function replaceTransactions(tx: Tx, shopId: string, orders: LedgerOrder[]): Promise<void> {
  if (!orders.length) return;
  for (const ids of chunk(orders.map((order) => order.id), IDS_PER_QUERY)) {
    await tx.orderTransaction.deleteMany({ where: { shopId, orderId: { in: ids } } });
  }
  await insertRows(
    tx,
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
export async function writeRefunds(tx: Tx, shopId: string, incoming: LedgerRefund[]): Promise<void> {
  if (!incoming.length) return;
  const known = new Set(
    (await selectByIds<{ id: string }>(tx, "Refund", ["id"], shopId, "id", incoming.map((refund) => refund.id))).map((row) => row.id),
  );
  const refunds = incoming.filter((refund) => !known.has(refund.id));
  await insertRows(
    tx,
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
  await insertRows(
    tx,
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
async function upsertCustomers(tx: Tx, shopId: string, orders: LedgerOrder[]): Promise<void> {
  const ids = [...new Set(orders.flatMap((order) => (order.customerId ? [order.customerId] : [])))];
  if (!ids.length) return;
  const known = new Set((await selectByIds<{ id: string }>(tx, "Customer", ["id"], shopId, "id", ids)).map((row) => row.id));
  const now = new Date();
  await insertRows(tx, "Customer", ids.filter((id) => !known.has(id)).map((id) => ({ shopId, id, firstSeen: now })));
}
