/**
 * A hand-built store in America/New_York (EST = UTC-5 until 9 March 2025, EDT = UTC-4 after), as of
 * 2025-08-15 08:00 local. Amounts are minor units (revenue / gross margin / contribution margin).
 *
 *   A  Jan cohort  order 01-10 (10000/6000/4000), refund 03-05 (-3000/-1800/-2000), order 06-20 (5000/3000/2000);
 *                  and an order on 09-01, after asOf (dropped)
 *   B  Jan cohort  order 2025-01-31 23:30 local = 02-01 04:30 UTC (8000/4000/2500); cancelled order 02-10 (0/0/-150)
 *   C  Feb cohort  two orders on 02-14 (6000/3600/2000 and 2000/1200/500: same day, not a repeat), order 04-02 (4000/2400/1500)
 *   D  Feb cohort  order 02-03 (5000/2500/1000), order 02-25 (3000/1500/800): a repeat inside month 0
 *   E  no cohort   only a cancelled order 03-03 (0/0/-100)
 *   F  Apr cohort  cancelled order 03-28 (0/0/-120) before the first purchase 04-02 (7000/4200/3000)
 *   G  guest       order 01-15 (9000/5000/3000)
 *   H  Jul cohort  order 07-10 (4000/2000/1200), refund 08-03 (-1000/-600/-700): in August, an unfinished month
 *   I  Aug cohort  order 08-05 (3000/1500/900); no acquisition facts
 */
import type { AcquisitionFacts, ValueEvent } from "~/domain/value-events";
import type { OrderFacts } from "~/domain/analytics";

export const TZ = "America/New_York";
export const AS_OF = new Date("2025-08-15T12:00:00Z");

function ev(customerId: string | null, orderId: string, kind: "order" | "refund", at: string,
  revenue: number, grossMargin: number, contributionMargin: number): ValueEvent {
  return { customerId, orderId, kind, at: new Date(at), revenue, grossMargin, contributionMargin };
}

export const EVENTS: ValueEvent[] = [
  ev("A", "A1", "order", "2025-01-10T15:00:00Z", 10000, 6000, 4000),
  ev(null, "G1", "order", "2025-01-15T15:00:00Z", 9000, 5000, 3000),
  ev("B", "B1", "order", "2025-02-01T04:30:00Z", 8000, 4000, 2500),
  ev("D", "D1", "order", "2025-02-03T15:00:00Z", 5000, 2500, 1000),
  ev("B", "B2", "order", "2025-02-10T15:00:00Z", 0, 0, -150),
  ev("C", "C1", "order", "2025-02-14T15:00:00Z", 6000, 3600, 2000),
  ev("C", "C2", "order", "2025-02-14T15:20:00Z", 2000, 1200, 500),
  ev("D", "D2", "order", "2025-02-25T15:00:00Z", 3000, 1500, 800),
  ev("E", "E1", "order", "2025-03-03T15:00:00Z", 0, 0, -100),
  ev("A", "A1", "refund", "2025-03-05T15:00:00Z", -3000, -1800, -2000),
  ev("F", "F0", "order", "2025-03-28T15:00:00Z", 0, 0, -120),
  ev("C", "C3", "order", "2025-04-02T15:00:00Z", 4000, 2400, 1500),
  ev("F", "F1", "order", "2025-04-02T16:00:00Z", 7000, 4200, 3000),
  ev("A", "A2", "order", "2025-06-20T15:00:00Z", 5000, 3000, 2000),
  ev("H", "H1", "order", "2025-07-10T15:00:00Z", 4000, 2000, 1200),
  ev("H", "H1", "refund", "2025-08-03T15:00:00Z", -1000, -600, -700),
  ev("I", "I1", "order", "2025-08-05T15:00:00Z", 3000, 1500, 900),
  ev("A", "A3", "order", "2025-09-01T15:00:00Z", 9999, 9999, 9999),
];

export const CANCELLED = new Set(["B2", "E1", "F0"]);

function facts(customerId: string, firstOrderId: string, firstOrderAt: string, channel: string, firstDiscountCode: string | null,
  countryCode: string | null, firstProductId: string | null, tags: string[] = []): AcquisitionFacts {
  return {
    customerId, firstOrderId, firstOrderAt: new Date(firstOrderAt), channel, countryCode, firstDiscountCode,
    firstProductId, firstProductTitle: firstProductId ? `Product ${firstProductId}` : null, tags,
  };
}

export const ACQUISITIONS: AcquisitionFacts[] = [
  facts("A", "A1", "2025-01-10T15:00:00Z", "web", "WELCOME10", "US", "P1", ["vip"]),
  facts("B", "B1", "2025-02-01T04:30:00Z", "instagram", null, "CA", "P2"),
  facts("C", "C1", "2025-02-14T15:00:00Z", "web", "welcome10", "us", "P2", ["VIP "]),
  facts("D", "D1", "2025-02-03T15:00:00Z", "web", "SPRING", "GB", "P1"),
  facts("E", "E1", "2025-03-03T15:00:00Z", "web", null, "US", "P1"),
  // F's facts name the cancelled order as the first one: the events decide (a diagnostics mismatch).
  facts("F", "F0", "2025-03-28T15:00:00Z", "instagram", null, "US", "P1", ["wholesale"]),
  facts("H", "H1", "2025-07-10T15:00:00Z", "web", null, "US", "P3"),
];

function order(orderId: string, customerId: string, processedAt: string, grossSales: number, discounts: number,
  returnedItems = 0, serviceContacts = 0): OrderFacts {
  return { orderId, customerId, processedAt: new Date(processedAt), grossSales, discounts, returnedItems, serviceContacts, cancelled: CANCELLED.has(orderId) };
}

/** List prices and discounts consistent with the revenues above (shipping left out). */
export const ORDERS: OrderFacts[] = [
  order("A1", "A", "2025-01-10T15:00:00Z", 11000, 1000, 1, 1),
  order("A2", "A", "2025-06-20T15:00:00Z", 5000, 0),
  order("A3", "A", "2025-09-01T15:00:00Z", 9999, 999), // after asOf
  order("B1", "B", "2025-02-01T04:30:00Z", 8000, 0),
  order("B2", "B", "2025-02-10T15:00:00Z", 0, 0, 0, 2), // cancelled: only its contacts count
  order("C1", "C", "2025-02-14T15:00:00Z", 8000, 2000),
  order("C2", "C", "2025-02-14T15:20:00Z", 2000, 0),
  order("C3", "C", "2025-04-02T15:00:00Z", 5000, 1000),
  order("D1", "D", "2025-02-03T15:00:00Z", 5000, 0),
  order("D2", "D", "2025-02-25T15:00:00Z", 3000, 0),
  order("F1", "F", "2025-04-02T16:00:00Z", 7000, 0, 0, 3),
  order("H1", "H", "2025-07-10T15:00:00Z", 4000, 0, 1),
  order("I1", "I", "2025-08-05T15:00:00Z", 3000, 0),
];
