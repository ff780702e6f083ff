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
  return byTime([...byOrder.values()]);
}

/**
 * Each instant's place in a stable ascending sort of `times` (equal instants keep their order). A
 * comparator sort calling getTime() twice per comparison took seconds at 1M orders; here the instants
 * are sorted as a typed array and each one is placed at its value's first slot plus the number of
 * earlier equal ones. `times` must hold no NaN.
 */
export function stableRanks(times: Float64Array): Int32Array {
  const n = times.length;
  const sorted = times.slice().sort();
  const placed = new Int32Array(n);
  const rank = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = times[i];
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    rank[i] = lo + placed[lo]++;
  }
  return rank;
}

/** Stable sort by instant (stableRanks; a comparator sort where an instant is invalid). */
function byTime(purchases: Transaction[]): Transaction[] {
  const n = purchases.length;
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) times[i] = purchases[i].at.getTime();
  if (times.some(Number.isNaN)) return purchases.sort((a, b) => a.at.getTime() - b.at.getTime());
  const rank = stableRanks(times);
  const out = new Array<Transaction>(n);
  for (let i = 0; i < n; i++) out[rank[i]] = purchases[i];
  return out;
}
