/**
 * Behaviour rules shared by segments and flags, on CustomerFacts and SegmentThresholds. Ratios are
 * compared by cross-multiplication in integers, so a boundary is never decided by a rounded share.
 *
 * Ranks are competition ranks (1 = highest; tied customers share the best rank). With n customers:
 * top share s means rank <= ceil(n * s), bottom share s means rank > n - ceil(n * s). Ranking needs
 * at least 3 customers (or segments) to mean anything.
 */
import type { CustomerFacts } from "./customers";
import type { SegmentThresholds } from "./thresholds";

export type BehaviourSegment = "discount_dependent" | "high_return" | "service_heavy" | "one_and_done" | "negative_margin" | "top_margin";

export const BEHAVIOUR_SEGMENTS: readonly BehaviourSegment[] = [
  "discount_dependent", "high_return", "service_heavy", "one_and_done", "negative_margin", "top_margin",
];

export const MIN_RANKED = 3;

/** ceil(n * shareBps / 10000) in integers. */
export function shareCount(n: number, shareBps: number): number {
  return Math.floor((n * shareBps + 9_999) / 10_000);
}

export const inTopShare = (rank: number, n: number, shareBps: number) => rank <= shareCount(n, shareBps);
export const inBottomShare = (rank: number, n: number, shareBps: number) => rank > n - shareCount(n, shareBps);

/** Competition rank of a value among `values` (1 + how many are strictly greater). */
export function ranker(values: Float64Array): (value: number) => number {
  const sorted = Float64Array.from(values).sort();
  return (value) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] <= value) lo = mid + 1;
      else hi = mid;
    }
    return 1 + sorted.length - lo;
  };
}

export interface BehaviourContext {
  thresholds: SegmentThresholds;
  customers: number;
  /** Lifetime CM at or above which a customer is in the top share; null when nobody is. */
  highValueCutoff: number | null;
  revenueRank(revenue: number): number;
  marginRank(contributionMargin: number): number;
}

/** Every customer's lifetime revenue and contribution margin, as two columns in the customers' order. */
export function lifetimeColumns(customers: readonly CustomerFacts[]): { revenue: Float64Array; margin: Float64Array } {
  const n = customers.length;
  const revenue = new Float64Array(n);
  const margin = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    revenue[i] = customers[i].revenue;
    margin[i] = customers[i].contributionMargin;
  }
  return { revenue, margin };
}

export function behaviourContext(customers: readonly CustomerFacts[], thresholds: SegmentThresholds): BehaviourContext {
  const n = customers.length;
  const { revenue, margin } = lifetimeColumns(customers);
  const top = shareCount(n, thresholds.highValueTopShareBps);
  const descending = Float64Array.from(margin).sort().reverse();
  return {
    thresholds, customers: n,
    highValueCutoff: top > 0 ? descending[top - 1] : null,
    revenueRank: ranker(revenue),
    marginRank: ranker(margin),
  };
}

export const isNegativeMargin = (c: CustomerFacts) => c.contributionMargin < 0;

export function isHighValue(c: CustomerFacts, ctx: BehaviourContext): boolean {
  return ctx.highValueCutoff !== null && c.contributionMargin > 0 && c.contributionMargin >= ctx.highValueCutoff;
}

export function isDiscountDependent(c: CustomerFacts, t: SegmentThresholds): boolean {
  return c.ordersWithFacts >= t.discountDependentMinOrders &&
    c.discountedOrders * 10_000 >= t.discountDependentMinOrderShareBps * c.ordersWithFacts;
}

export function isHighReturn(c: CustomerFacts, t: SegmentThresholds): boolean {
  return c.orders >= t.highReturnMinOrders && c.orderRevenue > 0 &&
    c.refundedRevenue * 10_000 >= t.highReturnMinRefundedShareBps * c.orderRevenue;
}

export function isServiceHeavy(c: CustomerFacts, t: SegmentThresholds): boolean {
  return c.ordersWithFacts > 0 && c.serviceContacts * 100 > t.serviceHeavyContactsPerOrderAboveX100 * c.ordersWithFacts;
}

export const isOneAndDone = (c: CustomerFacts, t: SegmentThresholds) => c.orders === 1 && c.daysSinceFirstOrder >= t.oneAndDoneMinDays;
export const isNewCustomer = (c: CustomerFacts, t: SegmentThresholds) => c.orders === 1 && c.daysSinceFirstOrder <= t.newCustomerMaxDays;

/** High on revenue, low on margin, among all customers. */
export function looksValuableButCostly(c: CustomerFacts, ctx: BehaviourContext): boolean {
  const n = ctx.customers;
  if (n < MIN_RANKED || c.revenue <= 0) return false;
  return inTopShare(ctx.revenueRank(c.revenue), n, ctx.thresholds.revenueRankTopShareBps) &&
    inBottomShare(ctx.marginRank(c.contributionMargin), n, ctx.thresholds.marginRankBottomShareBps);
}

export function behaviourSegmentsOf(c: CustomerFacts, ctx: BehaviourContext): BehaviourSegment[] {
  const t = ctx.thresholds;
  const out: BehaviourSegment[] = [];
  if (isDiscountDependent(c, t)) out.push("discount_dependent");
  if (isHighReturn(c, t)) out.push("high_return");
  if (isServiceHeavy(c, t)) out.push("service_heavy");
  if (isOneAndDone(c, t)) out.push("one_and_done");
  if (isNegativeMargin(c)) out.push("negative_margin");
  if (isHighValue(c, ctx)) out.push("top_margin");
  return out;
}
