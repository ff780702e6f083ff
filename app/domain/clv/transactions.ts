/**
 * The model's transaction log from the ledger's value events: one purchase per counted order, dated at
 * the order, valued at the order's contribution margin after its refunds (a refund's margin belongs
 * to the purchase occasion it reverses, whenever it happened). Guest orders and cancelled orders are
 * not purchases of any customer.
 */
import type { ValueEvent } from "../value-events";
import type { Transaction } from "./summary";

export type MarginMetric = "contributionMargin" | "grossMargin" | "revenue";

export function purchasesFromEvents(
  events: readonly ValueEvent[],
  cancelledOrderIds: ReadonlySet<string>,
  metric: MarginMetric = "contributionMargin",
): Transaction[] {
  const byOrder = new Map<string, Transaction>();
  const refunds = new Map<string, number>();
  for (const event of events) {
    if (event.customerId === null || cancelledOrderIds.has(event.orderId)) continue;
    if (event.kind === "order") {
      byOrder.set(event.orderId, { customerId: event.customerId, at: event.at, value: event[metric] });
    } else {
      refunds.set(event.orderId, (refunds.get(event.orderId) ?? 0) + event[metric]);
    }
  }
  for (const [orderId, value] of refunds) {
    const purchase = byOrder.get(orderId);
    if (purchase) purchase.value += value;
  }
  return [...byOrder.values()].sort((a, b) => a.at.getTime() - b.at.getTime());
}
