/**
 * Per-customer lifetime facts (by asOf) for segments and flags. Money and purchases come from the
 * value events (base.ts); what events do not carry (list price, discounts, returned units, service
 * contacts) comes from one OrderFacts per order.
 *
 * - orders: purchases (cancelled orders excluded), from the events.
 * - revenue / grossMargin / contributionMargin: net lifetime sums of all the customer's events.
 * - orderRevenue: revenue of order events before refunds; refundedRevenue: refunds, as a positive amount.
 * - From order facts, over orders processed by asOf and not cancelled (OrderFacts.cancelled): grossSales, discounts,
 *   discountedOrders (discount > 0), returnedOrders (at least one unit returned), returnedItems;
 *   `ordersWithFacts` is their count and the denominator of every ratio built from them.
 *   Service contacts add up over all orders, cancelled ones included (the contact happened).
 *   They come as OrderFacts, or already added up per customer (CustomerOrderTotals: the analytics
 *   load adds them up as it reads, instead of keeping an object per order).
 */
import type { OrderMarginBreakdown } from "../economics/margin";
import type { AcquisitionFacts } from "../value-events";
import type { AnalyticsBase } from "./base";
import { KIND_REFUND } from "./base";
import type { MonthKey } from "./calendar";
import { monthKey } from "./calendar";

export interface OrderFacts {
  orderId: string;
  customerId: string | null;
  processedAt: Date;
  /** List price of the merchandise before discounts, minor units. */
  grossSales: number;
  /** Discounts given, as a positive amount (the discount load). */
  discounts: number;
  /** Units returned on the order's refunds. */
  returnedItems: number;
  /** Support contacts attributed to the order. */
  serviceContacts: number;
  /** Cancelled: not an order for counts and ratios (its contacts still count). */
  cancelled: boolean;
}

/** The facts of one order from its margin breakdown; null for test orders (they are not sales). */
export function orderFactsFromBreakdown(breakdown: OrderMarginBreakdown, serviceContacts = 0): OrderFacts | null {
  if (breakdown.status === "test") return null;
  return {
    orderId: breakdown.orderId,
    customerId: breakdown.customerId,
    processedAt: breakdown.processedAt,
    grossSales: breakdown.grossSales,
    discounts: -breakdown.discounts || 0, // the breakdown signs deductions negative
    returnedItems: breakdown.refunds.reduce((sum, refund) => sum + refund.returnedItems, 0),
    serviceContacts,
    cancelled: breakdown.status === "cancelled",
  };
}

/** A customer's order facts added up (addOrderFacts), over the orders processed by asOf. */
export interface CustomerOrderTotals {
  ordersWithFacts: number;
  grossSales: number;
  discounts: number;
  discountedOrders: number;
  returnedOrders: number;
  returnedItems: number;
  serviceContacts: number;
}

export type OrderTotalsByCustomer = ReadonlyMap<string, CustomerOrderTotals>;

export const emptyOrderTotals = (): CustomerOrderTotals => ({
  ordersWithFacts: 0, grossSales: 0, discounts: 0, discountedOrders: 0, returnedOrders: 0, returnedItems: 0, serviceContacts: 0,
});

/** Adds one order: its service contacts always, the rest unless it was cancelled. */
export function addOrderFacts(totals: CustomerOrderTotals,
  order: Pick<OrderFacts, "grossSales" | "discounts" | "returnedItems" | "serviceContacts" | "cancelled">): void {
  totals.serviceContacts += order.serviceContacts;
  if (order.cancelled) return;
  totals.ordersWithFacts++;
  totals.grossSales += order.grossSales;
  totals.discounts += order.discounts;
  if (order.discounts > 0) totals.discountedOrders++;
  if (order.returnedItems > 0) totals.returnedOrders++;
  totals.returnedItems += order.returnedItems;
}

/** The customers' order totals over their orders processed by asOf (guest orders are no customer's). */
export function orderTotalsByCustomer(orders: readonly OrderFacts[], asOf: Date): Map<string, CustomerOrderTotals> {
  const totals = new Map<string, CustomerOrderTotals>();
  const asOfMs = asOf.getTime();
  for (const order of orders) {
    if (order.customerId === null || order.processedAt.getTime() > asOfMs) continue;
    let t = totals.get(order.customerId);
    if (!t) totals.set(order.customerId, (t = emptyOrderTotals()));
    addOrderFacts(t, order);
  }
  return totals;
}

/** A customer's lifetime facts; the order totals' fields count the orders processed by asOf. */
export interface CustomerFacts extends CustomerOrderTotals {
  customerId: string;
  cohort: MonthKey;
  firstOrderAt: Date;
  /** Local calendar days from the first purchase to asOf. */
  daysSinceFirstOrder: number;
  orders: number;
  revenue: number;
  grossMargin: number;
  contributionMargin: number;
  orderRevenue: number;
  refundedRevenue: number;
  acquisition: AcquisitionFacts | null;
}

/** `orders`: every order's facts, or their totals per customer over the orders processed by asOf. */
export function buildCustomerFacts(base: AnalyticsBase, orders: readonly OrderFacts[] | OrderTotalsByCustomer = []): CustomerFacts[] {
  const totals = Array.isArray(orders) ? orderTotalsByCustomer(orders as readonly OrderFacts[], base.asOf) : orders as OrderTotalsByCustomer;
  const n = base.customerIds.length;
  const out: CustomerFacts[] = new Array(n);
  for (let c = 0; c < n; c++) {
    let revenue = 0;
    let grossMargin = 0;
    let contributionMargin = 0;
    let orderRevenue = 0;
    let refunded = 0;
    for (let j = base.eventStart[c]; j < base.eventStart[c + 1]; j++) {
      revenue += base.revenue[j];
      grossMargin += base.grossMargin[j];
      contributionMargin += base.contributionMargin[j];
      if (base.eventKind[j] === KIND_REFUND) refunded -= base.revenue[j];
      else orderRevenue += base.revenue[j];
    }
    const t = totals.get(base.customerIds[c]) ?? emptyOrderTotals();
    out[c] = {
      customerId: base.customerIds[c],
      cohort: monthKey(base.firstMonth[c]),
      firstOrderAt: new Date(base.events.atMs[base.firstEvent[c]]),
      daysSinceFirstOrder: base.asOfDay - base.firstDay[c],
      orders: base.purchases[c],
      revenue, grossMargin, contributionMargin, orderRevenue, refundedRevenue: refunded,
      ...t,
      acquisition: base.facts[c],
    };
  }
  return out;
}
