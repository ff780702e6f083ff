/**
 * The Overview figures of a shop, computed from the ledger with SQL aggregates.
 *
 * Definitions (the same everywhere in the app):
 * - an order counts unless it is cancelled (test orders are never stored);
 * - net revenue = merchandise after discounts + shipping charged, excluding taxes, duties, tips and
 *   gift cards, minus refunds (merchandise, shipping and refund adjustments) of those orders;
 * - customers are distinct customer ids with at least one counted order; guest orders count in
 *   orders and revenue but belong to no customer;
 * - repeat-purchase rate = customers with two or more counted orders / customers.
 */
import type { Db } from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { divideRounded } from "~/domain/money/money";
import type { ShopSettings } from "~/shops/shops.server";
import type { LedgerTotals } from "./input.server";
import { currentStamp, readSnapshotRow } from "./snapshot.server";

/** The ledger's totals (the same definitions as LedgerTotals), with what the Overview derives from them. */
export interface OverviewFigures extends Omit<LedgerTotals, "firstOrderAt" | "lastOrderAt"> {
  netRevenue: number;
  averageOrderValue: number | null;
  repeatPurchaseRate: number | null;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  lastDataAt: Date | null;
  lastWebhookAt: Date | null;
}

const toNumber = (value: bigint | number | null | undefined): number => {
  const result = Number(value ?? 0);
  if (!Number.isSafeInteger(result)) throw new RangeError("Aggregate is too large to represent exactly");
  return result;
};

/** The snapshot view holding the Overview's ledger figures (written by refreshAnalytics). */
export const OVERVIEW_VIEW = "overview";

type OverviewPayload = Omit<OverviewFigures, "firstOrderAt" | "lastOrderAt" | "lastDataAt" | "lastWebhookAt"> &
  { firstOrderAt: string | null; lastOrderAt: string | null };

export function overviewPayload(figures: OverviewFigures): OverviewPayload {
  const { lastDataAt: _data, lastWebhookAt: _webhook, ...rest } = figures;
  return { ...rest, firstOrderAt: figures.firstOrderAt?.toISOString() ?? null, lastOrderAt: figures.lastOrderAt?.toISOString() ?? null };
}

/**
 * The Overview figures: from the analytics snapshot when nothing changed since it was computed (its
 * stamp is current), else computed now from the ledger (the same SQL). Always exact: a snapshot is
 * used only while no order, refund, cost or setting has changed after it.
 */
export async function getOverview(db: Db, shop: ShopSettings): Promise<OverviewFigures> {
  const [snapshot, stamp] = await Promise.all([readSnapshotRow<OverviewPayload>(db, shop.id, OVERVIEW_VIEW), currentStamp(db, shop.id)]);
  if (snapshot && snapshot.watermark.getTime() >= stamp.getTime()) {
    const p = snapshot.payload;
    return {
      ...p, firstOrderAt: p.firstOrderAt ? new Date(p.firstOrderAt) : null, lastOrderAt: p.lastOrderAt ? new Date(p.lastOrderAt) : null,
      lastDataAt: shop.lastOrderAt, lastWebhookAt: shop.lastWebhookAt,
    };
  }
  return computeOverview(db, shop);
}

/** The Overview figures from the totals a whole-shop analytics load gathered (same definitions as below). */
export function overviewFromTotals(t: LedgerTotals, shop: ShopSettings): OverviewFigures {
  for (const value of [t.grossSales, t.discounts, t.netSales, t.shippingCharged, t.refunds]) {
    if (!Number.isSafeInteger(value)) throw new RangeError("Aggregate is too large to represent exactly");
  }
  const netRevenue = t.netSales + t.shippingCharged - t.refunds;
  return {
    orders: t.orders, cancelledOrders: t.cancelledOrders, guestOrders: t.guestOrders, customers: t.customers, repeatCustomers: t.repeatCustomers,
    grossSales: t.grossSales, discounts: t.discounts, netSales: t.netSales, shippingCharged: t.shippingCharged, refunds: t.refunds, netRevenue,
    averageOrderValue: t.orders ? divideRounded(netRevenue, t.orders) : null,
    repeatPurchaseRate: t.customers ? t.repeatCustomers / t.customers : null,
    firstOrderAt: t.firstOrderAt === null ? null : new Date(t.firstOrderAt), lastOrderAt: t.lastOrderAt === null ? null : new Date(t.lastOrderAt),
    lastDataAt: shop.lastOrderAt, lastWebhookAt: shop.lastWebhookAt,
  };
}

/** The Overview figures computed from the ledger now. */
export async function computeOverview(db: Db, shop: ShopSettings): Promise<OverviewFigures> {
  const shopId = shop.id;
  const counted = { shopId, cancelledAt: null };
  const [totals, cancelledOrders, guestOrders, customerRows, refundRows] = await Promise.all([
    db.order.aggregate({
      where: counted,
      _count: { _all: true },
      _sum: { grossSales: true, discounts: true, netSales: true, shippingCharged: true },
      _min: { processedAt: true },
      _max: { processedAt: true },
    }),
    db.order.count({ where: { shopId, cancelledAt: { not: null } } }),
    db.order.count({ where: { ...counted, customerId: null } }),
    db.$queryRaw<{ customers: bigint | number; repeaters: bigint | number | null }[]>(Prisma.sql`
      SELECT COUNT(*) AS customers, SUM(CASE WHEN n >= 2 THEN 1 ELSE 0 END) AS repeaters
      FROM (
        SELECT "customerId", COUNT(*) AS n FROM "Order"
        WHERE "shopId" = ${shopId} AND "cancelledAt" IS NULL AND "customerId" IS NOT NULL
        GROUP BY "customerId"
      ) AS per_customer`),
    db.$queryRaw<{ refunded: bigint | number | null }[]>(Prisma.sql`
      SELECT SUM(r."merchandise" + r."shipping" + r."adjustments") AS refunded
      FROM "Refund" r JOIN "Order" o ON o."shopId" = r."shopId" AND o."id" = r."orderId"
      WHERE r."shopId" = ${shopId} AND o."cancelledAt" IS NULL`),
  ]);

  const orders = totals._count._all;
  const netSales = toNumber(totals._sum.netSales);
  const shippingCharged = toNumber(totals._sum.shippingCharged);
  const refunds = toNumber(refundRows[0]?.refunded);
  const netRevenue = netSales + shippingCharged - refunds;
  const customers = toNumber(customerRows[0]?.customers);
  const repeatCustomers = toNumber(customerRows[0]?.repeaters);

  return {
    orders,
    cancelledOrders,
    guestOrders,
    customers,
    repeatCustomers,
    grossSales: toNumber(totals._sum.grossSales),
    discounts: toNumber(totals._sum.discounts),
    netSales,
    shippingCharged,
    refunds,
    netRevenue,
    averageOrderValue: orders ? divideRounded(netRevenue, orders) : null,
    repeatPurchaseRate: customers ? repeatCustomers / customers : null,
    firstOrderAt: totals._min.processedAt ?? null,
    lastOrderAt: totals._max.processedAt ?? null,
    lastDataAt: shop.lastOrderAt,
    lastWebhookAt: shop.lastWebhookAt,
  };
}
