/**
 * The orders behind the figures: each order with the amounts that make up its net revenue.
 */
import type { Db } from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import { orderNetRevenue } from "~/domain/ledger/types";
import { chunk, IDS_PER_QUERY } from "~/lib/chunks";

export interface OrderRow {
  id: string;
  name: string;
  processedAt: string;
  customerId: string | null;
  channel: string;
  country: string | null;
  discountCodes: string;
  status: "cancelled" | "refunded" | "partially refunded" | "open";
  grossSales: number;
  discounts: number;
  netSales: number;
  shippingCharged: number;
  refunds: number;
  netRevenue: number;
}

export interface OrderFilter {
  customerId?: string;
  includeCancelled?: boolean;
}

function where(shopId: string, filter: OrderFilter): Prisma.OrderWhereInput {
  return {
    shopId,
    ...(filter.customerId ? { customerId: filter.customerId } : {}),
    ...(filter.includeCancelled ? {} : { cancelledAt: null }),
  };
}

export async function listOrders(
  db: Db,
  shopId: string,
  filter: OrderFilter,
  page: { offset: number; limit: number },
): Promise<{ rows: OrderRow[]; total: number }> {
  const [orders, total] = await Promise.all([
    db.order.findMany({
      where: where(shopId, filter),
      orderBy: [{ processedAt: "desc" }, { id: "desc" }],
      skip: page.offset,
      take: page.limit,
    }),
    db.order.count({ where: where(shopId, filter) }),
  ]);
  const refunds = [];
  for (const ids of chunk(orders.map((order) => order.id), IDS_PER_QUERY)) {
    refunds.push(...(await db.refund.findMany({
      where: { shopId, orderId: { in: ids } },
      select: { orderId: true, merchandise: true, shipping: true, adjustments: true },
    })));
  }
  const byOrder = new Map<string, { merchandise: number; shipping: number; adjustments: number }[]>();
  for (const refund of refunds) {
    const list = byOrder.get(refund.orderId) ?? [];
    list.push({ merchandise: Number(refund.merchandise), shipping: Number(refund.shipping), adjustments: Number(refund.adjustments) });
    byOrder.set(refund.orderId, list);
  }
  const rows = orders.map((order): OrderRow => {
    const orderRefunds = byOrder.get(order.id) ?? [];
    const netSales = Number(order.netSales);
    const shippingCharged = Number(order.shippingCharged);
    const refunded = orderRefunds.reduce((sum, r) => sum + r.merchandise + r.shipping + r.adjustments, 0);
    const status = order.cancelledAt
      ? "cancelled"
      : refunded === 0
        ? "open"
        : refunded >= netSales + shippingCharged
          ? "refunded"
          : "partially refunded";
    return {
      id: order.id,
      name: order.name,
      processedAt: order.processedAt.toISOString(),
      customerId: order.customerId,
      channel: order.sourceName,
      country: order.countryCode,
      discountCodes: order.discountCodes,
      status,
      grossSales: Number(order.grossSales),
      discounts: Number(order.discounts),
      netSales,
      shippingCharged,
      refunds: refunded,
      netRevenue: orderNetRevenue({ netSales, shippingCharged, cancelledAt: order.cancelledAt }, orderRefunds),
    };
  });
  return { rows, total };
}

/** Every order matching the filter, page by page, for CSV export without loading them all at once. */
export async function* allOrders(db: Db, shopId: string, filter: OrderFilter, pageSize = 2000): AsyncGenerator<OrderRow[]> {
  for (let offset = 0; ; offset += pageSize) {
    const { rows } = await listOrders(db, shopId, filter, { offset, limit: pageSize });
    if (rows.length) yield rows;
    if (rows.length < pageSize) return;
  }
}
