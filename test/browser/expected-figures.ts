/**
 * The demo store's Overview figures computed straight from the generator's payloads, without the
 * app's parser, ledger or SQL: an independent check of what the page shows. Definitions as the app
 * documents them (app/analytics/overview.server.ts).
 */
import { generateOrders, type DemoOptions, type ShopifyMoneySet } from "~/demo/generator";

const cents = (set: ShopifyMoneySet | undefined | null) => (set ? Math.round(Number(set.shop_money.amount) * 100) : 0);

export interface ExpectedFigures {
  orders: number;
  customers: number;
  repeatCustomers: number;
  netRevenueCents: number;
  firstOrderAt: string;
  lastOrderAt: string;
}

export function expectedFigures(options: DemoOptions = {}): ExpectedFigures {
  let orders = 0;
  let netRevenue = 0;
  let first = "";
  let last = "";
  const perCustomer = new Map<string, number>();
  for (const order of generateOrders(options)) {
    if (order.test || order.cancelled_at) continue;
    orders += 1;
    const at = new Date(order.processed_at).toISOString();
    if (!first || at < first) first = at;
    if (!last || at > last) last = at;
    if (order.customer) {
      const id = order.customer.admin_graphql_api_id as string;
      perCustomer.set(id, (perCustomer.get(id) ?? 0) + 1);
    }
    for (const line of order.line_items) {
      if (line.gift_card) continue;
      netRevenue += cents(line.price_set) * line.quantity;
      for (const allocation of line.discount_allocations) netRevenue -= cents(allocation.amount_set);
      if (order.taxes_included) for (const tax of line.tax_lines) netRevenue -= cents(tax.price_set);
    }
    for (const shipping of order.shipping_lines) {
      netRevenue += cents(shipping.price_set);
      for (const allocation of shipping.discount_allocations) netRevenue -= cents(allocation.amount_set);
    }
    for (const refund of order.refunds) {
      for (const line of refund.refund_line_items) netRevenue -= cents(line.subtotal_set);
      if (refund.refund_shipping_lines?.length) {
        for (const line of refund.refund_shipping_lines) netRevenue -= cents(line.subtotal_amount_set);
      }
      for (const adjustment of refund.order_adjustments) {
        const shippingFromAdjustment = adjustment.kind === "shipping_refund";
        if (shippingFromAdjustment && refund.refund_shipping_lines?.length) continue;
        netRevenue += cents(adjustment.amount_set); // adjustments are negative when money goes back
      }
    }
  }
  return {
    orders,
    customers: perCustomer.size,
    repeatCustomers: [...perCustomer.values()].filter((count) => count >= 2).length,
    netRevenueCents: netRevenue,
    firstOrderAt: first,
    lastOrderAt: last,
  };
}
