/**
 * The contract between the economics engine and the analytics (cohorts, segments, LTV:CAC, CLV models).
 *
 * Every order produces one "order" event dated at its processed_at, and each of its refunds one
 * "refund" event dated at the refund's created_at, so a refund made in a later month lowers that later
 * month's cumulative value, not the acquisition month's. Amounts are integer minor units of the shop
 * currency; refund events carry negative (or zero) deltas. Guest orders have customerId null: they count
 * in store totals and in an "unattributed" bucket, never in per-customer LTV.
 */
export interface ValueEvent {
  customerId: string | null;
  orderId: string;
  kind: "order" | "refund";
  /** UTC instant; cohorts and months are taken in the shop's time zone by the analytics. */
  at: Date;
  /** Net revenue delta: merchandise after discounts + shipping charged, excluding tax, tips, gift cards. */
  revenue: number;
  /** Revenue delta minus the COGS delta (restocked refunds give their COGS back). */
  grossMargin: number;
  /** Gross margin minus every other variable cost (fees, fulfilment, shipping, returns, service). */
  contributionMargin: number;
}

/** What the analytics know about a customer's first order, for acquisition filters and segments. */
export interface AcquisitionFacts {
  customerId: string;
  firstOrderId: string;
  firstOrderAt: Date;
  channel: string; // source_name of the first order
  countryCode: string | null;
  firstDiscountCode: string | null; // null when the first order used no code
  firstProductId: string | null; // the highest-revenue merchandise line of the first order
  firstProductTitle: string | null;
  tags: string[];
}
