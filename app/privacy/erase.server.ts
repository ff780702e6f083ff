/**
 * Deleting a shop's or a customer's data (app/uninstalled, shop/redact, customers/redact).
 * Every table that holds shop data is listed here; a test checks that none is forgotten by counting
 * the rows of every Prisma model after an erase.
 */
import type { Db } from "~/db.server";
import { chunk, IDS_PER_QUERY } from "~/lib/chunks";

/** Removes every row the app holds for a shop, its sessions included. Returns rows deleted per table. */
export async function deleteShopData(db: Db, shop: string): Promise<Record<string, number>> {
  return db.$transaction(async (tx) => {
    const where = { shopId: shop };
    const counts: Record<string, number> = {};
    counts.refundLine = (await tx.refundLine.deleteMany({ where })).count;
    counts.refund = (await tx.refund.deleteMany({ where })).count;
    counts.orderLine = (await tx.orderLine.deleteMany({ where })).count;
    counts.order = (await tx.order.deleteMany({ where })).count;
    counts.customer = (await tx.customer.deleteMany({ where })).count;
    counts.webhookReceipt = (await tx.webhookReceipt.deleteMany({ where })).count;
    counts.session = (await tx.session.deleteMany({ where: { shop } })).count;
    counts.shop = (await tx.shop.deleteMany({ where: { id: shop } })).count;
    return counts;
  });
}

/**
 * Removes a customer and the orders Shopify asks to redact (plus every order keyed to the customer),
 * with their lines and refunds. Store totals lose those orders: the data is gone, not anonymised.
 */
export async function redactCustomer(
  db: Db,
  shop: string,
  customerId: string,
  orderIds: string[],
): Promise<Record<string, number>> {
  return db.$transaction(async (tx) => {
    const owned = await tx.order.findMany({ where: { shopId: shop, customerId }, select: { id: true } });
    const ids = [...new Set([...orderIds, ...owned.map((row) => row.id)])];
    const counts: Record<string, number> = { refundLine: 0, refund: 0, orderLine: 0, order: 0 };
    for (const part of chunk(ids, IDS_PER_QUERY)) {
      const byOrder = { shopId: shop, orderId: { in: part } };
      counts.refundLine += (await tx.refundLine.deleteMany({ where: byOrder })).count;
      counts.refund += (await tx.refund.deleteMany({ where: byOrder })).count;
      counts.orderLine += (await tx.orderLine.deleteMany({ where: byOrder })).count;
      counts.order += (await tx.order.deleteMany({ where: { shopId: shop, id: { in: part } } })).count;
    }
    counts.customer = (await tx.customer.deleteMany({ where: { shopId: shop, id: customerId } })).count;
    return counts;
  });
}
