/**
 * Writes order snapshots into the ledger. Webhooks, the demo seed and the command line all come
 * through here, so delivery semantics live in one place:
 *
 * - a webhook id is applied once: its receipt row is inserted in the same transaction as the change,
 *   and the table's primary key turns a concurrent or repeated delivery into a no-op;
 * - a snapshot replaces the stored order only if its updated_at is newer;
 * - refunds are immutable and append-only: they are merged by id from every snapshot, stale or not,
 *   so any order of delivery converges on the same ledger.
 */
import type { Db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import type { LedgerOrder, LedgerRefund } from "~/domain/ledger/types";
import { chunk, IDS_PER_QUERY, insertRows } from "~/lib/chunks";

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
}

type Tx = Prisma.TransactionClient;

const big = (value: number) => BigInt(value);

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

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
        if (receipt) {
          const outcome = counts.applied ? "applied" : counts.skippedTest ? "skipped-test" : "stale";
          await tx.webhookReceipt.create({ data: { shopId, webhookId: receipt.webhookId, topic: receipt.topic, outcome } });
        }
        const now = new Date();
        await tx.shop.update({
          where: { id: shopId },
          data: { ...(counts.applied || counts.refunds ? { lastOrderAt: now } : {}), ...(receipt ? { lastWebhookAt: now } : {}) },
        });
        return counts;
      },
      { timeout: 120_000 },
    );
  } catch (error) {
    if (receipt && isUniqueViolation(error)) {
      return { applied: 0, stale: 0, skippedTest: 0, duplicate: 1, refunds: 0 };
    }
    throw error;
  }
}

/** Whether a webhook id has already been applied for a shop (a cheap early exit for retries). */
export async function hasReceipt(db: Db, shopId: string, webhookId: string): Promise<boolean> {
  const row = await db.webhookReceipt.findUnique({ where: { shopId_webhookId: { shopId, webhookId } } });
  return row !== null;
}

async function applyOrders(tx: Tx, shopId: string, orders: LedgerOrder[]): Promise<IngestCounts> {
  const counts: IngestCounts = { applied: 0, stale: 0, skippedTest: 0, duplicate: 0, refunds: 0 };

  // Within a batch the newest snapshot of an order wins; refunds are collected from all of them.
  const newest = new Map<string, LedgerOrder>();
  const refunds = new Map<string, LedgerRefund>();
  for (const order of orders) {
    if (order.test) {
      counts.skippedTest += 1;
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

  const stored: { id: string; sourceUpdatedAt: Date }[] = [];
  for (const ids of chunk([...newest.keys()], IDS_PER_QUERY)) {
    stored.push(...(await tx.order.findMany({ where: { shopId, id: { in: ids } }, select: { id: true, sourceUpdatedAt: true } })));
  }
  const storedAt = new Map(stored.map((row) => [row.id, row.sourceUpdatedAt]));
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
    await upsertCustomers(tx, shopId, toApply);
    await replaceTransactions(tx, shopId, toApply.filter((order) => order.transactions !== undefined));
  }

  if (refunds.size) {
    await writeRefunds(tx, shopId, [...refunds.values()]);
    counts.refunds = refunds.size;
  }
  return counts;
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
  const known = new Set<string>();
  for (const ids of chunk(incoming.map((refund) => refund.id), IDS_PER_QUERY)) {
    for (const row of await tx.refund.findMany({ where: { shopId, id: { in: ids } }, select: { id: true } })) known.add(row.id);
  }
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
  const known = new Set<string>();
  for (const part of chunk(ids, IDS_PER_QUERY)) {
    for (const row of await tx.customer.findMany({ where: { shopId, id: { in: part } }, select: { id: true } })) {
      known.add(row.id);
    }
  }
  const now = new Date();
  await insertRows(tx, "Customer", ids.filter((id) => !known.has(id)).map((id) => ({ shopId, id, firstSeen: now })));
}
