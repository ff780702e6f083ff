import { describe, expect, it } from "vitest";
import type { SegmentTable } from "~/domain/analytics";
import {
  DEFAULT_SEGMENT_THRESHOLDS, SEGMENT_THRESHOLD_DESCRIPTIONS, buildCustomerFacts, buildSegmentTable, orderFactsFromBreakdown, parseSegmentThresholds, prepareAnalytics,
  segmentKeysByCustomer, segmentRowKey,
} from "~/domain/analytics";
import type { OrderMarginBreakdown } from "~/domain/economics/margin";
import { ACQUISITIONS, AS_OF, CANCELLED, EVENTS, ORDERS, TZ } from "./store";
import { customer } from "./customer-facts";

const base = prepareAnalytics({ events: EVENTS, acquisitions: ACQUISITIONS, timeZone: TZ, asOf: AS_OF, cancelledOrderIds: CANCELLED });
const facts = buildCustomerFacts(base, ORDERS);
const byId = (id: string) => facts.find((f) => f.customerId === id)!;
const segment = (table: SegmentTable, dimension: string, key: string) =>
  table.groups.find((g) => g.dimension === dimension)!.segments.find((s) => s.key === key)!;

describe("per-customer facts of the hand-built store", () => {
  it("adds events and order facts, leaving out cancelled orders (but not their contacts) and orders after asOf", () => {
    // A: A1 + refund + A2 (A3 is after asOf); list price 11000 + 5000, discount 1000 on A1, 1 unit returned, 1 contact
    expect(byId("A")).toMatchObject({
      cohort: "2025-01", daysSinceFirstOrder: 217, orders: 2, revenue: 12000, grossMargin: 7200, contributionMargin: 4000,
      orderRevenue: 15000, refundedRevenue: 3000, ordersWithFacts: 2, grossSales: 16000, discounts: 1000, discountedOrders: 1,
      returnedOrders: 1, returnedItems: 1, serviceContacts: 1,
    });
    // B: one purchase; the cancelled B2 costs 150 of margin and brought 2 contacts
    expect(byId("B")).toMatchObject({ orders: 1, revenue: 8000, contributionMargin: 2350, ordersWithFacts: 1, serviceContacts: 2, daysSinceFirstOrder: 196 });
    expect(byId("I")).toMatchObject({ orders: 1, daysSinceFirstOrder: 10, acquisition: null });
    expect(facts.map((f) => f.customerId)).toEqual(["A", "B", "D", "C", "F", "H", "I"]);
  });

  it("reads order facts from a margin breakdown (discounts come signed negative there)", () => {
    const breakdown = {
      orderId: "o1", customerId: "c1", processedAt: new Date("2025-01-01T00:00:00Z"), status: "counted",
      grossSales: 10000, discounts: -1500, refunds: [{ returnedItems: 2 }, { returnedItems: 1 }],
    } as unknown as OrderMarginBreakdown;
    expect(orderFactsFromBreakdown(breakdown, 2)).toEqual({
      orderId: "o1", customerId: "c1", processedAt: breakdown.processedAt, grossSales: 10000, discounts: 1500, returnedItems: 3, serviceContacts: 2, cancelled: false,
    });
    expect(orderFactsFromBreakdown({ ...breakdown, status: "test" })).toBeNull();
    expect(orderFactsFromBreakdown({ ...breakdown, status: "cancelled" })?.cancelled).toBe(true);
  });
});

describe("the segment table", () => {
  const table = buildSegmentTable(facts, { thresholds: { minSegmentCustomers: 1 } });

  it("computes each acquisition segment's figures", () => {
    // web = A, C, D, H. Revenue 12000+12000+8000+3000 = 35000 of 53000 (66.04%); CM 4000+4000+1800+500 = 10300 of 16430 (62.69%)
    // orders 2+3+2+1 = 8 -> CM per order 1287.5 -> 1288; returned A1, H1 = 2/8; refunds (3000+1000) / (15000+12000+8000+4000)
    // = 10.26%; discounts (1000+3000) / (16000+15000+8000+4000) = 9.30%; 1 contact / 8 orders = 0.125 -> 13 hundredths
    expect(segment(table, "channel", "web")).toMatchObject({
      customers: 4, orders: 8, revenue: 35000, grossMargin: 19800, contributionMargin: 10300,
      revenueShareBps: 6604, marginShareBps: 6269, cmLtv: 2575, revenueLtv: 8750, grossMarginLtv: 4950, cmPerOrder: 1288,
      returnRateBps: 2500, refundedShareBps: 1026, discountLoadBps: 930, serviceContactsPerOrderX100: 13,
    });
    expect(table.total).toMatchObject({ dimension: "all", customers: 7, revenue: 53000, contributionMargin: 16430, revenueShareBps: 10000 });
  });

  it("splits every dimension, with unknowns for missing facts and codes in any case", () => {
    const keys = (dimension: string) => table.groups.find((g) => g.dimension === dimension)!.segments.map((s) => `${s.key}:${s.customers}`);
    expect(keys("channel")).toEqual(["web:4", "instagram:2", "unknown:1"]);
    expect(table.groups.find((g) => g.dimension === "channel")!.segments.map((s) => s.label)).toEqual(["Online Store", "instagram", "Unknown channel"]);
    expect(keys("firstDiscountCode")).toEqual(["none:3", "WELCOME10:2", "SPRING:1", "unknown:1"]); // A "WELCOME10", C "welcome10"
    expect(keys("country")).toEqual(["US:4", "CA:1", "GB:1", "unknown:1"]);
    expect(keys("firstProduct")).toEqual(["P1:3", "P2:2", "P3:1", "unknown:1"]);
  });

  it("places customers in the overlapping behaviour segments", () => {
    // discount-dependent: A (1 of 2 orders = 50%, the boundary, included) and C (2 of 3); service-heavy: B (2 contacts / 1 order),
    // F (3 / 1); one-and-done: B (one order, 196 days >= 180); top 10%: ceil(7 x 10%) = 1 -> cut-off 4000, A and C tie
    const members = table.groups.find((g) => g.dimension === "behaviour")!.segments.map((s) => `${s.label}:${s.customers}`);
    expect(members).toEqual(["Discount-dependent:2", "High-return:0", "Service-heavy:2", "One-and-done:1", "Negative margin:0", "Top 10% by margin:2"]);
    expect(segment(table, "behaviour", "high_return")).toMatchObject({ cmLtv: null, revenueLtv: null, cmPerOrder: null });
  });

  it("lists each customer's rows by the key the projections use, agreeing with the table's counts", () => {
    const index = segmentKeysByCustomer(facts, { thresholds: { minSegmentCustomers: 1 } });
    const keys = new Map([...index.byCustomer].map(([customerId, rows]) => [customerId, rows.map((row) => index.keys[row])]));
    expect(index.keys[0]).toBe("all");
    expect(new Set(index.keys).size).toBe(index.keys.length); // each row numbered once
    expect(keys.get("A")).toEqual(["all", "channel:web", "firstDiscountCode:WELCOME10", "country:US", "firstProduct:P1", "behaviour:discount_dependent", "behaviour:top_margin"]);
    expect(keys.get("I")).toEqual(["all", "channel:unknown", "firstDiscountCode:unknown", "country:unknown", "firstProduct:unknown"]);
    const members = new Map<string, number>();
    for (const list of keys.values()) for (const key of list) members.set(key, (members.get(key) ?? 0) + 1);
    for (const row of [table.total, ...table.groups.flatMap((g) => g.segments)]) expect([segmentRowKey(row), members.get(segmentRowKey(row)) ?? 0]).toEqual([segmentRowKey(row), row.customers]);
  });
});

describe("segments that look valuable on revenue but not on margin", () => {
  // Six channels of one customer each (list price = revenue, no refunds, unless told).
  const six = [
    customer("1", { channel: "google", revenue: 35000, contributionMargin: 9000 }),
    customer("2", { channel: "tiktok", revenue: 30400, contributionMargin: 500, orderRevenue: 40000, refundedRevenue: 9600,
      grossSales: 50000, discounts: 15500, discountedOrders: 1, returnedOrders: 1 }),
    customer("3", { channel: "email", revenue: 20000, contributionMargin: 8000 }),
    customer("4", { channel: "web", revenue: 15000, contributionMargin: 5000 }),
    customer("5", { channel: "instagram", revenue: 10000, contributionMargin: 3000 }),
    customer("6", { channel: "pos", revenue: 5000, contributionMargin: 200 }),
  ];

  it("ranks within the dimension and explains the highlight against the store", () => {
    // Revenue ranks: google 1, tiktok 2, email 3, web 4, instagram 5, pos 6. Margin: google 1, email 2, web 3, instagram 4,
    // tiktok 5, pos 6. n = 6: top third = ranks <= ceil(6 x 33.33%) = 2, bottom third = ranks > 6 - 2 = 4.
    // tiktok: 2nd and 5th -> highlighted; pos: 6th on revenue -> not. Store: discounts 15500 / 135000 = 11%, refunds
    // 9600 / 125000 = 8%: tiktok's 31% and 24% are worse, so both are named.
    const table = buildSegmentTable(six, { thresholds: { minSegmentCustomers: 1 } });
    const tiktok = segment(table, "channel", "tiktok");
    expect(tiktok).toMatchObject({
      revenueRank: 2, marginRank: 5, rankedSegments: 6, discountLoadBps: 3100, refundedShareBps: 2400,
      revenueShareBps: 2634, marginShareBps: 195, // 30400 / 115400, 500 / 25700
      highlight: "Ranks 2nd of 6 on revenue per customer but 5th on margin: discounts take 31% of list price and 24% of revenue is refunded.",
    });
    expect(table.highlights.map((s) => s.key)).toEqual(["tiktok"]);
    expect(segment(table, "channel", "pos")).toMatchObject({ revenueRank: 6, marginRank: 6, highlight: null });
    expect(segment(table, "country", "US")).toMatchObject({ revenueRank: null, rankedSegments: 0 }); // one country: not ranked
  });

  it("falls back to the margin share when no cost ratio is worse than the store's", () => {
    // DE 12000 / 300, US 10000 / 3000, FR 5000 / 2000: DE is 1st on revenue, 3rd on margin (n = 3: top 1, bottom rank 3).
    // DE's margin 300 / 12000 = 2.5% -> 3%; store 5300 / 27000 = 19.6% -> 20%
    const table = buildSegmentTable([
      customer("de", { country: "DE", revenue: 12000, contributionMargin: 300 }),
      customer("us", { country: "US", revenue: 10000, contributionMargin: 3000 }),
      customer("fr", { country: "FR", revenue: 5000, contributionMargin: 2000 }),
    ], { thresholds: { minSegmentCustomers: 1 } });
    expect(segment(table, "country", "DE").highlight)
      .toBe("Ranks 1st of 3 on revenue per customer but 3rd on margin: contribution margin is 3% of revenue against 20% store-wide.");
  });

  it("cites only costs materially worse than the store's and different once printed", () => {
    // DE: 1 contact in 25 orders = 0.04 per order against the store's 2 / 100 = 0.02: worse, but both print "0.0".
    // Discounts 1300 / 12000 = 10.8% (11%) against 2800 / 27000 = 10.4% (10%): under a fifth above, not a reason.
    const table = buildSegmentTable([
      customer("de", { country: "DE", revenue: 12000, contributionMargin: 300, orders: 25, serviceContacts: 1, discounts: 1300 }),
      customer("us", { country: "US", revenue: 10000, contributionMargin: 3000, orders: 50, serviceContacts: 1, discounts: 1000 }),
      customer("fr", { country: "FR", revenue: 5000, contributionMargin: 2000, orders: 25, discounts: 500 }),
    ], { thresholds: { minSegmentCustomers: 1 } });
    expect(segment(table, "country", "DE")).toMatchObject({ serviceContactsPerOrderX100: 4, discountLoadBps: 1083 });
    expect(table.total).toMatchObject({ serviceContactsPerOrderX100: 2, discountLoadBps: 1037 });
    expect(segment(table, "country", "DE").highlight)
      .toBe("Ranks 1st of 3 on revenue per customer but 3rd on margin: contribution margin is 3% of revenue against 20% store-wide.");
    // Twice the store's contacts, printed differently, is cited.
    const heavy = buildSegmentTable([
      customer("de", { country: "DE", revenue: 12000, contributionMargin: 300, orders: 10, serviceContacts: 4 }),
      customer("us", { country: "US", revenue: 10000, contributionMargin: 3000, orders: 10 }),
      customer("fr", { country: "FR", revenue: 5000, contributionMargin: 2000, orders: 10 }),
    ], { thresholds: { minSegmentCustomers: 1 } });
    expect(segment(heavy, "country", "DE").highlight)
      .toBe("Ranks 1st of 3 on revenue per customer but 3rd on margin: 0.4 service contacts per order against 0.1 store-wide.");
  });

  it("does not highlight a segment that keeps more of its revenue as margin than the store", () => {
    // n = 4: top = ranks <= 2, bottom = ranks > 2. DE is 1st on revenue and 3rd on margin per customer, but keeps 12.5% of
    // its revenue against the store's (1500 + 1600 + 1700 - 5000) / 36000 < 0 (IT loses money): ranks alone would flag it.
    const table = buildSegmentTable([
      customer("de", { country: "DE", revenue: 12000, contributionMargin: 1500 }),
      customer("us", { country: "US", revenue: 10000, contributionMargin: 1600 }),
      customer("it", { country: "IT", revenue: 9000, contributionMargin: -5000 }),
      customer("fr", { country: "FR", revenue: 5000, contributionMargin: 1700 }),
    ], { thresholds: { minSegmentCustomers: 1 } });
    expect(segment(table, "country", "DE")).toMatchObject({ revenueRank: 1, marginRank: 3, highlight: null });
    expect(table.highlights).toEqual([]);
    const close = buildSegmentTable([
      customer("de", { country: "DE", revenue: 12000, contributionMargin: 2600 }),
      customer("us", { country: "US", revenue: 10000, contributionMargin: 2700 }),
      customer("fr", { country: "FR", revenue: 5000, contributionMargin: 2800 }),
    ], { thresholds: { minSegmentCustomers: 1 } });
    // DE 1st on revenue, 3rd on margin, keeping 21.7% against the store's 8100 / 27000 = 30%: highlighted.
    expect(segment(close, "country", "DE").highlight).toMatch(/^Ranks 1st of 3 on revenue per customer but 3rd on margin/);
    const rich = buildSegmentTable([
      customer("de", { country: "DE", revenue: 4000, contributionMargin: 1000 }),
      customer("us", { country: "US", revenue: 3000, contributionMargin: 1100 }),
      customer("fr", { country: "FR", revenue: 2000, contributionMargin: 1200 }),
    ], { thresholds: { minSegmentCustomers: 1 } });
    // DE 1st on revenue, 3rd on margin, 25% against 3300 / 9000 = 36.7%: highlighted; US 36.7% -> equal, FR above.
    expect(rich.highlights.map((s) => s.key)).toEqual(["DE"]);
  });

  it("ranks only segments with enough customers, ties sharing the better rank", () => {
    expect(buildSegmentTable(six).highlights).toEqual([]); // default: 20 customers per segment
    const tied = buildSegmentTable([
      customer("a", { channel: "x", revenue: 9000, contributionMargin: 100 }),
      customer("b", { channel: "y", revenue: 9000, contributionMargin: 5000 }),
      customer("c", { channel: "z", revenue: 1000, contributionMargin: 100 }),
    ], { thresholds: { minSegmentCustomers: 1 } });
    // revenue: x 1, y 1, z 3; margin: y 1, x 2, z 2 -> x is top on revenue but rank 2 is not > 3 - 1: no highlight
    expect(tied.groups[0].segments.map((s) => [s.key, s.revenueRank, s.marginRank, s.highlight])).toEqual([
      ["x", 1, 2, null], ["y", 1, 1, null], ["z", 3, 2, null],
    ]);
  });
});

describe("the thresholds object", () => {
  it("has defaults with a description each, and validates overrides", () => {
    expect(Object.keys(SEGMENT_THRESHOLD_DESCRIPTIONS).sort()).toEqual(Object.keys(DEFAULT_SEGMENT_THRESHOLDS).sort());
    expect(parseSegmentThresholds({ newCustomerMaxDays: 30 })).toEqual({ ...DEFAULT_SEGMENT_THRESHOLDS, newCustomerMaxDays: 30 });
    expect(() => parseSegmentThresholds({ highValueTopShareBps: 12000 })).toThrow();
    expect(() => parseSegmentThresholds({ unknownSetting: 1 })).toThrow();
  });
});
