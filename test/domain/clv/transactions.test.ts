import { describe, expect, it } from "vitest";
import { purchasesFromEvents } from "~/domain/clv/transactions";
import type { ValueEvent } from "~/domain/value-events";

const event = (over: Partial<ValueEvent> & Pick<ValueEvent, "orderId" | "kind" | "at">): ValueEvent => ({
  customerId: "c1", revenue: 0, grossMargin: 0, contributionMargin: 0, ...over,
});

describe("purchasesFromEvents", () => {
  const events: ValueEvent[] = [
    event({ orderId: "o2", kind: "order", at: new Date("2026-02-01T00:00:00Z"), contributionMargin: 700, revenue: 2000 }),
    event({ orderId: "o1", kind: "order", at: new Date("2026-01-01T00:00:00Z"), contributionMargin: 1000, revenue: 3000 }),
    event({ orderId: "o1", kind: "refund", at: new Date("2026-03-15T00:00:00Z"), contributionMargin: -400, revenue: -1000 }),
    event({ orderId: "g1", kind: "order", at: new Date("2026-01-05T00:00:00Z"), customerId: null, contributionMargin: 900 }),
    event({ orderId: "x1", kind: "order", at: new Date("2026-01-07T00:00:00Z"), contributionMargin: -50 }),
  ];

  it("makes one purchase per counted customer order, net of its refunds, in time order", () => {
    expect(purchasesFromEvents(events, new Set(["x1"]))).toEqual([
      { customerId: "c1", at: new Date("2026-01-01T00:00:00Z"), value: 600 },
      { customerId: "c1", at: new Date("2026-02-01T00:00:00Z"), value: 700 },
    ]);
  });

  it("can value purchases on revenue instead", () => {
    expect(purchasesFromEvents(events, new Set(["x1"]), "revenue").map((p) => p.value)).toEqual([2000, 2000]);
  });
});
