/**
 * The value-event read over any row source: events (as columns) in customer, time, order order, with
 * the cancelled orders found from their order events, whatever order the columns arrive in.
 */
import { describe, expect, it } from "vitest";
import type { Prisma } from "~/generated/prisma/client";
import { valueEventsFrom } from "~/analytics/input.server";
import type { RowSource } from "~/analytics/rows.server";
import { valueEventList } from "~/domain/value-events";

const T1 = "2026-01-05T12:00:00.000+00:00";
const T2 = "2026-02-05T12:00:00.000+00:00";
// customerId, orderId, kind (0 an order's event, 1 a refund's, 2 a cancelled order's), at, revenue, grossMargin, contributionMargin
const ROWS: unknown[][] = [
  [null, "o9", 0, T1, 500, 200, 100],
  ["c1", "o1", 0, T1, 1000, 500, 400],
  ["c1", "o1", 1, T2, -300, -300, -300],
  ["c1", "o2", 0, T2, 2000, 900, 700],
  ["c2", "o3", 2, T1, 0, 0, -150],
];

function source(rows: unknown[][]): RowSource {
  const columns = async (_query: Prisma.Sql, width: number) => Array.from({ length: width }, (_, c) => rows.map((row) => row[c]));
  return { kind: "sqlite-direct", each: async () => 0, all: async () => [], columns, close: () => undefined };
}

const summary = (events: Awaited<ReturnType<typeof valueEventsFrom>>["events"]) =>
  valueEventList(events).map((e) => [e.customerId, e.orderId, e.kind, e.at.toISOString().slice(0, 10), e.contributionMargin]);

describe("valueEventsFrom", () => {
  it("reads the columns into events, and the cancelled orders from their order events", async () => {
    const { events, cancelledOrderIds } = await valueEventsFrom(source(ROWS), "shop");
    expect(summary(events)).toEqual([
      [null, "o9", "order", "2026-01-05", 100],
      ["c1", "o1", "order", "2026-01-05", 400],
      ["c1", "o1", "refund", "2026-02-05", -300],
      ["c1", "o2", "order", "2026-02-05", 700],
      ["c2", "o3", "order", "2026-01-05", -150],
    ]);
    expect([...cancelledOrderIds]).toEqual(["o3"]);
  });

  it("puts events that arrive out of order back in the query's order", async () => {
    const shuffled = [ROWS[3], ROWS[4], ROWS[2], ROWS[0], ROWS[1]];
    const { events } = await valueEventsFrom(source(shuffled), "shop");
    expect(summary(events)).toEqual(summary((await valueEventsFrom(source(ROWS), "shop")).events));
  });
});
