/**
 * Properties that must hold for any order and any cost stack: the breakdown adds up to the minor
 * unit, every amount is a whole minor unit with the sign its line promises, revenue agrees with the
 * ledger, and the value events add up to the breakdown.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { marginLines } from "~/domain/economics/breakdown-lines";
import { parseCostConfig } from "~/domain/economics/cost-config";
import { orderValueEvents } from "~/domain/economics/events";
import type { OrderMarginBreakdown } from "~/domain/economics/margin";
import { computeOrderMargin } from "~/domain/economics/margin";
import type { RestockType } from "~/domain/ledger/types";
import { orderNetRevenue } from "~/domain/ledger/types";
import type { LineSpec, OrderSpec, RefundSpec } from "./fixtures";
import { makeOrder, V1, V2, V9 } from "./fixtures";

const day = (offset: number) => new Date(Date.UTC(2026, 0, 1) + offset * 86_400_000);
const validFrom = fc.constantFrom("2025-10-01", "2026-01-01", "2026-03-15T08:30:00+02:00");
const money = (max: number) => fc.integer({ min: 0, max });
const bps = fc.integer({ min: 0, max: 10_000 });

const lineArb = fc.record({
  variantId: fc.constantFrom(null, V1, V2, V9),
  quantity: fc.integer({ min: 0, max: 5 }),
  unitPrice: money(200_000),
  discountPercent: fc.integer({ min: 0, max: 100 }),
  taxPercent: fc.integer({ min: 0, max: 30 }),
  giftCard: fc.constantFrom(false, false, false, true),
});

const refundArb = fc.record({
  dayOffset: fc.integer({ min: 0, max: 90 }),
  lines: fc.array(fc.record({
    line: fc.nat(),
    quantity: fc.integer({ min: 0, max: 5 }),
    restockType: fc.constantFrom<RestockType>("no_restock", "cancel", "return", "legacy_restock"),
    subtotal: money(200_000),
  }), { maxLength: 3 }),
  shipping: money(2_000),
  adjustments: fc.integer({ min: -500, max: 2_000 }),
});

const orderArb = fc.record({
  dayOffset: fc.integer({ min: -60, max: 150 }),
  lines: fc.array(lineArb, { maxLength: 5 }),
  shippingCharged: money(5_000),
  taxesIncluded: fc.boolean(),
  countryCode: fc.constantFrom("US", "FR", null),
  gateways: fc.constantFrom<string[]>(["shopify_payments"], ["paypal"], ["gift_card", "manual"], []),
  customerId: fc.constantFrom("gid://shopify/Customer/7", null),
  cancelled: fc.constantFrom(false, false, false, true),
  test: fc.constantFrom(false, false, false, false, true),
  tips: money(1_000),
  refunds: fc.array(refundArb, { maxLength: 3 }),
}).map((spec): OrderSpec => {
  const lines: LineSpec[] = spec.lines.map((line) => {
    const gross = line.unitPrice * line.quantity;
    const discount = Math.floor((gross * line.discountPercent) / 100);
    return { ...line, discount, tax: Math.floor(((gross - discount) * line.taxPercent) / 100) };
  });
  const refunds: RefundSpec[] = lines.length === 0 ? [] : spec.refunds.map((refund) => ({
    createdAt: day(spec.dayOffset + refund.dayOffset).toISOString(),
    lines: refund.lines.map((line) => ({ ...line, line: line.line % lines.length })),
    shipping: refund.shipping,
    adjustments: refund.adjustments,
  }));
  return {
    processedAt: day(spec.dayOffset).toISOString(),
    lines, refunds,
    shippingCharged: spec.shippingCharged,
    taxesIncluded: spec.taxesIncluded,
    countryCode: spec.countryCode,
    gateways: spec.gateways,
    customerId: spec.customerId,
    cancelledAt: spec.cancelled ? day(spec.dayOffset + 1).toISOString() : undefined,
    test: spec.test,
    tips: spec.tips,
  };
});

const optionalSeries = <T>(version: fc.Arbitrary<T>) => fc.array(version, { maxLength: 2 });

const costsArb = fc.record({
  currency: fc.constant("USD"),
  variantCosts: fc.array(fc.record({ variantId: fc.constantFrom(V1, V2), unitCost: money(50_000), validFrom }), { maxLength: 3 }),
  defaultCogs: optionalSeries(fc.record({ percentOfPriceBps: bps, validFrom })),
  fulfilment: optionalSeries(fc.record({ perOrder: money(2_000), perItem: money(500), validFrom })),
  shipping: optionalSeries(fc.oneof(
    fc.record({ method: fc.constant("flat_per_order"), perOrder: money(3_000), validFrom }),
    fc.record({ method: fc.constant("per_country"), byCountry: fc.record({ US: money(3_000) }), fallback: money(5_000), validFrom }),
    fc.record({ method: fc.constant("percent_of_shipping_charged"), percentBps: bps, validFrom }),
  )),
  paymentFees: optionalSeries(fc.record({
    gateways: fc.constantFrom([], [{ gateway: "shopify_payments", percentBps: 290, fixedPerOrder: 30 }]),
    fallback: fc.record({ percentBps: bps, fixedPerOrder: money(100) }),
    validFrom,
  })),
  useActualPaymentFees: fc.boolean(),
  returns: optionalSeries(fc.record({
    perReturn: money(2_000), perReturnedItem: money(500),
    windowDays: fc.integer({ min: 0, max: 60 }), expectedReturnRateBps: bps, validFrom,
  })),
  service: optionalSeries(fc.record({ perContact: money(1_000), validFrom })),
}).map((input) => {
  // Versions of one component must start at different instants: keep the first of each.
  const dedupe = <T extends { validFrom: string }>(items: T[], key: (item: T) => string = () => "") =>
    items.filter((item, index) => items.findIndex((other) =>
      key(other) === key(item) && other.validFrom === item.validFrom) === index);
  return parseCostConfig({
    ...input,
    variantCosts: dedupe(input.variantCosts, (cost) => cost.variantId),
    defaultCogs: dedupe(input.defaultCogs),
    fulfilment: dedupe(input.fulfilment),
    shipping: dedupe(input.shipping),
    paymentFees: dedupe(input.paymentFees),
    returns: dedupe(input.returns),
    service: dedupe(input.service),
  });
});

const contextArb = fc.record({
  asOfDay: fc.integer({ min: -60, max: 250 }),
  serviceContacts: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
  actualPaymentFee: fc.option(money(1_000), { nil: undefined }),
});

function expectAddsUp(margin: OrderMarginBreakdown): void {
  const m = margin;
  expect(m.netSales).toBe(m.grossSales + m.discounts);
  expect(m.netRevenue).toBe(m.netSales + m.shippingCharged + m.refundedMerchandise + m.refundedShipping + m.refundAdjustments);
  expect(m.grossMargin).toBe(m.netRevenue + m.cogs + m.cogsRecovered);
  expect(m.contributionMargin).toBe(m.grossMargin + m.paymentFees + m.fulfilment + m.shippingCost + m.reverseLogistics +
    m.returnsReserve + m.serviceCost);

  const lines = marginLines(m);
  let running = 0;
  for (const line of lines) {
    expect(Number.isSafeInteger(line.amount)).toBe(true);
    if (line.kind === "component") running += line.amount;
    if (line.kind === "subtotal" && line.key !== "netSales") expect(line.amount).toBe(running);
  }
  expect(running).toBe(m.contributionMargin);

  // Signs the statement promises.
  for (const cost of [m.discounts, m.cogs, m.cogsEstimated, m.paymentFees, m.fulfilment, m.shippingCost,
    m.reverseLogistics, m.cogsLostNotRestocked, m.returnsReserve, m.serviceCost]) {
    expect(cost).toBeLessThanOrEqual(0);
  }
  expect(m.cogsRecovered).toBeGreaterThanOrEqual(0);
  expect(m.cogsEstimated).toBeGreaterThanOrEqual(m.cogs);
  expect(m.returnsReserveReleasesAt === null).toBe(m.returnsReserve === 0);

  // The order part and the refund parts make the whole.
  const parts = [m.atOrder, ...m.refunds];
  for (const key of ["revenue", "grossMargin", "contributionMargin"] as const) {
    const whole = key === "revenue" ? m.netRevenue : m[key];
    expect(parts.reduce((total, part) => total + part[key], 0)).toBe(whole);
  }
}

describe("margin breakdown properties", () => {
  it("always adds up to the minor unit, agrees with the ledger and with its value events", () => {
    fc.assert(fc.property(orderArb, costsArb, contextArb, (spec, costs, { asOfDay, ...rest }) => {
      const order = makeOrder(spec);
      const asOf = day(asOfDay);
      const margin = computeOrderMargin(order, costs, { asOf, ...rest });
      expectAddsUp(margin);

      const known = order.refunds.filter((refund) => refund.createdAt.getTime() <= asOf.getTime());
      if (!order.test) expect(margin.netRevenue).toBe(orderNetRevenue(order, known));
      if (order.cancelledAt || order.test) {
        expect(margin.grossMargin).toBe(0);
      }

      const events = orderValueEvents(order, margin);
      expect(events).toHaveLength(order.test ? 0 : 1 + known.length);
      if (!order.test) {
        expect(events.reduce((total, event) => total + event.revenue, 0)).toBe(margin.netRevenue);
        expect(events.reduce((total, event) => total + event.grossMargin, 0)).toBe(margin.grossMargin);
        expect(events.reduce((total, event) => total + event.contributionMargin, 0)).toBe(margin.contributionMargin);
        expect(events.every((event) => event.customerId === order.customerId)).toBe(true);
      }
    }), { numRuns: 500 });
  });
});
