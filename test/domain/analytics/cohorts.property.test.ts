/**
 * Properties of the cohort triangle against a naive oracle that dates every event with @date-fns/tz
 * (an independent route to the shop's local calendar): every shown cell's total is the sum of the
 * cohort's events up to the end of that month, retention counts the customers with a purchase on a
 * later local day, and blank cells are exactly the months not ended by asOf.
 */
import { TZDate } from "@date-fns/tz";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ValueEvent } from "~/domain/value-events";
import { buildCohortTable, localDayFunction, monthOfDay, prepareAnalytics } from "~/domain/analytics";

const ZONES = ["America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham", "UTC", "America/St_Johns"];
const FROM = Date.UTC(2023, 0, 1);
const TO = Date.UTC(2025, 5, 30);

const local = (ms: number, zone: string) => {
  const d = new TZDate(ms, zone);
  return { month: d.getFullYear() * 12 + d.getMonth(), day: Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / 86_400_000 };
};

describe("the local calendar", () => {
  it("agrees with @date-fns/tz on day and month for any instant, DST days included", () => {
    fc.assert(fc.property(fc.constantFrom(...ZONES), fc.integer({ min: FROM, max: TO }), (zone, ms) => {
      const day = localDayFunction(zone)(new Date(ms));
      const expected = local(ms, zone);
      expect(day).toBe(expected.day);
      expect(monthOfDay(day)).toBe(expected.month);
    }), { numRuns: 300 });
  });
});

const eventArb = fc.record({
  customer: fc.integer({ min: 0, max: 6 }), // 6 = guest
  order: fc.integer({ min: 0, max: 7 }),
  refund: fc.boolean(),
  at: fc.integer({ min: FROM, max: TO }),
  revenue: fc.integer({ min: -5_000, max: 20_000 }),
  margin: fc.integer({ min: -5_000, max: 8_000 }),
});

describe("cohort triangle consistency", () => {
  it("each shown cell x its size is the cohort's events to the end of that month; blanks are unfinished months", () => {
    fc.assert(fc.property(
      fc.constantFrom(...ZONES),
      fc.array(eventArb, { minLength: 1, maxLength: 40 }),
      fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { maxLength: 3 }),
      fc.integer({ min: FROM + 200 * 86_400_000, max: TO + 60 * 86_400_000 }),
      fc.integer({ min: 0, max: 24 }),
      (zone, specs, cancelledOrders, asOfMs, maxMonth) => {
        // As the economics engine emits them: a cancelled order's events carry no revenue, only costs.
        const events: ValueEvent[] = specs.map((s) => {
          const isCancelled = cancelledOrders.includes(s.order);
          return {
            customerId: s.customer === 6 ? null : `c${s.customer}`,
            orderId: `o${s.customer}-${s.order}`,
            kind: s.refund ? "refund" : "order",
            at: new Date(s.at),
            revenue: isCancelled ? 0 : s.revenue, grossMargin: isCancelled ? 0 : s.margin, contributionMargin: isCancelled ? -100 : s.margin - 100,
          };
        });
        const cancelled = new Set(events.map((e) => e.orderId).filter((id) => cancelledOrders.includes(Number(id.split("-")[1]))));
        const asOf = new Date(asOfMs);
        const table = buildCohortTable(prepareAnalytics({ events, acquisitions: [], timeZone: zone, asOf, cancelledOrderIds: cancelled }), { maxMonth });

        // Oracle.
        const asOfMonth = local(asOfMs, zone).month;
        const seen = events.filter((e) => e.customerId !== null && e.at.getTime() <= asOfMs);
        const isPurchase = (e: ValueEvent) => e.kind === "order" && !cancelled.has(e.orderId);
        const firsts = new Map<string, ValueEvent>();
        for (const e of seen) {
          const current = firsts.get(e.customerId!);
          if (isPurchase(e) && (!current || e.at.getTime() < current.at.getTime())) firsts.set(e.customerId!, e);
        }
        const cohorts = new Map<number, string[]>();
        for (const [id, first] of firsts) {
          const month = local(first.at.getTime(), zone).month;
          cohorts.set(month, [...(cohorts.get(month) ?? []), id]);
        }
        expect(table.rows.map((r) => r.size)).toEqual([...cohorts.keys()].sort((a, b) => a - b).map((m) => cohorts.get(m)!.length));

        for (const row of table.rows) {
          const [y, m] = row.cohort.split("-").map(Number);
          const month = y * 12 + m - 1;
          const members = cohorts.get(month)!;
          row.cells.forEach((cell, k) => {
            if (month + k >= asOfMonth) {
              expect(cell).toBeNull();
              return;
            }
            const inCell = seen.filter((e) => members.includes(e.customerId!) && Math.max(0, local(e.at.getTime(), zone).month - month) <= k);
            const sum = (key: "revenue" | "contributionMargin") => inCell.reduce((total, e) => total + e[key], 0);
            expect(cell?.total.revenue).toBe(sum("revenue"));
            expect(cell?.total.contributionMargin).toBe(sum("contributionMargin"));
            expect(Math.abs(cell!.perCustomer.contributionMargin * row.size - sum("contributionMargin"))).toBeLessThanOrEqual(row.size / 2);
            const retained = members.filter((id) => {
              const firstDay = local(firsts.get(id)!.at.getTime(), zone).day;
              return seen.some((e) => e.customerId === id && isPurchase(e) && local(e.at.getTime(), zone).day > firstDay &&
                local(e.at.getTime(), zone).month - month <= k);
            });
            expect(cell?.retained).toBe(retained.length);
          });
        }
      },
    ), { numRuns: 150 });
  });
});
