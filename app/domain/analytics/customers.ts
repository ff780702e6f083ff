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

export interface CustomerFacts {
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
  ordersWithFacts: number;
  grossSales: number;
  discounts: number;
  discountedOrders: number;
  returnedOrders: number;
  returnedItems: number;
  serviceContacts: number;
  acquisition: AcquisitionFacts | null;
}

export function buildCustomerFacts(base: AnalyticsBase, orders: readonly OrderFacts[] = []): CustomerFacts[] {
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
    out[c] = {
      customerId: base.customerIds[c],
      cohort: monthKey(base.firstMonth[c]),
      firstOrderAt: base.events[base.firstEvent[c]].at,
      daysSinceFirstOrder: base.asOfDay - base.firstDay[c],
      orders: base.purchases[c],
      revenue, grossMargin, contributionMargin, orderRevenue, refundedRevenue: refunded,
      ordersWithFacts: 0, grossSales: 0, discounts: 0, discountedOrders: 0, returnedOrders: 0, returnedItems: 0,
      serviceContacts: 0,
      acquisition: base.facts[c],
    };
  }
  const asOf = base.asOf.getTime();
  let lastId: string | null = null;
  let lastIndex = -1;
  for (const order of orders) {
    if (order.customerId === null || order.processedAt.getTime() > asOf) continue;
    if (order.customerId !== lastId) {
      lastId = order.customerId;
      lastIndex = base.indexOf(order.customerId);
    }
    const c = lastIndex;
    if (c < 0) continue;
    const f = out[c];
    f.serviceContacts += order.serviceContacts;
    if (order.cancelled) continue;
    f.ordersWithFacts++;
    f.grossSales += order.grossSales;
    f.discounts += order.discounts;
    if (order.discounts > 0) f.discountedOrders++;
    if (order.returnedItems > 0) f.returnedOrders++;
    f.returnedItems += order.returnedItems;
  }
  return out;
}
