/**
 * The segment table. Acquisition segments split every customer once per dimension (channel, first
 * discount code, country, first product; "unknown" when facts are missing); behaviour segments
 * overlap (a customer can be discount-dependent and high-return), so their shares do not add to 100%.
 *
 * Per segment: totals, shares of all customers' revenue and margin (margin share null when the
 * store's total margin is not positive), per-customer LTVs and CM per order rounded half away from
 * zero to a minor unit, ratios in basis points (contacts per order in hundredths).
 *
 * Highlight ("looks valuable on revenue but not on margin"), within each dimension: segments with
 * at least `minSegmentCustomers` customers are ranked on revenue per customer and on CM per customer
 * (exact ratios, competition ranks, 1 = highest). With n >= 3 ranked segments, a segment is
 * highlighted when its revenue rank <= ceil(n x revenueRankTopShare) and its margin rank
 * > n - ceil(n x marginRankBottomShare) (defaults: top third, bottom third) and its revenue per
 * customer is positive. The reason names what is worse than the store as a whole: discount load,
 * refunded share, service contacts per order; else its margin as a share of revenue.
 */
import { divideRounded } from "../money/money";
import { shareInBps } from "../economics/exact-math";
import type { BehaviourSegment } from "./behaviour";
import { channelLabel } from "./channels";
import { BEHAVIOUR_SEGMENTS, MIN_RANKED, behaviourContext, behaviourSegmentsOf, inBottomShare, inTopShare } from "./behaviour";
import type { CustomerFacts } from "./customers";
import type { SegmentThresholds } from "./thresholds";
import { withDefaults } from "./thresholds";
import { listInWords, oneDecimal, ordinal, percent } from "./text";

export type SegmentDimension = "channel" | "firstDiscountCode" | "country" | "firstProduct" | "behaviour";

export const DIMENSION_LABELS: Readonly<Record<SegmentDimension, string>> = {
  channel: "Acquisition channel",
  firstDiscountCode: "First-order discount code",
  country: "Country",
  firstProduct: "First product",
  behaviour: "Behaviour",
};

export interface SegmentRow {
  /** "all" for the store total row. */
  dimension: SegmentDimension | "all";
  key: string;
  label: string;
  customers: number;
  orders: number;
  revenue: number;
  grossMargin: number;
  contributionMargin: number;
  revenueShareBps: number | null;
  marginShareBps: number | null;
  /** Per customer; null for an empty segment. */
  cmLtv: number | null;
  revenueLtv: number | null;
  grossMarginLtv: number | null;
  cmPerOrder: number | null;
  /** Orders with a returned unit / orders with facts. */
  returnRateBps: number | null;
  /** Refunds / order revenue before refunds. */
  refundedShareBps: number | null;
  /** Discounts / list price. */
  discountLoadBps: number | null;
  serviceContactsPerOrderX100: number | null;
  /** Ranks within the dimension (null when not ranked) and how many segments were ranked. */
  revenueRank: number | null;
  marginRank: number | null;
  rankedSegments: number;
  /** The reason in words when the segment looks valuable on revenue but not on margin. */
  highlight: string | null;
}

export interface SegmentGroup {
  dimension: SegmentDimension;
  label: string;
  segments: SegmentRow[];
}

export interface SegmentTable {
  thresholds: SegmentThresholds;
  total: SegmentRow;
  groups: SegmentGroup[];
  highlights: SegmentRow[];
}

class Acc {
  customers = 0;
  orders = 0;
  ordersWithFacts = 0;
  revenue = 0;
  grossMargin = 0;
  contributionMargin = 0;
  orderRevenue = 0;
  refunded = 0;
  returnedOrders = 0;
  grossSales = 0;
  discounts = 0;
  contacts = 0;
  constructor(readonly key: string, public label: string) {}

  add(c: CustomerFacts): void {
    this.customers++;
    this.orders += c.orders;
    this.ordersWithFacts += c.ordersWithFacts;
    this.revenue += c.revenue;
    this.grossMargin += c.grossMargin;
    this.contributionMargin += c.contributionMargin;
    this.orderRevenue += c.orderRevenue;
    this.refunded += c.refundedRevenue;
    this.returnedOrders += c.returnedOrders;
    this.grossSales += c.grossSales;
    this.discounts += c.discounts;
    this.contacts += c.serviceContacts;
  }
}

const perUnit = (amount: number, units: number) => (units > 0 ? divideRounded(amount, units) : null);

function toRow(dimension: SegmentDimension | "all", acc: Acc, all: Acc): SegmentRow {
  return {
    dimension, key: acc.key, label: acc.label, customers: acc.customers, orders: acc.orders,
    revenue: acc.revenue, grossMargin: acc.grossMargin, contributionMargin: acc.contributionMargin,
    revenueShareBps: shareInBps(acc.revenue, all.revenue),
    marginShareBps: shareInBps(acc.contributionMargin, all.contributionMargin),
    cmLtv: perUnit(acc.contributionMargin, acc.customers),
    revenueLtv: perUnit(acc.revenue, acc.customers),
    grossMarginLtv: perUnit(acc.grossMargin, acc.customers),
    cmPerOrder: perUnit(acc.contributionMargin, acc.orders),
    returnRateBps: shareInBps(acc.returnedOrders, acc.ordersWithFacts),
    refundedShareBps: shareInBps(acc.refunded, acc.orderRevenue),
    discountLoadBps: shareInBps(acc.discounts, acc.grossSales),
    serviceContactsPerOrderX100: perUnit(acc.contacts * 100, acc.ordersWithFacts),
    revenueRank: null, marginRank: null, rankedSegments: 0, highlight: null,
  };
}

/** The segment key of a customer in an acquisition dimension (no allocation on the common path). */
function acquisitionKey(dimension: SegmentDimension, c: CustomerFacts, codes: Map<string, string>): string {
  const f = c.acquisition;
  if (!f) return "unknown";
  switch (dimension) {
    case "channel":
      return f.channel;
    case "firstDiscountCode": {
      if (f.firstDiscountCode === null) return "none";
      let key = codes.get(f.firstDiscountCode);
      if (key === undefined) codes.set(f.firstDiscountCode, (key = f.firstDiscountCode.trim().toUpperCase()));
      return key;
    }
    case "country":
      return f.countryCode ? f.countryCode.toUpperCase() : "unknown";
    default:
      return f.firstProductId ?? "unknown";
  }
}

/** The label of a new segment, from its first customer. */
function acquisitionLabel(dimension: SegmentDimension, key: string, c: CustomerFacts): string {
  const f = c.acquisition;
  if (key === "unknown") {
    return { channel: "Unknown channel", firstDiscountCode: "Unknown", country: "Unknown country" }[dimension as string] ?? "Unknown product";
  }
  if (dimension === "channel") return channelLabel(key); // the admin's names, as on the LTV:CAC page
  if (dimension === "firstDiscountCode") return key === "none" ? "No code" : f!.firstDiscountCode!;
  if (dimension === "firstProduct") return f!.firstProductTitle ?? key;
  return key;
}

export function behaviourLabel(segment: BehaviourSegment, t: SegmentThresholds): string {
  const labels: Record<BehaviourSegment, string> = {
    discount_dependent: "Discount-dependent",
    high_return: "High-return",
    service_heavy: "Service-heavy",
    one_and_done: "One-and-done",
    negative_margin: "Negative margin",
    top_margin: `Top ${percent(t.highValueTopShareBps)} by margin`,
  };
  return labels[segment];
}

/** a/b vs c/d exactly (b, d > 0). */
function compareRatio(a: number, b: number, c: number, d: number): number {
  const left = BigInt(a) * BigInt(d);
  const right = BigInt(c) * BigInt(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Competition ranks, descending, by total / customers. */
function rankBy(accs: Acc[], total: (a: Acc) => number): Map<Acc, number> {
  const sorted = [...accs].sort((x, y) => compareRatio(total(y), y.customers, total(x), x.customers));
  const ranks = new Map<Acc, number>();
  sorted.forEach((acc, i) => {
    const prev = sorted[i - 1];
    const tied = prev && compareRatio(total(acc), acc.customers, total(prev), prev.customers) === 0;
    ranks.set(acc, tied ? ranks.get(prev)! : i + 1);
  });
  return ranks;
}

function highlightReason(row: SegmentRow, total: SegmentRow, n: number): string {
  // A reason is cited only when it is materially worse than the store's: at least a fifth above it and
  // different once printed (so no "0.0 contacts per order against 0.0 store-wide").
  const worse = (value: number | null, store: number | null, shown: (x: number) => string) =>
    value !== null && store !== null && value > 0 && value * 5 >= store * 6 && shown(value) !== shown(store);
  const reasons: string[] = [];
  if (worse(row.discountLoadBps, total.discountLoadBps, percent)) reasons.push(`discounts take ${percent(row.discountLoadBps!)} of list price`);
  if (worse(row.refundedShareBps, total.refundedShareBps, percent)) reasons.push(`${percent(row.refundedShareBps!)} of revenue is refunded`);
  if (worse(row.serviceContactsPerOrderX100, total.serviceContactsPerOrderX100, oneDecimal)) {
    reasons.push(`${oneDecimal(row.serviceContactsPerOrderX100!)} service contacts per order against ${oneDecimal(total.serviceContactsPerOrderX100!)} store-wide`);
  }
  if (reasons.length === 0) {
    const own = shareInBps(row.contributionMargin, row.revenue);
    const store = shareInBps(total.contributionMargin, total.revenue);
    reasons.push(own !== null && store !== null
      ? `contribution margin is ${percent(own)} of revenue against ${percent(store)} store-wide`
      : "its orders leave little contribution margin");
  }
  return `Ranks ${ordinal(row.revenueRank!)} of ${n} on revenue per customer but ${ordinal(row.marginRank!)} on margin: ${listInWords(reasons)}.`;
}

function rankGroup(accs: Acc[], rows: SegmentRow[], total: SegmentRow, t: SegmentThresholds): void {
  const ranked = accs.filter((a) => a.customers >= t.minSegmentCustomers);
  const n = ranked.length;
  if (n < MIN_RANKED) return;
  const byRevenue = rankBy(ranked, (a) => a.revenue);
  const byMargin = rankBy(ranked, (a) => a.contributionMargin);
  accs.forEach((acc, i) => {
    const revenueRank = byRevenue.get(acc);
    const marginRank = byMargin.get(acc);
    if (revenueRank === undefined || marginRank === undefined) return;
    const row = rows[i];
    Object.assign(row, { revenueRank, marginRank, rankedSegments: n });
    // Ranks alone can split close figures; a segment keeping more of its revenue than the store does is
    // not "valuable on revenue but not on margin", so its margin rate must also be below the store's.
    const keepsLess = acc.revenue > 0 && (total.revenue <= 0 || compareRatio(acc.contributionMargin, acc.revenue, total.contributionMargin, total.revenue) < 0);
    if (keepsLess && inTopShare(revenueRank, n, t.revenueRankTopShareBps) && inBottomShare(marginRank, n, t.marginRankBottomShareBps)) {
      row.highlight = highlightReason(row, total, n);
    }
  });
}

const ACQUISITION_DIMENSIONS: readonly SegmentDimension[] = ["channel", "firstDiscountCode", "country", "firstProduct"];

/** A segment row's key across dimensions ("channel:web", "behaviour:high_return"; "all" for the total), as projections name it. */
export const segmentRowKey = (row: Pick<SegmentRow, "dimension" | "key">): string => (row.dimension === "all" ? "all" : `${row.dimension}:${row.key}`);

/**
 * The rows of the segment table each customer counts in (the total row included), numbered: the
 * groups the per-segment projection values (cohort-projection.ts), with the table's own rules.
 * `keys[id]` is a row's segmentRowKey; `byCustomer` holds each customer's row ids, "all" (0) first.
 * Numbers rather than key strings per customer: the projection adds each customer into each of its
 * rows, and a string per membership (2M at 250k customers) cost it a hash lookup each.
 */
export interface CustomerSegmentKeys {
  keys: string[];
  byCustomer: Map<string, number[]>;
}

export function segmentKeysByCustomer(customers: readonly CustomerFacts[], options: { thresholds?: Partial<SegmentThresholds> } = {}): CustomerSegmentKeys {
  const t = withDefaults(options.thresholds);
  const ctx = behaviourContext(customers, t);
  const codes = new Map<string, string>();
  const keys = ["all"];
  const acquisitionIds = ACQUISITION_DIMENSIONS.map(() => new Map<string, number>());
  const behaviourIds = new Map<BehaviourSegment, number>();
  const byCustomer = new Map<string, number[]>();
  for (const c of customers) {
    const ids = [0];
    for (let d = 0; d < ACQUISITION_DIMENSIONS.length; d++) {
      const dimension = ACQUISITION_DIMENSIONS[d];
      const key = acquisitionKey(dimension, c, codes);
      let id = acquisitionIds[d].get(key);
      if (id === undefined) acquisitionIds[d].set(key, (id = keys.push(segmentRowKey({ dimension, key })) - 1));
      ids.push(id);
    }
    for (const s of behaviourSegmentsOf(c, ctx)) {
      let id = behaviourIds.get(s);
      if (id === undefined) behaviourIds.set(s, (id = keys.push(segmentRowKey({ dimension: "behaviour", key: s })) - 1));
      ids.push(id);
    }
    byCustomer.set(c.customerId, ids);
  }
  return { keys, byCustomer };
}

export function buildSegmentTable(customers: readonly CustomerFacts[], options: { thresholds?: Partial<SegmentThresholds> } = {}): SegmentTable {
  const t = withDefaults(options.thresholds);
  const all = new Acc("all", "All customers");
  const acquisition = ACQUISITION_DIMENSIONS;
  const maps = acquisition.map(() => new Map<string, Acc>());
  const behaviour = BEHAVIOUR_SEGMENTS.map((s) => new Acc(s, behaviourLabel(s, t)));
  const behaviourIndex = new Map(BEHAVIOUR_SEGMENTS.map((s, i) => [s, i]));
  const ctx = behaviourContext(customers, t);
  const codes = new Map<string, string>();

  for (const c of customers) {
    all.add(c);
    for (let d = 0; d < acquisition.length; d++) {
      const key = acquisitionKey(acquisition[d], c, codes);
      let acc = maps[d].get(key);
      if (!acc) maps[d].set(key, (acc = new Acc(key, acquisitionLabel(acquisition[d], key, c))));
      acc.add(c);
    }
    for (const s of behaviourSegmentsOf(c, ctx)) behaviour[behaviourIndex.get(s)!].add(c);
  }

  const total = toRow("all", all, all);
  const groups: SegmentGroup[] = [];
  const build = (dimension: SegmentDimension, accs: Acc[]) => {
    const rows = accs.map((acc) => toRow(dimension, acc, all));
    rankGroup(accs, rows, total, t);
    groups.push({ dimension, label: DIMENSION_LABELS[dimension], segments: rows });
  };
  acquisition.forEach((dimension, d) => {
    build(dimension, [...maps[d].values()].sort((a, b) => b.customers - a.customers || (a.key < b.key ? -1 : 1)));
  });
  build("behaviour", behaviour);
  const highlights = groups.flatMap((g) => g.segments.filter((s) => s.highlight !== null));
  return { thresholds: t, total, groups, highlights };
}
