/**
 * Customer flags for support staff (issue 7), each with a reason in words and the numbers behind it.
 * The rules are the behaviour segments' (behaviour.ts, same settings object); boundaries:
 * - high_value: lifetime CM >= the top-share cut-off (ties at the cut-off included) and > 0.
 * - negative_margin: lifetime CM < 0 (exactly 0 is not flagged).
 * - discount_dependent: orders with facts >= min orders and discounted orders / orders >= share.
 * - high_return: orders >= min orders and refunds / order revenue >= share.
 * - service_heavy: contacts / orders strictly above the threshold.
 * - valuable_but_costly: among all customers, revenue rank <= ceil(n x top share) and margin rank
 *   > n - ceil(n x bottom share) (competition ranks, n >= 3, revenue > 0).
 * - at_risk: orders >= atRiskMinOrders and the model's probability alive strictly below the threshold;
 *   absent when the model gave no estimate for the customer (not fitted yet).
 * - new: exactly one order, placed <= newCustomerMaxDays local days before asOf.
 */
import { shareInBps } from "../economics/exact-math";
import type { BehaviourContext } from "./behaviour";
import {
  behaviourContext, isDiscountDependent, isHighReturn, isHighValue, isNegativeMargin, isNewCustomer, isServiceHeavy,
  looksValuableButCostly,
} from "./behaviour";
import type { CustomerFacts } from "./customers";
import type { SegmentThresholds } from "./thresholds";
import { withDefaults } from "./thresholds";
import { count, moneyFormatter, oneDecimal, ordinal, percent, percentExact } from "./text";

export type CustomerFlagKind = "high_value" | "negative_margin" | "discount_dependent" | "high_return" | "service_heavy"
  | "valuable_but_costly" | "at_risk" | "new";

export const FLAG_LABELS: Readonly<Record<CustomerFlagKind, string>> = {
  high_value: "High value",
  negative_margin: "Negative margin",
  discount_dependent: "Discount-dependent",
  high_return: "High-return",
  service_heavy: "Service-heavy",
  valuable_but_costly: "Looks valuable but costly",
  at_risk: "At risk",
  new: "New",
};

export interface CustomerFlag {
  kind: CustomerFlagKind;
  label: string;
  reason: string;
  numbers: Readonly<Record<string, number>>;
}

export interface CustomerFlagSet {
  customerId: string;
  flags: CustomerFlag[];
}

export interface FlagOptions {
  /** Shop currency, for amounts in the reasons. */
  currency: string;
  locale?: string;
  thresholds?: Partial<SegmentThresholds>;
  /** Each customer's activity under the predictive model (app/domain/clv/activity.ts), once it is fitted. */
  activity?: ReadonlyMap<string, CustomerActivity>;
}

export interface FlagContext extends BehaviourContext {
  money: (minor: number) => string;
  activity?: ReadonlyMap<string, CustomerActivity>;
}

/** What the at-risk flag needs from the predictive model about one customer. */
export interface CustomerActivity {
  /** P(alive | history) under BG/NBD, 0..1. */
  probabilityAlive: number;
  /** Days from the last purchase to the model's as-of day. */
  daysSinceLastPurchase: number;
  /** Mean days between the customer's purchases (first to last / repeats); null with one purchase. */
  meanDaysBetweenPurchases: number | null;
}

const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? "" : "s"}`;

/** Ranks and cut-offs over all customers: build once, then flag any customer with customerFlags. */
export function flagContext(customers: readonly CustomerFacts[], options: FlagOptions): FlagContext {
  return {
    ...behaviourContext(customers, withDefaults(options.thresholds)),
    money: moneyFormatter(options.currency, options.locale),
    activity: options.activity,
  };
}

function flag(kind: CustomerFlagKind, reason: string, numbers: Record<string, number>): CustomerFlag {
  return { kind, label: FLAG_LABELS[kind], reason, numbers };
}

export function customerFlags(c: CustomerFacts, ctx: FlagContext): CustomerFlag[] {
  const t = ctx.thresholds;
  const m = ctx.money;
  const n = ctx.customers;
  const flags: CustomerFlag[] = [];
  if (isHighValue(c, ctx)) {
    const rank = ctx.marginRank(c.contributionMargin);
    flags.push(flag("high_value",
      `Top ${percent(t.highValueTopShareBps)} by contribution margin: ${m(c.contributionMargin)} over ${plural(c.orders, "order")}, ` +
      `${ordinal(rank)} of ${count(n)} customers (cut-off ${m(ctx.highValueCutoff!)})`,
      { contributionMargin: c.contributionMargin, orders: c.orders, marginRank: rank, customers: n, cutoff: ctx.highValueCutoff! }));
  }
  if (isNegativeMargin(c)) {
    flags.push(flag("negative_margin",
      `Lifetime contribution margin is ${m(c.contributionMargin)} on ${m(c.revenue)} of revenue over ${plural(c.orders, "order")}`,
      { contributionMargin: c.contributionMargin, revenue: c.revenue, orders: c.orders }));
  }
  if (isDiscountDependent(c, t)) {
    const load = shareInBps(c.discounts, c.grossSales);
    flags.push(flag("discount_dependent",
      `${c.discountedOrders} of ${plural(c.ordersWithFacts, "order")} used a discount` +
      (load === null ? "" : `; discounts took ${percent(load)} of list price`),
      { discountedOrders: c.discountedOrders, orders: c.ordersWithFacts, discounts: c.discounts, grossSales: c.grossSales,
        ...(load === null ? {} : { discountLoadBps: load }) }));
  }
  if (isHighReturn(c, t)) {
    const share = shareInBps(c.refundedRevenue, c.orderRevenue)!;
    const returned = c.ordersWithFacts > 0 ? `Returned ${c.returnedOrders} of ${plural(c.orders, "order")}; ` : "";
    flags.push(flag("high_return", `${returned}refunds took ${percent(share)} of revenue (${m(c.refundedRevenue)} of ${m(c.orderRevenue)})`,
      { returnedOrders: c.returnedOrders, returnedItems: c.returnedItems, orders: c.orders, refundedRevenue: c.refundedRevenue,
        orderRevenue: c.orderRevenue, refundedShareBps: share }));
  }
  if (isServiceHeavy(c, t)) {
    const perOrderX100 = Math.round((c.serviceContacts * 100) / c.ordersWithFacts);
    flags.push(flag("service_heavy",
      `${plural(c.serviceContacts, "service contact")} over ${plural(c.ordersWithFacts, "order")}: ` +
      `${oneDecimal(perOrderX100)} per order, above ${oneDecimal(t.serviceHeavyContactsPerOrderAboveX100)}`,
      { serviceContacts: c.serviceContacts, orders: c.ordersWithFacts, perOrderX100, thresholdX100: t.serviceHeavyContactsPerOrderAboveX100 }));
  }
  if (looksValuableButCostly(c, ctx)) {
    const revenueRank = ctx.revenueRank(c.revenue);
    const marginRank = ctx.marginRank(c.contributionMargin);
    flags.push(flag("valuable_but_costly",
      `Ranks ${ordinal(revenueRank)} of ${count(n)} customers on revenue (${m(c.revenue)}) ` +
      `but ${ordinal(marginRank)} on contribution margin (${m(c.contributionMargin)})`,
      { revenueRank, marginRank, customers: n, revenue: c.revenue, contributionMargin: c.contributionMargin }));
  }
  const risk = atRiskFlag(c, ctx.activity?.get(c.customerId), t);
  if (risk) flags.push(risk);
  if (isNewCustomer(c, t)) {
    flags.push(flag("new", `First and only order ${plural(c.daysSinceFirstOrder, "day")} ago`,
      { daysSinceFirstOrder: c.daysSinceFirstOrder, orders: c.orders }));
  }
  return flags;
}

/**
 * The at-risk flag alone (also used where one customer's activity is computed at read time):
 * "Probability still active 18% (below 30%): last order 214 days ago, usually orders every 60 days".
 */
export function atRiskFlag(c: Pick<CustomerFacts, "customerId" | "orders">, activity: CustomerActivity | undefined, t: SegmentThresholds): CustomerFlag | null {
  if (!activity || c.orders < t.atRiskMinOrders) return null;
  const p = activity.probabilityAlive;
  if (!(p >= 0 && p <= 1)) throw new RangeError(`probability alive of ${c.customerId} must be within 0..1, got ${p}`);
  if (!(p * 10_000 < t.atRiskBelowProbabilityBps)) return null;
  const bps = Math.floor(p * 10_000); // floor: the shown figure stays below the threshold
  const days = Math.round(activity.daysSinceLastPurchase);
  const rhythm = activity.meanDaysBetweenPurchases === null ? "" : `, usually orders every ${plural(Math.round(activity.meanDaysBetweenPurchases), "day")}`;
  return flag("at_risk",
    `Probability still active ${percentExact(bps)} (below ${percentExact(t.atRiskBelowProbabilityBps)}): last order ${plural(days, "day")} ago${rhythm}`,
    { probabilityAliveBps: bps, thresholdBps: t.atRiskBelowProbabilityBps, daysSinceLastOrder: days, orders: c.orders,
      ...(activity.meanDaysBetweenPurchases === null ? {} : { meanDaysBetweenOrders: Math.round(activity.meanDaysBetweenPurchases) }) });
}

/** Flags of every customer, in input order (an empty list when none applies). */
export function flagCustomers(customers: readonly CustomerFacts[], options: FlagOptions): CustomerFlagSet[] {
  const ctx = flagContext(customers, options);
  return customers.map((c) => ({ customerId: c.customerId, flags: customerFlags(c, ctx) }));
}

/**
 * `sets` (flagCustomers of `customers` without an activity) with the at-risk flags of `activity`
 * added where customerFlags puts them (after every other flag but "new"): the same sets as
 * flagCustomers with the activity. The analytics refresh flags its customers this way while the
 * predictive model is still being projected elsewhere, and adds the at-risk flags once it is done.
 */
export function withAtRiskFlags(sets: readonly CustomerFlagSet[], customers: readonly CustomerFacts[],
  activity: ReadonlyMap<string, CustomerActivity> | undefined, thresholds?: Partial<SegmentThresholds>): CustomerFlagSet[] {
  if (sets.length !== customers.length) throw new RangeError(`${sets.length} flag sets for ${customers.length} customers`);
  if (!activity) return [...sets];
  const t = withDefaults(thresholds);
  return sets.map((set, i) => {
    const c = customers[i];
    if (set.customerId !== c.customerId) throw new RangeError(`flag set ${i} is ${set.customerId}'s, not ${c.customerId}'s`);
    if (set.flags.some((f) => f.kind === "at_risk")) throw new RangeError(`${c.customerId} is already flagged at risk`);
    const risk = atRiskFlag(c, activity.get(c.customerId), t);
    if (!risk) return set;
    const flags = [...set.flags];
    flags.splice(flags.length > 0 && flags[flags.length - 1].kind === "new" ? flags.length - 1 : flags.length, 0, risk);
    return { customerId: set.customerId, flags };
  });
}
