import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { allocateLargestRemainder, decimalFormatter, mulDivRound } from "~/demo/arithmetic";
import {
  asCreatedSnapshot,
  buildCatalog,
  DEMO_SHOP,
  generateOrders,
  resolveDemoOptions,
  type ShopifyMoneySet,
  type ShopifyOrderPayload,
} from "~/demo/generator";
import { parseJsonExact } from "~/domain/ledger/json";
import { normalizeOrder } from "~/domain/ledger/shopify-order";
import type { LedgerOrder } from "~/domain/ledger/types";
import { parseMoney, toDecimalString } from "~/domain/money/money";

const DIGITS = 2;
const minor = (amount: string | number) => parseMoney(amount, DIGITS);
const setMinor = (set: ShopifyMoneySet) => minor(set.shop_money.amount);
const sum = <T>(items: readonly T[], value: (item: T) => number) => items.reduce((total, item) => total + value(item), 0);
const shopMonth = (iso: string) => iso.slice(0, 7); // timestamps carry the shop's offset

/** Every *_set in a body, with its path, to check currencies and scalar/set agreement. */
function moneySets(value: unknown, path = "", out: { path: string; set: ShopifyMoneySet; parent: Record<string, unknown>; key: string }[] = []) {
  if (Array.isArray(value)) value.forEach((item, i) => moneySets(item, `${path}[${i}]`, out));
  else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (key.endsWith("_set") && child && typeof child === "object") {
        out.push({ path: `${path}.${key}`, set: child as ShopifyMoneySet, parent: value as Record<string, unknown>, key });
      } else moneySets(child, `${path}.${key}`, out);
    }
  }
  return out;
}

/**
 * Collects failed checks over thousands of orders and asserts once: a vitest `expect` per value
 * would cost more than generating the orders.
 */
class Problems {
  readonly list: string[] = [];
  failed = 0;
  check(ok: boolean, message: () => string): void {
    if (ok) return;
    this.failed++;
    if (this.list.length < 15) this.list.push(message());
  }
  assertNone(): void {
    expect(this.list, `${this.failed} failed checks`).toEqual([]);
  }
}

let orders: ShopifyOrderPayload[];
let generationMs: number;
const resolved = resolveDemoOptions();

beforeAll(() => {
  const started = performance.now();
  orders = [...generateOrders()];
  generationMs = performance.now() - started;
});

describe("resolveDemoOptions", () => {
  it("has the documented defaults and exact counts", () => {
    expect(resolved).toMatchObject({
      seed: 1,
      orders: 15_000,
      customers: 5_000,
      months: 24,
      currency: "USD",
      digits: 2,
      timeZone: DEMO_SHOP.ianaTimezone,
      testOrders: 30,
      guestOrders: 1_200,
      customerOrders: 13_770,
      activeCustomers: 5_000,
    });
    // 24 months of shop time: November 2024 (New York midnight = 04:00Z) to October 2026.
    expect(resolved.startDate.toISOString()).toBe("2024-11-01T04:00:00.000Z");
    expect(resolved.endDate.toISOString()).toBe("2026-10-31T23:59:59.000Z");
  });

  it("rejects bad options", () => {
    expect(() => resolveDemoOptions({ orders: -1 })).toThrow(RangeError);
    expect(() => resolveDemoOptions({ orders: 1.5 })).toThrow(RangeError);
    expect(() => resolveDemoOptions({ months: 0 })).toThrow(RangeError);
    expect(() => resolveDemoOptions({ endDate: new Date("nope") })).toThrow(RangeError);
    expect(() => resolveDemoOptions({ currency: "DOLLARS" })).toThrow(RangeError);
  });

  it("caps customers at the customer orders and gives everything to guests without customers", () => {
    expect(resolveDemoOptions({ orders: 100, customers: 1_000 }).activeCustomers).toBe(92);
    expect(resolveDemoOptions({ orders: 100, customers: 0 })).toMatchObject({ activeCustomers: 0, guestOrders: 100, customerOrders: 0 });
  });
});

describe("generateOrders (default run)", () => {
  it("is reasonably fast", () => {
    // A generous bound for a loaded CI machine; the real figure is in the module's report.
    expect(generationMs).toBeLessThan(20_000);
  });

  it("emits exactly the requested counts", () => {
    expect(orders).toHaveLength(15_000);
    const customers = new Set(orders.filter((o) => o.customer).map((o) => o.customer!.id));
    expect(customers.size).toBe(resolved.activeCustomers);
    expect(orders.filter((o) => o.test)).toHaveLength(30);
    expect(orders.filter((o) => !o.test && !o.customer)).toHaveLength(1_200);
    expect(orders.filter((o) => o.test && o.customer)).toHaveLength(0);
  });

  it("streams in processed_at order with consecutive order names inside the window", () => {
    const start = resolved.startDate.getTime();
    const end = resolved.endDate.getTime();
    const problems = new Problems();
    let previous = -Infinity;
    orders.forEach((order, i) => {
      const processed = Date.parse(order.processed_at);
      problems.check(processed >= previous, () => `${order.name} is out of order`);
      problems.check(processed >= start && processed <= end, () => `${order.name} is outside the window`);
      previous = processed;
      problems.check(order.order_number === 1001 + i && order.name === `#${1001 + i}`, () => `${order.name} at ${i}`);
      problems.check(order.created_at === order.processed_at, () => `${order.name} created_at`);
      problems.check(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00$/.test(order.processed_at), () => order.processed_at);
    });
    problems.assertNone();
  });

  it("uses unique numeric ids below 2^53 (15 digits at most) with matching GIDs", () => {
    const problems = new Problems();
    const seen = new Set<number>();
    const unique = (id: number, what: string) => {
      problems.check(Number.isSafeInteger(id) && id > 0 && String(id).length <= 15, () => `${what} ${id} is not a safe id`);
      problems.check(!seen.has(id), () => `${what} ${id} is not unique`);
      seen.add(id);
    };
    const gid = (value: string, type: string, id: number) =>
      problems.check(value === `gid://shopify/${type}/${id}`, () => `${value} is not the ${type} GID of ${id}`);
    const customers = new Set<number>();
    for (const order of orders) {
      unique(order.id, "order");
      gid(order.admin_graphql_api_id, "Order", order.id);
      for (const line of order.line_items) {
        unique(line.id, "line item");
        gid(line.admin_graphql_api_id, "LineItem", line.id);
      }
      for (const line of order.shipping_lines) unique(line.id, "shipping line");
      for (const refund of order.refunds) {
        unique(refund.id, "refund");
        gid(refund.admin_graphql_api_id, "Refund", refund.id);
        problems.check(refund.order_id === order.id, () => `refund ${refund.id} order_id`);
        refund.refund_line_items.forEach((line) => unique(line.id, "refund line"));
        refund.refund_shipping_lines.forEach((line) => unique(line.id, "refund shipping line"));
        refund.order_adjustments.forEach((adjustment) => unique(adjustment.id, "adjustment"));
        refund.transactions.forEach((transaction) => {
          unique(transaction.id, "transaction");
          gid(transaction.admin_graphql_api_id, "OrderTransaction", transaction.id);
        });
      }
      if (order.customer) {
        gid(order.customer.admin_graphql_api_id, "Customer", order.customer.id);
        customers.add(order.customer.id);
      }
    }
    for (const id of customers) unique(id, "customer");
    problems.assertNone();
  });

  it("passes normalizeOrder, after a JSON round trip, for every order", () => {
    const problems = new Problems();
    for (const order of orders) {
      let ledger: LedgerOrder;
      try {
        ledger = normalizeOrder(parseJsonExact(JSON.stringify(order)));
      } catch (error) {
        problems.check(false, () => `${order.name}: ${(error as Error).message}`);
        continue;
      }
      problems.check(ledger.totalPrice === setMinor(order.total_price_set), () => `${order.name} totalPrice`);
      problems.check(ledger.netSales + ledger.shippingCharged + ledger.taxes + ledger.tips + ledger.giftCardsSold === ledger.totalPrice,
        () => `${order.name}: ledger parts do not add up to the total`);
      problems.check(ledger.customerId === (order.customer ? order.customer.admin_graphql_api_id : null), () => `${order.name} customer`);
      ledger.refunds.forEach((refund, i) => {
        const transactions = sum(order.refunds[i].transactions, (t) => minor(t.amount));
        problems.check(refund.merchandise + refund.shipping + refund.adjustments + refund.taxes === transactions,
          () => `${order.name}: refund ${refund.id} parts do not add up to its transactions`);
      });
    }
    problems.assertNone();
  });

  it("keeps protected customer data out", () => {
    const text = JSON.stringify(orders.slice(0, 2_000));
    for (const field of ["email", "contact_email", "phone", "first_name", "last_name", "address1", "address2", "zip", "city"]) {
      expect(text).not.toContain(`"${field}":`);
    }
    const customerKeys = new Set(orders.flatMap((o) => (o.customer ? Object.keys(o.customer) : [])));
    expect([...customerKeys].sort()).toEqual(["admin_graphql_api_id", "created_at", "default_address", "id", "state", "tags", "tax_exempt"]);
  });

  it("reconciles every body's arithmetic to the cent", () => {
    const problems = new Problems();
    for (const order of orders) {
      const name = order.name;
      // Scalars agree with their sets, all in the shop currency.
      for (const { path, set, parent, key } of moneySets(order)) {
        problems.check(set.shop_money.currency_code === "USD", () => `${name}${path} currency`);
        const scalar = parent[key.slice(0, -4)];
        if (scalar !== undefined) problems.check(minor(scalar as string) === setMinor(set), () => `${name}${path} differs from its scalar`);
      }
      const lineItems = sum(order.line_items, (l) => minor(l.price) * l.quantity);
      const lineDiscounts = sum(order.line_items, (l) => sum(l.discount_allocations, (a) => setMinor(a.amount_set)));
      const lineTax = sum(order.line_items, (l) => sum(l.tax_lines, (t) => setMinor(t.price_set)));
      const shipping = sum(order.shipping_lines, (s) => setMinor(s.price_set));
      const shippingDiscounts = sum(order.shipping_lines, (s) => sum(s.discount_allocations, (a) => setMinor(a.amount_set)));
      const shippingTax = sum(order.shipping_lines, (s) => sum(s.tax_lines, (t) => setMinor(t.price_set)));
      const tip = minor(order.total_tip_received);
      const equal = (actual: number, expected: number, what: string) =>
        problems.check(actual === expected, () => `${name}: ${what} is ${actual}, expected ${expected}`);
      equal(setMinor(order.total_line_items_price_set), lineItems, "total_line_items_price");
      equal(setMinor(order.subtotal_price_set), lineItems - lineDiscounts, "subtotal_price");
      equal(setMinor(order.total_discounts_set), lineDiscounts + shippingDiscounts, "total_discounts");
      equal(setMinor(order.total_shipping_price_set), shipping, "total_shipping_price");
      equal(setMinor(order.total_tax_set), lineTax + shippingTax, "total_tax");
      equal(setMinor(order.total_price_set), lineItems - lineDiscounts + shipping - shippingDiscounts + lineTax + shippingTax + tip,
        "total_price");

      // Discount codes: the code's amount is what was allocated; percentages are exact.
      const eligible = order.line_items.filter((l) => !l.gift_card);
      const eligibleTotal = sum(eligible, (l) => minor(l.price) * l.quantity);
      for (const code of order.discount_codes) {
        equal(minor(code.amount), code.type === "shipping" ? shippingDiscounts : lineDiscounts, `${code.code} amount`);
        const application = order.discount_applications.find((a) => a.code === code.code);
        problems.check(application !== undefined, () => `${name}: ${code.code} has no application`);
        if (application?.value_type === "percentage" && application.target_type === "line_item") {
          equal(lineDiscounts, mulDivRound(eligibleTotal, Number.parseInt(application.value, 10), 100), `${code.code} percentage`);
        }
      }
      if (order.discount_applications.length === 0) equal(lineDiscounts + shippingDiscounts, 0, "discounts without application");
      for (const line of order.line_items) {
        if (line.gift_card) {
          problems.check(line.discount_allocations.length === 0 && line.tax_lines.length === 0, () => `${name}: gift card discounted or taxed`);
        }
        // Largest remainder: each allocation is within one cent of its exact proportional share.
        for (const allocation of line.discount_allocations) {
          const exact = (lineDiscounts * minor(line.price) * line.quantity) / eligibleTotal;
          problems.check(Math.abs(setMinor(allocation.amount_set) - exact) < 1, () => `${name}: allocation ${allocation.amount} vs ${exact}`);
        }
        const net = minor(line.price) * line.quantity - sum(line.discount_allocations, (a) => setMinor(a.amount_set));
        for (const tax of line.tax_lines) {
          equal(setMinor(tax.price_set), mulDivRound(net, Math.round(tax.rate * 1_000_000), 1_000_000), `${tax.title} on ${line.sku}`);
        }
      }
    }
    problems.assertNone();
  });

  it("keeps refunds consistent with the order and with each other", () => {
    const problems = new Problems();
    const end = resolved.endDate.getTime();
    for (const order of orders) {
      const name = order.name;
      const processed = Date.parse(order.processed_at);
      const updated = Date.parse(order.updated_at);
      problems.check(updated >= processed && updated <= end, () => `${name}: updated_at ${order.updated_at}`);
      let refundedMoney = 0;
      let previous = processed;
      const refundedUnits = new Map<number, { quantity: number; subtotal: number; tax: number }>();
      let shippingRefunds = 0;
      for (const refund of order.refunds) {
        const at = Date.parse(refund.created_at);
        problems.check(at > processed && at >= previous && at <= updated, () => `${name}: refund at ${refund.created_at}`);
        previous = at;
        let amount = 0;
        for (const line of refund.refund_line_items) {
          const entry = refundedUnits.get(line.line_item_id) ?? { quantity: 0, subtotal: 0, tax: 0 };
          entry.quantity += line.quantity;
          entry.subtotal += setMinor(line.subtotal_set);
          entry.tax += setMinor(line.total_tax_set);
          refundedUnits.set(line.line_item_id, entry);
          problems.check(line.line_item.admin_graphql_api_id === `gid://shopify/LineItem/${line.line_item_id}`, () => `${name}: refund line item`);
          problems.check(minor(line.subtotal) === setMinor(line.subtotal_set), () => `${name}: refund line subtotal number`);
          problems.check(["return", "no_restock", "cancel"].includes(line.restock_type), () => `${name}: ${line.restock_type}`);
          amount += setMinor(line.subtotal_set) + setMinor(line.total_tax_set);
        }
        for (const line of refund.refund_shipping_lines) {
          shippingRefunds++;
          const adjustment = refund.order_adjustments.find((a) => a.kind === "shipping_refund");
          problems.check(adjustment !== undefined
            && setMinor(adjustment.amount_set) + setMinor(line.subtotal_amount_set) === 0
            && setMinor(adjustment.tax_amount_set) + setMinor(line.tax_amount_set) === 0,
          () => `${name}: shipping refund without its negative shipping_refund adjustment`);
          amount += setMinor(line.subtotal_amount_set) + setMinor(line.tax_amount_set);
        }
        for (const adjustment of refund.order_adjustments) {
          if (adjustment.kind === "refund_discrepancy") amount -= setMinor(adjustment.amount_set);
        }
        problems.check(sum(refund.transactions, (t) => minor(t.amount)) === amount, () => `${name}: refund ${refund.id} transactions`);
        refundedMoney += amount;
      }
      problems.check(shippingRefunds <= 1, () => `${name}: shipping refunded twice`);
      for (const line of order.line_items) {
        const refunded = refundedUnits.get(line.id) ?? { quantity: 0, subtotal: 0, tax: 0 };
        const net = minor(line.price) * line.quantity - sum(line.discount_allocations, (a) => setMinor(a.amount_set));
        const tax = sum(line.tax_lines, (t) => setMinor(t.price_set));
        problems.check(refunded.quantity <= line.quantity && refunded.subtotal <= net && refunded.tax <= tax,
          () => `${name}: ${line.sku} refunded beyond the line`);
        if (refunded.quantity === line.quantity) {
          problems.check(refunded.subtotal === net && refunded.tax === tax, () => `${name}: ${line.sku} full refund is not exact`);
        }
        problems.check(line.current_quantity === (order.cancelled_at ? 0 : line.quantity - refunded.quantity),
          () => `${name}: ${line.sku} current_quantity`);
      }
      const total = setMinor(order.total_price_set);
      problems.check(refundedMoney <= total, () => `${name}: refunded ${refundedMoney} of ${total}`);
      if (order.cancelled_at) {
        problems.check(Date.parse(order.cancelled_at) > processed, () => `${name}: cancelled before processed`);
        if (order.financial_status === "refunded") problems.check(refundedMoney === total, () => `${name}: cancelled, not fully refunded`);
        else problems.check(order.financial_status === "voided" && order.refunds.length === 0, () => `${name}: cancelled ${order.financial_status}`);
      } else if (refundedMoney > 0) {
        problems.check(order.financial_status === (refundedMoney === total ? "refunded" : "partially_refunded"),
          () => `${name}: ${order.financial_status} after refunding ${refundedMoney} of ${total}`);
      } else {
        problems.check(order.financial_status === "paid" || order.financial_status === "pending", () => `${name}: ${order.financial_status}`);
      }
    }
    problems.assertNone();
  });

  it("has the intended shares of guests, discounts, refunds, cancellations and tests", () => {
    const real = orders.filter((o) => !o.test);
    const share = (items: ShopifyOrderPayload[], test: (o: ShopifyOrderPayload) => boolean) =>
      items.filter(test).length / items.length;
    expect(share(real, (o) => !o.customer)).toBeCloseTo(0.08, 2);
    expect(share(orders, (o) => o.test)).toBeCloseTo(0.002, 4);

    const seen = new Set<number>();
    const first: ShopifyOrderPayload[] = [];
    const repeat: ShopifyOrderPayload[] = [];
    for (const order of real) {
      if (!order.customer) continue;
      (seen.has(order.customer.id) ? repeat : first).push(order);
      seen.add(order.customer.id);
    }
    const firstDiscounted = share(first, (o) => o.discount_codes.length > 0);
    const repeatDiscounted = share(repeat, (o) => o.discount_codes.length > 0);
    expect(firstDiscounted).toBeGreaterThan(0.3);
    expect(firstDiscounted).toBeLessThan(0.55);
    expect(repeatDiscounted).toBeGreaterThan(0.05);
    expect(firstDiscounted).toBeGreaterThan(2 * repeatDiscounted);
    const welcome = share(first, (o) => o.discount_codes.some((c) => c.code === "WELCOME10"));
    expect(welcome).toBeGreaterThan(0.28);
    expect(welcome).toBeLessThan(0.42);
    expect(repeat.some((o) => o.discount_codes.some((c) => c.code === "WELCOME10"))).toBe(false);
    const codes = new Set(real.flatMap((o) => o.discount_codes.map((c) => c.code)));
    for (const code of ["WELCOME10", "SUMMER20", "BFCM25", "SAVE15", "FREESHIP", "VIP15"]) expect(codes).toContain(code);
    expect(real.some((o) => o.discount_codes.some((c) => c.type === "fixed_amount"))).toBe(true);
    expect(real.some((o) => o.discount_applications.some((a) => a.type === "manual"))).toBe(true);

    const refunded = share(real, (o) => o.refunds.length > 0 && !o.cancelled_at);
    expect(refunded).toBeGreaterThan(0.05);
    expect(refunded).toBeLessThan(0.15);
    const refundLines = real.flatMap((o) => o.refunds.flatMap((r) => r.refund_line_items));
    for (const type of ["return", "no_restock", "cancel"]) expect(refundLines.some((l) => l.restock_type === type)).toBe(true);
    expect(real.some((o) => o.financial_status === "partially_refunded")).toBe(true);
    expect(real.some((o) => o.financial_status === "refunded" && !o.cancelled_at)).toBe(true);
    expect(real.some((o) => o.refunds.some((r) => r.refund_shipping_lines.length > 0 && r.refund_line_items.length === 0))).toBe(true);
    expect(real.some((o) => o.refunds.some((r) => r.order_adjustments.some((a) => a.kind === "refund_discrepancy")))).toBe(true);
    expect(real.some((o) => o.refunds.length > 1)).toBe(true);
    // Refunds dated in a later month than their order, in the shop's time zone.
    expect(share(real.filter((o) => o.refunds.length > 0),
      (o) => o.refunds.some((r) => shopMonth(r.created_at) !== shopMonth(o.processed_at)))).toBeGreaterThan(0.2);

    const cancelled = share(real, (o) => o.cancelled_at !== null);
    expect(cancelled).toBeGreaterThan(0.01);
    expect(cancelled).toBeLessThan(0.05);
    expect(real.some((o) => o.cancelled_at && o.financial_status === "voided")).toBe(true);
    expect(real.every((o) => (o.cancelled_at === null) === (o.cancel_reason === null))).toBe(true);
    expect(real.some((o) => o.financial_status === "pending")).toBe(true);
  });

  it("spreads orders over channels, gateways, countries, products and customers", () => {
    const channels = new Set(orders.map((o) => o.source_name));
    expect(channels.size).toBeGreaterThanOrEqual(4);
    for (const channel of ["web", "pos", "shopify_draft_order", "2329312"]) expect(channels).toContain(channel);
    expect(orders.filter((o) => o.source_name === "web").length / orders.length).toBeGreaterThan(0.7);
    const gateways = new Set(orders.flatMap((o) => o.payment_gateway_names));
    for (const gateway of ["shopify_payments", "paypal", "manual", "cash", "bogus"]) expect(gateways).toContain(gateway);
    const pos = orders.filter((o) => o.source_name === "pos");
    expect(pos.every((o) => o.shipping_address === null && o.shipping_lines.length === 0)).toBe(true);

    const countries = new Map<string, number>();
    for (const order of orders) {
      const code = order.shipping_address?.country_code ?? order.billing_address?.country_code ?? order.customer?.default_address.country_code;
      if (code) countries.set(code, (countries.get(code) ?? 0) + 1);
    }
    expect(countries.size).toBeGreaterThanOrEqual(6);
    expect(countries.get("US")! / orders.length).toBeGreaterThan(0.5);

    const products = new Set(orders.flatMap((o) => o.line_items.map((l) => l.product_id)));
    expect(products.size).toBeGreaterThanOrEqual(60);
    expect(orders.some((o) => o.line_items.some((l) => l.gift_card))).toBe(true);
    expect(orders.some((o) => o.line_items.length > 0 && o.line_items.every((l) => l.gift_card && !l.requires_shipping) && o.shipping_address === null)).toBe(true);

    const perCustomer = new Map<number, number>();
    for (const order of orders) if (order.customer) perCustomer.set(order.customer.id, (perCustomer.get(order.customer.id) ?? 0) + 1);
    const counts = [...perCustomer.values()];
    const oneAndDone = counts.filter((n) => n === 1).length / counts.length;
    expect(oneAndDone).toBeGreaterThan(0.35);
    expect(oneAndDone).toBeLessThan(0.75);
    expect(counts.filter((n) => n >= 10).length).toBeGreaterThan(50);
    const tags = new Set(orders.flatMap((o) => (o.customer?.tags ?? "").split(", ").filter(Boolean)));
    for (const tag of ["vip", "wholesale", "newsletter"]) expect(tags).toContain(tag);
    expect(orders.some((o) => o.customer?.tax_exempt && o.tags === "wholesale")).toBe(true);
  });

  it("covers every month of the window with a November/December peak and a summer dip", () => {
    const months = new Map<string, number>();
    for (const order of orders) months.set(shopMonth(order.processed_at), (months.get(shopMonth(order.processed_at)) ?? 0) + 1);
    expect(months.size).toBe(24);
    expect([...months.keys()].sort()[0]).toBe("2024-11");
    expect([...months.keys()].sort()[23]).toBe("2026-10");
    const m = (key: string) => months.get(key) ?? 0;
    // Second year, where the customer base is established.
    const holiday = (m("2025-11") + m("2025-12")) / 2;
    const summer = (m("2025-06") + m("2025-07") + m("2025-08")) / 3;
    const autumn = (m("2025-09") + m("2025-10")) / 2;
    expect(holiday).toBeGreaterThan(1.4 * summer);
    expect(holiday).toBeGreaterThan(1.2 * autumn);
    expect(m("2026-01")).toBeLessThan(m("2025-12"));
    // Acquisition cohorts (customers by first-order month) differ in size.
    const cohorts = new Map<string, number>();
    const seen = new Set<number>();
    for (const order of orders) {
      if (!order.customer || seen.has(order.customer.id)) continue;
      seen.add(order.customer.id);
      cohorts.set(shopMonth(order.processed_at), (cohorts.get(shopMonth(order.processed_at)) ?? 0) + 1);
    }
    const sizes = [...cohorts.values()];
    expect(Math.max(...sizes)).toBeGreaterThan(2 * Math.min(...sizes));
  });
});

describe("generateOrders (options)", () => {
  it("is deterministic: same seed and options give byte-identical JSON", () => {
    const options = { seed: 42, orders: 3_000, customers: 900 };
    const a = JSON.stringify([...generateOrders(options)]);
    const b = JSON.stringify([...generateOrders(options)]);
    expect(a).toBe(b);
    expect(JSON.stringify([...generateOrders({ ...options, seed: 43 })])).not.toBe(a);
  });

  it("writes zero-decimal currencies without decimals (JPY)", () => {
    const jpy = [...generateOrders({ orders: 1_500, currency: "JPY", seed: 5 })];
    expect(jpy).toHaveLength(1_500);
    const problems = new Problems();
    let amounts = 0;
    for (const order of jpy) {
      problems.check(order.currency === "JPY", () => order.currency);
      for (const { path, set, parent, key } of moneySets(order)) {
        const scalar = parent[key.slice(0, -4)];
        problems.check(set.shop_money.currency_code === "JPY" && /^-?\d+$/.test(set.shop_money.amount)
          && (typeof scalar !== "string" || /^-?\d+$/.test(scalar)), () => `${order.name}${path}: ${set.shop_money.amount}`);
        amounts++;
      }
      const ledger = normalizeOrder(JSON.parse(JSON.stringify(order)));
      problems.check(ledger.currency === "JPY" && ledger.totalPrice === Number(order.total_price), () => `${order.name} ledger`);
    }
    problems.assertNone();
    expect(amounts).toBeGreaterThan(10_000);
    // Prices look like yen prices, not cents.
    const prices = jpy.flatMap((o) => o.line_items.map((l) => Number(l.price)));
    expect(Math.min(...prices)).toBeGreaterThanOrEqual(100);
    expect(jpy.some((o) => o.discount_applications.some((a) => a.value_type === "fixed_amount" && /^\d+\.0$/.test(a.value)))).toBe(true);
  });

  it("is lazy: the first orders of a 1,000,000-order stream come at once", () => {
    const started = performance.now();
    const first: ShopifyOrderPayload[] = [];
    for (const order of generateOrders({ orders: 1_000_000 })) {
      first.push(order);
      if (first.length === 10) break;
    }
    expect(first).toHaveLength(10);
    expect(first.map((o) => o.name)).toEqual(Array.from({ length: 10 }, (_, i) => `#${1001 + i}`));
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("honours small and odd sizes exactly", () => {
    expect([...generateOrders({ orders: 0 })]).toHaveLength(0);
    const tiny = [...generateOrders({ orders: 7, customers: 50 })];
    expect(tiny).toHaveLength(7);
    const guestsOnly = [...generateOrders({ orders: 40, customers: 0 })];
    expect(guestsOnly.every((o) => o.customer === null)).toBe(true);
    const oneMonth = [...generateOrders({ orders: 500, months: 1, endDate: new Date("2025-03-15T12:00:00Z") })];
    expect(oneMonth).toHaveLength(500);
    expect(new Set(oneMonth.map((o) => shopMonth(o.processed_at)))).toEqual(new Set(["2025-03"]));
    expect(oneMonth.every((o) => Date.parse(o.updated_at) <= Date.parse("2025-03-15T12:00:00Z"))).toBe(true);
    const crowded = [...generateOrders({ orders: 2_000, customers: 100, seed: 3 })];
    expect(new Set(crowded.filter((o) => o.customer).map((o) => o.customer!.id)).size).toBe(100);
  });

  it("adds presentment_money on request", () => {
    const [order] = generateOrders({ orders: 10, presentmentMoney: true });
    for (const { set } of moneySets(order)) expect(set.presentment_money).toEqual(set.shop_money);
    const [plain] = generateOrders({ orders: 10 });
    for (const { set } of moneySets(plain)) expect(set.presentment_money).toBeUndefined();
  });
});

describe("asCreatedSnapshot", () => {
  it("gives the orders/create body before refunds and cancellation", () => {
    const later = orders.filter((o) => o.refunds.length > 0 || o.cancelled_at).slice(0, 200);
    expect(later.length).toBe(200);
    for (const order of later) {
      const created = asCreatedSnapshot(order);
      expect(created.refunds).toEqual([]);
      expect(created.cancelled_at).toBeNull();
      expect(created.updated_at).toBe(created.created_at);
      expect(["paid", "pending", "authorized"]).toContain(created.financial_status);
      expect(created.line_items.every((l) => l.current_quantity === l.quantity)).toBe(true);
      expect(created.total_price_set).toEqual(order.total_price_set);
      const ledger = normalizeOrder(created);
      expect(ledger.refunds).toHaveLength(0);
      expect(order.refunds.length > 0 || order.cancelled_at).toBeTruthy(); // the original is untouched
    }
  });
});

describe("buildCatalog", () => {
  it("has 60-120 products with 1-4 variants, a price range, costs and gift cards", () => {
    const catalog = buildCatalog(1, "USD");
    expect(catalog.products.length).toBeGreaterThanOrEqual(60);
    expect(catalog.products.length).toBeLessThanOrEqual(120);
    expect(catalog.giftCards.length).toBe(2);
    for (const product of catalog.products) {
      expect(product.variants.length).toBeGreaterThanOrEqual(1);
      expect(product.variants.length).toBeLessThanOrEqual(4);
      for (const variant of product.variants) {
        expect(Number.isInteger(variant.price)).toBe(true);
        if (product.giftCard) expect(variant.cost).toBe(0);
        else {
          expect(variant.cost).toBeGreaterThan(0);
          expect(variant.cost).toBeLessThan(variant.price);
        }
      }
    }
    const prices = catalog.merchandise.flatMap((p) => p.variants.map((v) => v.price));
    expect(Math.min(...prices)).toBeLessThan(1_000);
    expect(Math.max(...prices)).toBeGreaterThan(20_000);
    expect(new Set(catalog.products.map((p) => p.title)).size).toBe(catalog.products.length);
    expect(new Set(catalog.products.flatMap((p) => p.variants.map((v) => v.sku))).size)
      .toBe(sum(catalog.products, (p) => p.variants.length));
    expect(JSON.stringify(buildCatalog(1, "USD"))).toBe(JSON.stringify(catalog));
  });
});

describe("arithmetic helpers", () => {
  it("allocateLargestRemainder sums exactly and stays within one unit of each exact share", () => {
    expect(allocateLargestRemainder(1000, [19900, 19900, 19900])).toEqual([334, 333, 333]);
    expect(allocateLargestRemainder(5, [0, 0])).toEqual([5, 0]);
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 10_000_000 }),
      fc.array(fc.integer({ min: 0, max: 5_000_000 }), { minLength: 1, maxLength: 12 }),
      (total, weights) => {
        const parts = allocateLargestRemainder(total, weights);
        const weightSum = sum(weights, (w) => w);
        expect(sum(parts, (p) => p)).toBe(total);
        if (weightSum > 0) {
          parts.forEach((part, i) => {
            const exact = (total * weights[i]) / weightSum;
            expect(part).toBeGreaterThanOrEqual(Math.floor(exact) - 1e-9);
            expect(part).toBeLessThanOrEqual(Math.ceil(exact) + 1e-9);
          });
        }
      },
    ));
    // Products beyond 2^53 take the exact BigInt path.
    expect(sum(allocateLargestRemainder(9_000_000_000_000, [3_000_000, 3_000_001, 7]), (p) => p)).toBe(9_000_000_000_000);
  });

  it("decimalFormatter matches toDecimalString", () => {
    for (const digits of [0, 2, 3]) {
      const format = decimalFormatter(digits);
      fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), (value) => {
        expect(format(value)).toBe(toDecimalString(value, digits));
      }));
    }
  });

  it("mulDivRound rounds half up exactly", () => {
    expect(mulDivRound(250, 1, 100)).toBe(3); // 2.5 -> 3
    expect(mulDivRound(249, 1, 100)).toBe(2);
    expect(mulDivRound(1_000, 88_750, 1_000_000)).toBe(89); // 88.75
    expect(mulDivRound(9_000_000_000_000, 999_999, 1_000_000)).toBe(8_999_991_000_000);
  });
});
