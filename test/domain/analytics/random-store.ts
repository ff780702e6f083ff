/**
 * Random stores for the cohort-table property tests: customers with acquisition facts that differ
 * only in case and spaces where the filters fold them, some without facts, one to four orders each.
 */
import fc from "fast-check";
import { prepareAnalytics, type AnalyticsBase } from "~/domain/analytics";
import type { AcquisitionFacts, ValueEvent } from "~/domain/value-events";

export const FROM = Date.UTC(2024, 0, 1);
export const TO = Date.UTC(2025, 11, 31);

export const customerArb = fc.record({
  channel: fc.constantFrom("web", "pos", "shop"),
  country: fc.constantFrom("US", "us", "DE", null),
  code: fc.constantFrom("SAVE10", " save10", "WELCOME", null),
  product: fc.constantFrom("gid://shopify/Product/1", "gid://shopify/Product/2", null),
  // Several tags per customer, some equal once folded (" vip" and "VIP": one group, counted once).
  tags: fc.uniqueArray(fc.constantFrom("vip", "VIP", "wholesale", "Wholesale ", "staff", "other"), { maxLength: 4 }),
  facts: fc.boolean(), // false: a customer without acquisition facts matches no filter
  orders: fc.array(fc.record({ at: fc.integer({ min: FROM, max: TO }), margin: fc.integer({ min: -3_000, max: 9_000 }) }), { minLength: 1, maxLength: 4 }),
});
export type CustomerSpec = typeof customerArb extends fc.Arbitrary<infer T> ? T : never;

/** An asOf from three months into the store to three months after it. */
export const asOfArb = fc.integer({ min: FROM + 90 * 86_400_000, max: TO + 90 * 86_400_000 });

export function randomBase(specs: readonly CustomerSpec[], asOfMs: number): AnalyticsBase {
  const events: ValueEvent[] = [];
  const acquisitions: AcquisitionFacts[] = [];
  specs.forEach((s, i) => {
    const customerId = `gid://shopify/Customer/${i}`;
    const orders = [...s.orders].sort((a, b) => a.at - b.at);
    orders.forEach((o, k) => events.push({
      customerId, orderId: `gid://shopify/Order/${i}-${k}`, kind: "order", at: new Date(o.at), revenue: o.margin + 1_000, grossMargin: o.margin + 500,
      contributionMargin: o.margin,
    }));
    if (s.facts) {
      acquisitions.push({
        customerId, firstOrderId: `gid://shopify/Order/${i}-0`, firstOrderAt: new Date(orders[0].at), channel: s.channel, countryCode: s.country,
        firstDiscountCode: s.code, firstProductId: s.product, firstProductTitle: null, tags: s.tags.map((t) => t.trim()),
      });
    }
  });
  return prepareAnalytics({ events, acquisitions, timeZone: "America/New_York", asOf: new Date(asOfMs), cancelledOrderIds: new Set() });
}
