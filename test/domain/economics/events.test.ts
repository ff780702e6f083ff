import { describe, expect, it } from "vitest";
import { computeOrderMargin } from "~/domain/economics/margin";
import { orderValueEvents } from "~/domain/economics/events";
import type { OrderSpec } from "./fixtures";
import { LATER, makeOrder, referenceCosts, V1, V2 } from "./fixtures";

const costs = referenceCosts();

// V1 x2 at 25.00 + V2 x1 at 15.00, shipping 5.00 on 10 Feb; paid 70.00 -> fee 203 + 30 = 233.
// Refund 1 (20 Feb): one V1 returned and restocked (25.00). Refund 2 (3 March): 2.00 goodwill.
const spec: OrderSpec = {
  processedAt: "2026-02-10T12:00:00Z",
  lines: [{ variantId: V1, quantity: 2, unitPrice: 2500 }, { variantId: V2, quantity: 1, unitPrice: 1500 }],
  shippingCharged: 500,
  refunds: [
    { createdAt: "2026-02-20T08:00:00Z", lines: [{ line: 0, quantity: 1, restockType: "return", subtotal: 2500 }] },
    { createdAt: "2026-03-03T08:00:00Z", adjustments: 200 },
  ],
};

describe("orderValueEvents", () => {
  it("emits the order at processedAt and each refund at its createdAt, summing to the breakdown", () => {
    const order = makeOrder(spec);
    const margin = computeOrderMargin(order, costs, { ...LATER, serviceContacts: 1 });
    const events = orderValueEvents(order, margin);
    const base = { customerId: "gid://shopify/Customer/7", orderId: order.id };
    expect(events).toEqual([
      // 7000 revenue; GM 7000 - 2500 COGS = 4500; CM 4500 - 233 fee - 450 fulfilment - 600 shipping - 250 service
      { ...base, kind: "order", at: new Date("2026-02-10T12:00:00Z"), revenue: 7000, grossMargin: 4500, contributionMargin: 2967 },
      // -2500 revenue, +1000 COGS back, -600 reverse logistics (500 + 100)
      { ...base, kind: "refund", at: new Date("2026-02-20T08:00:00Z"), revenue: -2500, grossMargin: -1500, contributionMargin: -2100 },
      { ...base, kind: "refund", at: new Date("2026-03-03T08:00:00Z"), revenue: -200, grossMargin: -200, contributionMargin: -200 },
    ]);
    const total = (key: "revenue" | "grossMargin" | "contributionMargin") =>
      events.reduce((sum, event) => sum + event[key], 0);
    expect(total("revenue")).toBe(margin.netRevenue);
    expect(total("grossMargin")).toBe(margin.grossMargin);
    expect(total("contributionMargin")).toBe(margin.contributionMargin);
    expect(margin.contributionMargin).toBe(667);
  });

  it("keeps guest orders unattributed", () => {
    const order = makeOrder({ ...spec, customerId: null });
    const events = orderValueEvents(order, computeOrderMargin(order, costs, LATER));
    expect(events.every((event) => event.customerId === null)).toBe(true);
  });

  it("puts the returns reserve on the order event while it is held", () => {
    const order = makeOrder({ ...spec, refunds: [] });
    const margin = computeOrderMargin(order, costs, { asOf: new Date("2026-02-15T00:00:00Z") });
    const [event] = orderValueEvents(order, margin);
    // 10% x (6500 merchandise + 500 + 3 x 100) = 730 on top of the costs above (no service this time)
    expect(margin.returnsReserve).toBe(-730);
    expect(event.contributionMargin).toBe(4500 - 233 - 450 - 600 - 730);
  });

  it("emits zero-revenue events for a cancelled order and none for a test order", () => {
    const cancelled = makeOrder({ ...spec, cancelledAt: "2026-02-11T00:00:00Z" });
    const events = orderValueEvents(cancelled, computeOrderMargin(cancelled, costs, { ...LATER, actualPaymentFee: 233 }));
    expect(events.map((event) => [event.kind, event.revenue, event.contributionMargin]))
      .toEqual([["order", 0, -233], ["refund", 0, 0], ["refund", 0, 0]]);
    const test = makeOrder({ ...spec, test: true });
    expect(orderValueEvents(test, computeOrderMargin(test, costs, LATER))).toEqual([]);
  });

  it("refuses a breakdown of another order", () => {
    const order = makeOrder(spec);
    const other = makeOrder({ ...spec, id: 2002 });
    expect(() => orderValueEvents(other, computeOrderMargin(order, costs, LATER))).toThrow(/Breakdown of/);
  });
});
