import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { customerActivity } from "~/domain/clv/activity";
import { observedMarginTo, purchaseHistories, summarizeHistories } from "~/domain/clv/histories";
import { dayNumberFunction, dayString, summarizeTransactions } from "~/domain/clv/summary";
import { purchasesFromEvents } from "~/domain/clv/transactions";
import type { ValueEvent } from "~/domain/value-events";

const DAY = 86_400_000;
const START = Date.UTC(2025, 0, 1);

/** Random value-event logs: few customers and orders so that ids, days and instants collide often. */
const logs = fc.record({
  events: fc.array(fc.record({
    customer: fc.option(fc.integer({ min: 0, max: 6 }), { freq: 6 }),
    order: fc.integer({ min: 0, max: 25 }),
    refund: fc.boolean(),
    // Instants on a coarse grid (ties), over ~40 days, some within hours of midnight in every zone below.
    slot: fc.integer({ min: 0, max: 40 * 8 }),
    margin: fc.integer({ min: -5_000, max: 20_000 }),
  }), { maxLength: 80, size: "max" }),
  cancelled: fc.uniqueArray(fc.integer({ min: 0, max: 25 }), { maxLength: 5 }),
  zone: fc.constantFrom("UTC", "America/New_York", "Pacific/Auckland", "Asia/Kolkata"),
  calibrationOffset: fc.integer({ min: -2, max: 42 }),
});

function build(log: typeof logs extends fc.Arbitrary<infer T> ? T : never) {
  // One order event per order, as the ledger writes them (refunds may name any order, or none).
  const seen = new Set<number>();
  const unique = log.events.filter((e) => e.refund || (!seen.has(e.order) && seen.add(e.order)));
  const events: ValueEvent[] = unique.map((e) => ({
    customerId: e.customer === null ? null : `gid://shopify/Customer/${e.customer}`,
    orderId: `gid://shopify/Order/${e.order}`,
    kind: e.refund ? "refund" : "order",
    at: new Date(START + e.slot * 3 * 3_600_000),
    revenue: 0, grossMargin: 0, contributionMargin: e.margin,
  }));
  const cancelled = new Set(log.cancelled.map((o) => `gid://shopify/Order/${o}`));
  const calibrationEnd = Math.floor(START / DAY) + log.calibrationOffset;
  return { events, cancelled, calibrationEnd };
}

describe("purchaseHistories + summarizeHistories", () => {
  it("gives exactly summarizeTransactions(purchasesFromEvents(...)): same summaries, same order", () => {
    fc.assert(fc.property(logs, (log) => {
      const { events, cancelled, calibrationEnd } = build(log);
      const expected = summarizeTransactions(purchasesFromEvents(events, cancelled), {
        calibrationEnd: dayString(calibrationEnd), timeUnit: "weeks", timeZone: log.zone,
      });
      const { summaries, customer } = summarizeHistories(purchaseHistories(events, cancelled, log.zone), { calibrationEnd, timeUnit: "weeks" });
      expect(summaries).toEqual(expected);
      expect(customer.length).toBe(summaries.length);
    }), { numRuns: 500 });
  });

  it("counts every event of a purchasing customer up to a day in the observed margin, cancelled orders' too", () => {
    fc.assert(fc.property(logs, (log) => {
      const { events, cancelled, calibrationEnd } = build(log);
      const histories = purchaseHistories(events, cancelled, log.zone);
      const toDay = dayNumberFunction(log.zone);
      const observed = observedMarginTo(histories, calibrationEnd);
      histories.customerIds.forEach((id, c) => {
        const naive = events.filter((e) => e.customerId === id && toDay(e.at) <= calibrationEnd).reduce((s, e) => s + e.contributionMargin, 0);
        expect(observed[c]).toBe(naive);
      });
    }), { numRuns: 300 });
  });

  it("summarizes a small store as worked by hand (same-day merge, refund on a later day, cancelled order, guest)", () => {
    const at = (day: string, hour = 12) => new Date(`${day}T${String(hour).padStart(2, "0")}:00:00Z`);
    const events: ValueEvent[] = [
      { customerId: "b", orderId: "o3", kind: "order", at: at("2026-01-03"), revenue: 1, grossMargin: 1, contributionMargin: 500 },
      { customerId: "a", orderId: "o1", kind: "order", at: at("2026-01-01"), revenue: 1, grossMargin: 1, contributionMargin: 1000 },
      { customerId: "a", orderId: "o2", kind: "order", at: at("2026-01-08", 9), revenue: 1, grossMargin: 1, contributionMargin: 300 },
      { customerId: "a", orderId: "o4", kind: "order", at: at("2026-01-08", 18), revenue: 1, grossMargin: 1, contributionMargin: 200 },
      { customerId: "a", orderId: "o2", kind: "refund", at: at("2026-02-20"), revenue: -1, grossMargin: -1, contributionMargin: -100 },
      { customerId: "a", orderId: "o5", kind: "order", at: at("2026-01-10"), revenue: 0, grossMargin: 0, contributionMargin: -50 },
      { customerId: "b", orderId: "o6", kind: "order", at: at("2026-01-03", 20), revenue: 1, grossMargin: 1, contributionMargin: 250 },
      { customerId: "b", orderId: "o7", kind: "order", at: at("2026-01-10"), revenue: 1, grossMargin: 1, contributionMargin: 80 },
      { customerId: null, orderId: "g1", kind: "order", at: at("2026-01-02"), revenue: 1, grossMargin: 1, contributionMargin: 700 },
    ];
    const histories = purchaseHistories(events, new Set(["o5"]), "UTC");
    const calibrationEnd = Math.floor(Date.UTC(2026, 0, 15) / DAY);
    const { summaries } = summarizeHistories(histories, { calibrationEnd, timeUnit: "days" });
    // a: first 1 Jan, repeat 8 Jan (o2 300 - 100 refund + o4 200 merged = 400); b: first 3 Jan (two
    // orders merged, not a repeat), repeat 10 Jan (80).
    expect(summaries).toEqual([
      { customerId: "a", frequency: 1, recency: 7, T: 14, monetaryValue: 400, firstPurchase: "2026-01-01" },
      { customerId: "b", frequency: 1, recency: 7, T: 12, monetaryValue: 80, firstPurchase: "2026-01-03" },
    ]);
    // Observed to 15 Jan: a's 1000 + 300 + 200 - 50 (the cancelled order's cost counts), not the February refund.
    expect(histories.customerIds).toEqual(["b", "a"]); // in order of their first order event
    expect(Array.from(observedMarginTo(histories, calibrationEnd))).toEqual([830, 1450]);
  });

  it("refuses an event without a valid date", () => {
    const bad: ValueEvent = { customerId: "a", orderId: "o1", kind: "order", at: new Date(NaN), revenue: 0, grossMargin: 0, contributionMargin: 0 };
    expect(() => purchaseHistories([bad], new Set(), "UTC")).toThrow(/event 0 \(o1\): invalid date/);
  });

  it("values activity at the given day: a customer who bought that day is counted with that purchase", () => {
    const events: ValueEvent[] = [
      { customerId: "a", orderId: "o1", kind: "order", at: new Date("2026-01-01T12:00:00Z"), revenue: 1, grossMargin: 1, contributionMargin: 100 },
      { customerId: "a", orderId: "o2", kind: "order", at: new Date("2026-01-29T12:00:00Z"), revenue: 1, grossMargin: 1, contributionMargin: 100 },
    ];
    const params = { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 };
    const histories = purchaseHistories(events, new Set(), "UTC");
    const dayBefore = customerActivity(params, histories, { asOfDay: "2026-01-28", timeUnit: "weeks" }).get("a")!;
    const sameDay = customerActivity(params, histories, { asOfDay: "2026-01-29", timeUnit: "weeks" }).get("a")!;
    expect(dayBefore.daysSinceLastPurchase).toBe(27);
    expect(dayBefore.meanDaysBetweenPurchases).toBeNull();
    expect(sameDay.daysSinceLastPurchase).toBe(0);
    expect(sameDay.meanDaysBetweenPurchases).toBe(28);
  });
});
