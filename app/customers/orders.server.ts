/**
 * A customer's orders with their stored margin breakdown (OrderMargin, written by the margin
 * recompute), and the customer's service contacts, for the Customers page. Every query filters by shop.
 *
 * Per order: net revenue + goods (COGS net of restocked returns) + other variable costs (fees,
 * fulfilment, shipping, returns, service) = contribution margin, the three columns adding up exactly.
 */
import type { Db } from "~/db.server";
import { shareInBps } from "~/domain/economics/exact-math";
import { chunk, IDS_PER_QUERY } from "~/lib/chunks";

export interface CustomerOrderRow {
  id: string;
  name: string;
  processedAt: string;
  status: "counted" | "cancelled";
  /** False while the order's margin has not been computed yet (the amounts are then null). */
  computed: boolean;
  netRevenue: number | null;
  goods: number | null;
  otherCosts: number | null;
  contributionMargin: number | null;
  contributionMarginBps: number | null;
  serviceContacts: number;
}

export interface ServiceContactRow {
  id: string;
  contactedAt: string;
  orderName: string | null;
  source: string;
}

export const MAX_ORDERS_SHOWN = 250;

export async function customerOrders(db: Db, shopId: string, customerId: string): Promise<{ rows: CustomerOrderRow[]; total: number }> {
  const [orders, total] = await Promise.all([
    db.order.findMany({
      where: { shopId, customerId },
      orderBy: [{ processedAt: "desc" }, { id: "desc" }],
      take: MAX_ORDERS_SHOWN,
      select: { id: true, name: true, processedAt: true, cancelledAt: true },
    }),
    db.order.count({ where: { shopId, customerId } }),
  ]);
  const margins = new Map<string, { netRevenue: bigint; grossMargin: bigint; contributionMargin: bigint; breakdown: string }>();
  for (const ids of chunk(orders.map((order) => order.id), IDS_PER_QUERY)) {
    for (const row of await db.orderMargin.findMany({
      where: { shopId, orderId: { in: ids } },
      select: { orderId: true, netRevenue: true, grossMargin: true, contributionMargin: true, breakdown: true },
    })) margins.set(row.orderId, row);
  }
  const rows = orders.map((order): CustomerOrderRow => {
    const margin = margins.get(order.id);
    const base = { id: order.id, name: order.name, processedAt: order.processedAt.toISOString(), status: order.cancelledAt ? "cancelled" as const : "counted" as const };
    if (!margin) {
      return { ...base, computed: false, netRevenue: null, goods: null, otherCosts: null, contributionMargin: null, contributionMarginBps: null, serviceContacts: 0 };
    }
    const netRevenue = Number(margin.netRevenue);
    const grossMargin = Number(margin.grossMargin);
    const contributionMargin = Number(margin.contributionMargin);
    let serviceContacts = 0;
    try {
      serviceContacts = Number((JSON.parse(margin.breakdown) as { serviceContacts?: number }).serviceContacts ?? 0);
    } catch {
      serviceContacts = 0;
    }
    return {
      ...base, computed: true, netRevenue, goods: grossMargin - netRevenue, otherCosts: contributionMargin - grossMargin, contributionMargin,
      contributionMarginBps: shareInBps(contributionMargin, netRevenue), serviceContacts,
    };
  });
  return { rows, total };
}

/** The customer's service contacts: named by customer, or by one of the customer's orders. */
export async function customerContacts(db: Db, shopId: string, customerId: string): Promise<ServiceContactRow[]> {
  const orders = await db.order.findMany({ where: { shopId, customerId }, select: { id: true, name: true } });
  const byId = new Map<string, Awaited<ReturnType<typeof db.serviceContact.findMany>>[number]>();
  const add = (rows: Awaited<ReturnType<typeof db.serviceContact.findMany>>) => rows.forEach((row) => byId.set(row.id, row));
  add(await db.serviceContact.findMany({ where: { shopId, customerId } }));
  for (const part of chunk(orders, IDS_PER_QUERY / 2)) {
    add(await db.serviceContact.findMany({
      where: { shopId, OR: [{ orderId: { in: part.map((o) => o.id) } }, { orderName: { in: part.map((o) => o.name) } }] },
    }));
  }
  return [...byId.values()]
    .sort((a, b) => a.contactedAt.getTime() - b.contactedAt.getTime() || (a.id < b.id ? -1 : 1))
    .map((row) => ({ id: row.id, contactedAt: row.contactedAt.toISOString(), orderName: row.orderName, source: row.source }));
}
