/** Hand-built CustomerFacts for the segment and flag rules: one order with facts unless told otherwise. */
import type { CustomerFacts } from "~/domain/analytics";

export function customer(customerId: string, spec: Partial<CustomerFacts> & { channel?: string; country?: string } = {}): CustomerFacts {
  const { channel, country, ...rest } = spec;
  const revenue = rest.revenue ?? 10000;
  const orders = rest.orders ?? 1;
  return {
    customerId, cohort: "2025-01", firstOrderAt: new Date("2025-01-10T12:00:00Z"), daysSinceFirstOrder: 100,
    orders, revenue, grossMargin: Math.trunc(revenue / 2), contributionMargin: Math.trunc(revenue / 4),
    orderRevenue: revenue + (rest.refundedRevenue ?? 0), refundedRevenue: 0,
    ordersWithFacts: orders, grossSales: revenue, discounts: 0, discountedOrders: 0, returnedOrders: 0, returnedItems: 0,
    serviceContacts: 0,
    acquisition: {
      customerId, firstOrderId: `${customerId}-1`, firstOrderAt: new Date("2025-01-10T12:00:00Z"), channel: channel ?? "web",
      countryCode: country ?? "US", firstDiscountCode: null, firstProductId: "P1", firstProductTitle: "Tee", tags: [],
    },
    ...rest,
  };
}
