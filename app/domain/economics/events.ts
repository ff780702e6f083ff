/**
 * Value events of one order, from its margin breakdown: one "order" event at processedAt carrying
 * everything not tied to a refund (sale, goods, fees, fulfilment, shipping, reserve, service), and
 * one "refund" event per refund known at the breakdown's asOf, at the refund's createdAt. The events'
 * deltas add up exactly to the breakdown's netRevenue, grossMargin and contributionMargin.
 *
 * Test orders produce no events (they are not sales). Cancelled orders keep the contract (one order
 * event, one event per refund) with zero revenue; their order event carries any real cost.
 * The returns reserve depends on asOf: re-derive an order's events after returnsReserveReleasesAt.
 */
import type { LedgerOrder } from "../ledger/types";
import type { ValueEvent } from "../value-events";
import type { OrderMarginBreakdown } from "./margin";

export function orderValueEvents(order: LedgerOrder, breakdown: OrderMarginBreakdown): ValueEvent[] {
  if (breakdown.orderId !== order.id) {
    throw new RangeError(`Breakdown of ${breakdown.orderId} given for order ${order.id}`);
  }
  if (breakdown.status === "test") return [];
  const base = { customerId: order.customerId, orderId: order.id };
  return [
    { ...base, kind: "order", at: order.processedAt, ...breakdown.atOrder },
    ...breakdown.refunds.map((refund): ValueEvent => ({
      ...base,
      kind: "refund",
      at: refund.createdAt,
      revenue: refund.revenue,
      grossMargin: refund.grossMargin,
      contributionMargin: refund.contributionMargin,
    })),
  ];
}
