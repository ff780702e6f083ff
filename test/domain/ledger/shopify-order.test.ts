import { describe, expect, it } from "vitest";
import { parseJsonExact } from "~/domain/ledger/json";
import { normalizeOrder, normalizeRefund, PayloadError, refundSchema } from "~/domain/ledger/shopify-order";
import { orderNetRevenue } from "~/domain/ledger/types";
import { fixtureText } from "../../support/fixtures";

const fixture = (name: string) => parseJsonExact(fixtureText(name)) as Record<string, unknown>;

describe("normalizeOrder on Shopify's order bodies", () => {
  it("reads the 2026-07 orders/updated example", () => {
    const order = normalizeOrder(fixture("orders-updated.shopify-rest-2026-07.json"));
    expect(order.id).toBe("gid://shopify/Order/450789469");
    expect(order.name).toBe("#1001");
    expect(order.customerId).toBe("gid://shopify/Customer/207119551");
    expect(order.currency).toBe("USD");
    expect(order.sourceName).toBe("web");
    expect(order.countryCode).toBe("US");
    expect(order.discountCodes).toEqual(["TENOFF"]);
    expect(order.test).toBe(false);
    expect(order.cancelledAt).toBeNull();
    expect(order.processedAt.toISOString()).toBe("2008-01-10T16:00:00.000Z");
    // Three lines at 199.00 with TENOFF allocated 3.34 / 3.33 / 3.33.
    expect(order.lines).toHaveLength(3);
    expect(order.grossSales).toBe(59700);
    expect(order.discounts).toBe(1000);
    expect(order.netSales).toBe(58700);
    expect(order.taxes).toBe(1194);
    expect(order.totalPrice).toBe(59894);
    expect(order.shippingCharged).toBe(0);
    expect(order.lines[0]).toMatchObject({
      id: "gid://shopify/LineItem/466157049",
      variantId: "gid://shopify/ProductVariant/39072856",
      productId: "gid://shopify/Product/632910392",
      sku: "IPOD2008GREEN",
      quantity: 1,
      unitPrice: 19900,
      discount: 334,
      tax: 398,
      netSales: 19566,
    });
    // The embedded refund: two lines, restocked (legacy_restock), subtotals 195.66 + 195.67.
    expect(order.refunds).toHaveLength(1);
    const [refund] = order.refunds;
    expect(refund.id).toBe("gid://shopify/Refund/509562969");
    expect(refund.orderId).toBe(order.id);
    expect(refund.createdAt.toISOString()).toBe("2025-04-02T16:29:59.000Z");
    expect(refund.lines.map((line) => line.restockType)).toEqual(["legacy_restock", "legacy_restock"]);
    expect(refund.merchandise).toBe(refund.lines[0].subtotal + refund.lines[1].subtotal);
    expect(refund.restockedItems).toBe(2);
    expect(refund.shipping).toBe(0);
  });

  it("reads the cancelled order", () => {
    const order = normalizeOrder(fixture("orders-cancelled.shopify-rest-2026-07.json"));
    expect(order.cancelledAt).not.toBeNull();
    expect(orderNetRevenue(order, order.refunds)).toBe(0);
  });

  it("keeps ids above 2^53 exact in the 2019 test notification", () => {
    const text = fixtureText("orders-create.shopify-test-notification-2019.json");
    expect(text).toContain("820982911946154508");
    const order = normalizeOrder(parseJsonExact(text));
    expect(order.id).toBe("gid://shopify/Order/820982911946154508");
    expect(JSON.parse(text).id).not.toBe(820982911946154508n.toString()); // what plain JSON.parse would do
    expect(order.lines.map((line) => line.id).every((id) => /^gid:\/\/shopify\/LineItem\/\d+$/.test(id))).toBe(true);
    expect(order.shippingCharged).toBe(1000);
    expect(order.cancelledAt).not.toBeNull();
  });

  it("refuses bodies missing what the figures depend on, listing every problem", () => {
    const body = fixture("orders-updated.shopify-rest-2026-07.json");
    const broken = { ...body, total_price_set: undefined, line_items: "nope", updated_at: "yesterday" };
    expect(() => normalizeOrder(broken)).toThrow(PayloadError);
    try {
      normalizeOrder(broken);
    } catch (error) {
      const issues = (error as PayloadError).issues.join("\n");
      expect(issues).toMatch(/total_price_set/);
      expect(issues).toMatch(/line_items/);
      expect(issues).toMatch(/updated_at: not a date/);
    }
    expect(() => normalizeOrder(null)).toThrow(PayloadError);
    expect(() => normalizeOrder([])).toThrow(PayloadError);
  });

  it("refuses a bad amount instead of guessing", () => {
    const body = fixture("orders-updated.shopify-rest-2026-07.json") as { line_items: Record<string, unknown>[] };
    const line = { ...body.line_items[0], price_set: { shop_money: { amount: "19.999", currency_code: "USD" } } };
    expect(() => normalizeOrder({ ...body, line_items: [line] })).toThrow(/bad amount/);
  });

  it("refuses an amount in another currency than the shop's", () => {
    const body = fixture("orders-updated.shopify-rest-2026-07.json") as { line_items: Record<string, unknown>[] };
    const line = { ...body.line_items[0], price_set: { shop_money: { amount: "19.00", currency_code: "EUR" } } };
    expect(() => normalizeOrder({ ...body, line_items: [line] })).toThrow(/Currency mismatch/);
  });
});

describe("normalizeRefund on Shopify's refund bodies", () => {
  const refund = (name: string, taxesIncluded = false) =>
    normalizeRefund(refundSchema.parse(fixture(name)), "USD", taxesIncluded);

  it("reads a no-restock refund dated at its created_at", () => {
    const result = refund("refunds-create.shopify-rest-2026-07.json");
    expect(result.id).toBe("gid://shopify/Refund/929361472");
    expect(result.orderId).toBe("gid://shopify/Order/450789469");
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0].restockType).toBe("no_restock");
    expect(result.restockedItems).toBe(0);
    expect(result.returnedItems).toBe(1);
  });

  it("counts a shipping refund once, not also as its order adjustment", () => {
    const result = refund("refunds-create.shipping-only.shopify-rest-2026-07.json");
    expect(result.lines).toHaveLength(0);
    expect(result.shipping).toBe(500);
    expect(result.adjustments).toBe(0);
    expect(result.merchandise).toBe(0);
  });

  it("removes tax from refunded subtotals in a tax-inclusive store", () => {
    const exclusive = refund("refunds-create.line-items-restock.shopify-rest-2026-07.json", false);
    const inclusive = refund("refunds-create.line-items-restock.shopify-rest-2026-07.json", true);
    const tax = exclusive.lines.reduce((sum, line) => sum + line.tax, 0);
    expect(tax).toBeGreaterThan(0);
    expect(inclusive.merchandise).toBe(exclusive.merchandise - tax);
  });
});
