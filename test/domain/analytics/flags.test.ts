import { describe, expect, it } from "vitest";
import type { CustomerFacts, CustomerFlagKind, FlagOptions } from "~/domain/analytics";
import { buildCustomerFacts, flagCustomers, prepareAnalytics, withAtRiskFlags } from "~/domain/analytics";
import { ACQUISITIONS, AS_OF, CANCELLED, EVENTS, ORDERS, TZ } from "./store";
import { customer } from "./customer-facts";

const USD: FlagOptions = { currency: "USD" };

/** Flags of `subject` among `others` (ranks and cut-offs are taken over everyone). */
function flagsOf(subject: CustomerFacts, others: CustomerFacts[] = [], options: FlagOptions = USD) {
  return flagCustomers([subject, ...others], options)[0].flags;
}
const kinds = (subject: CustomerFacts, others: CustomerFacts[] = [], options: FlagOptions = USD): CustomerFlagKind[] =>
  flagsOf(subject, others, options).map((f) => f.kind);
const find = (subject: CustomerFacts, kind: CustomerFlagKind, others: CustomerFacts[] = [], options: FlagOptions = USD) =>
  flagsOf(subject, others, options).find((f) => f.kind === kind);

describe("negative margin: lifetime CM < 0", () => {
  it("flags -1, not 0", () => {
    expect(find(customer("c", { contributionMargin: -1, orders: 3, revenue: 9000 }), "negative_margin")).toEqual({
      kind: "negative_margin", label: "Negative margin",
      reason: "Lifetime contribution margin is -$0.01 on $90.00 of revenue over 3 orders",
      numbers: { contributionMargin: -1, revenue: 9000, orders: 3 },
    });
    expect(kinds(customer("c", { contributionMargin: 0 }))).not.toContain("negative_margin");
  });
});

describe("discount-dependent: >= 2 orders and discounted orders / orders >= 50%", () => {
  it("words the issue's example", () => {
    const c = customer("c", { orders: 9, discountedOrders: 7, grossSales: 100000, discounts: 31000 });
    expect(find(c, "discount_dependent")?.reason).toBe("7 of 9 orders used a discount; discounts took 31% of list price");
    expect(find(c, "discount_dependent")?.numbers).toEqual({ discountedOrders: 7, orders: 9, discounts: 31000, grossSales: 100000, discountLoadBps: 3100 });
  });

  it("takes exactly half, not less, and needs two orders", () => {
    expect(kinds(customer("c", { orders: 2, discountedOrders: 1, discounts: 100 }))).toContain("discount_dependent"); // 50%
    expect(kinds(customer("c", { orders: 3, discountedOrders: 1, discounts: 100 }))).not.toContain("discount_dependent"); // 33%
    expect(kinds(customer("c", { orders: 1, discountedOrders: 1, discounts: 100 }))).not.toContain("discount_dependent"); // one order
  });
});

describe("high-return: >= 2 orders and refunds / order revenue >= 30%", () => {
  it("words the issue's example", () => {
    const c = customer("c", { orders: 6, returnedOrders: 4, returnedItems: 5, orderRevenue: 100000, refundedRevenue: 41000, revenue: 59000 });
    expect(find(c, "high_return")?.reason).toBe("Returned 4 of 6 orders; refunds took 41% of revenue ($410.00 of $1,000.00)");
  });

  it("takes 30.00%, not 29.99%, and needs two orders", () => {
    const at = (refunded: number, orders = 2) => customer("c", { orders, orderRevenue: 10000, refundedRevenue: refunded, revenue: 10000 - refunded });
    expect(kinds(at(3000))).toContain("high_return");
    expect(kinds(at(2999))).not.toContain("high_return");
    expect(kinds(at(9000, 1))).not.toContain("high_return");
  });
});

describe("service-heavy: contacts per order strictly above 1.0", () => {
  it("flags 4 contacts on 3 orders, not 3 on 3", () => {
    expect(find(customer("c", { orders: 3, serviceContacts: 4 }), "service_heavy")).toMatchObject({
      reason: "4 service contacts over 3 orders: 1.3 per order, above 1.0", numbers: { perOrderX100: 133 },
    });
    expect(kinds(customer("c", { orders: 3, serviceContacts: 3 }))).not.toContain("service_heavy");
  });
});

describe("new: one order, at most 60 days ago", () => {
  it("flags day 60, not day 61, and not a second order", () => {
    expect(find(customer("c", { daysSinceFirstOrder: 60 }), "new")?.reason).toBe("First and only order 60 days ago");
    expect(kinds(customer("c", { daysSinceFirstOrder: 61 }))).not.toContain("new");
    expect(kinds(customer("c", { daysSinceFirstOrder: 10, orders: 2 }))).not.toContain("new");
  });
});

describe("at risk: probability alive strictly below 30% (the default), with at least 2 orders", () => {
  const activity = (p: number, meanDays: number | null = 60) => ({ probabilityAlive: p, daysSinceLastPurchase: 214, meanDaysBetweenPurchases: meanDays });
  const at = (p: number, meanDays: number | null = 60) => ({ ...USD, activity: new Map([["c", activity(p, meanDays)]]) });
  const two = customer("c", { orders: 2 });

  it("flags 0.2999 with the reason in words, not 0.3, and is absent without the model", () => {
    expect(find(two, "at_risk", [], at(0.2999))).toMatchObject({
      reason: "Probability still active 29.99% (below 30%): last order 214 days ago, usually orders every 60 days",
      numbers: { probabilityAliveBps: 2999, thresholdBps: 3000, daysSinceLastOrder: 214, meanDaysBetweenOrders: 60, orders: 2 },
    });
    expect(find(two, "at_risk", [], at(0.18))?.reason).toBe("Probability still active 18% (below 30%): last order 214 days ago, usually orders every 60 days");
    expect(kinds(two, [], at(0.3))).not.toContain("at_risk");
    expect(kinds(two)).not.toContain("at_risk");
    expect(() => flagsOf(two, [], at(1.2))).toThrow(RangeError);
  });

  it("needs the minimum number of orders: 2 is flagged, 1 is not", () => {
    expect(kinds(customer("c", { orders: 1 }), [], at(0.01))).not.toContain("at_risk");
    expect(kinds(two, [], at(0.01))).toContain("at_risk");
    expect(kinds(two, [], { ...at(0.01), thresholds: { atRiskMinOrders: 3 } })).not.toContain("at_risk");
  });

  it("follows the threshold setting on both sides", () => {
    const half = (p: number) => ({ ...at(p), thresholds: { atRiskBelowProbabilityBps: 5000 } });
    expect(kinds(two, [], half(0.4999))).toContain("at_risk");
    expect(kinds(two, [], half(0.5))).not.toContain("at_risk");
  });

  it("says nothing of a rhythm when two orders fell on one day", () => {
    expect(find(two, "at_risk", [], at(0.1, null))?.reason).toBe("Probability still active 10% (below 30%): last order 214 days ago");
  });

  it("added afterwards (withAtRiskFlags, as the refresh does while the model is projected) gives the same flags in the same order", () => {
    const thresholds = { atRiskMinOrders: 1 };
    const customers = [
      customer("lossy", { orders: 3, ordersWithFacts: 3, discountedOrders: 3, contributionMargin: -500 }), // negative, discount-dependent, at risk
      customer("fresh", { orders: 1, ordersWithFacts: 1, daysSinceFirstOrder: 10 }), // at risk, then new (last)
      customer("alive", { orders: 2 }), // P(alive) above the threshold
      customer("unknown", { orders: 2 }), // no activity: no model value for them
    ];
    const model = new Map([["lossy", activity(0.05)], ["fresh", activity(0.2, null)], ["alive", activity(0.9)]]);
    const withModel = flagCustomers(customers, { ...USD, thresholds, activity: model });
    const later = withAtRiskFlags(flagCustomers(customers, { ...USD, thresholds }), customers, model, thresholds);
    expect(later).toEqual(withModel);
    // Four customers: the three with a positive margin are the top 10% (ceil(0.4) = 1, ties included).
    expect(later.map((set) => set.flags.map((f) => f.kind))).toEqual([
      ["negative_margin", "discount_dependent", "valuable_but_costly", "at_risk"], ["high_value", "at_risk", "new"], ["high_value"], ["high_value"],
    ]);
    // Without a model nothing is added; sets of other customers, or already flagged at risk, are refused.
    expect(withAtRiskFlags(flagCustomers(customers, USD), customers, undefined)).toEqual(flagCustomers(customers, USD));
    expect(() => withAtRiskFlags(flagCustomers(customers, USD), customers.slice(1), model)).toThrow(RangeError);
    expect(() => withAtRiskFlags(withModel, customers, model, thresholds)).toThrow(/already flagged at risk/);
  });
});

describe("high value: top 10% by CM-LTV", () => {
  // 20 customers with CM 100..2000: ceil(20 x 10%) = 2 -> cut-off is the 2nd highest, 1900
  const crowd = Array.from({ length: 18 }, (_, i) => customer(`o${i}`, { contributionMargin: (i + 1) * 100 }));

  it("includes the cut-off value, excludes one below", () => {
    expect(find(customer("c", { contributionMargin: 1900, orders: 4 }), "high_value", [customer("top", { contributionMargin: 2000 }), ...crowd])).toEqual({
      kind: "high_value", label: "High value",
      reason: "Top 10% by contribution margin: $19.00 over 4 orders, 2nd of 20 customers (cut-off $19.00)",
      numbers: { contributionMargin: 1900, orders: 4, marginRank: 2, customers: 20, cutoff: 1900 },
    });
    expect(kinds(customer("c", { contributionMargin: 1899 }), [customer("top", { contributionMargin: 2000 }), customer("x", { contributionMargin: 1900 }), ...crowd.slice(1)]))
      .not.toContain("high_value");
  });

  it("never flags a margin that is not positive", () => {
    expect(kinds(customer("c", { contributionMargin: 0 }), [customer("d", { contributionMargin: -5 })])).not.toContain("high_value");
  });
});

describe("looks valuable but costly: top third on revenue, bottom third on margin, among customers", () => {
  // Six customers. n = 6: revenue rank <= 2 and margin rank > 4.
  const others = [
    customer("b", { revenue: 30000, contributionMargin: 9000 }),
    customer("c", { revenue: 8000, contributionMargin: 3000 }),
    customer("d", { revenue: 7000, contributionMargin: 2000 }),
    customer("e", { revenue: 6000, contributionMargin: 1000 }),
  ];

  it("flags 2nd on revenue and 5th on margin", () => {
    const subject = customer("a", { revenue: 20000, contributionMargin: 500 });
    expect(find(subject, "valuable_but_costly", [...others, customer("f", { revenue: 1000, contributionMargin: 100 })])).toMatchObject({
      reason: "Ranks 2nd of 6 customers on revenue ($200.00) but 5th on contribution margin ($5.00)",
      numbers: { revenueRank: 2, marginRank: 5, customers: 6 },
    });
  });

  it("does not flag 3rd on revenue, nor 4th on margin", () => {
    const third = customer("a", { revenue: 8500, contributionMargin: 500 }); // 3rd: b 30000, f 9000 above
    expect(kinds(third, [...others, customer("f", { revenue: 9000, contributionMargin: 100 })])).not.toContain("valuable_but_costly");
    const fourthOnMargin = customer("a", { revenue: 20000, contributionMargin: 1500 });
    expect(kinds(fourthOnMargin, [...others, customer("f", { revenue: 1000, contributionMargin: 100 })])).not.toContain("valuable_but_costly");
  });
});

describe("flags of the hand-built store", () => {
  it("gives every customer its flags with reasons", () => {
    const base = prepareAnalytics({ events: EVENTS, acquisitions: ACQUISITIONS, timeZone: TZ, asOf: AS_OF, cancelledOrderIds: CANCELLED });
    const flags = flagCustomers(buildCustomerFacts(base, ORDERS), {
      currency: "USD",
      // A has several orders, B one: only A can be at risk.
      activity: new Map(["A", "B"].map((id) => [id, { probabilityAlive: 0.2, daysSinceLastPurchase: 90, meanDaysBetweenPurchases: 20 }])),
    });
    // Top 10% of 7 = 1 customer: cut-off 4000, A and C tie. D: revenue rank 3 of 7 (A, C 12000 first), margin rank 5 (> 7 - 3).
    expect(Object.fromEntries(flags.map((f) => [f.customerId, f.flags.map((x) => x.kind)]))).toEqual({
      A: ["high_value", "discount_dependent", "at_risk"],
      B: ["service_heavy"],
      C: ["high_value", "discount_dependent"],
      D: ["valuable_but_costly"],
      F: ["service_heavy"],
      H: ["new"],
      I: ["new"],
    });
    expect(flags.find((f) => f.customerId === "C")!.flags[1].reason).toBe("2 of 3 orders used a discount; discounts took 20% of list price");
    expect(flags.find((f) => f.customerId === "B")!.flags[0].reason).toBe("2 service contacts over 1 order: 2.0 per order, above 1.0");
  });
});
