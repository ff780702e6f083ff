import { describe, expect, it } from "vitest";
import { generateOrders } from "~/demo/generator";
import { parseJsonExact } from "~/domain/ledger/json";
import { normalizeOrder, PayloadError } from "~/domain/ledger/shopify-order";
import type { LedgerOrder } from "~/domain/ledger/types";
import { restOrderToGraphql } from "~/domain/shopify-graphql/from-rest";
import { mapGraphqlOrder, mapGraphqlOrderDetailed } from "~/domain/shopify-graphql/order";
import type { GqlLineItem, GqlOrder } from "~/domain/shopify-graphql/types";
import { fixtureText } from "../../support/fixtures";
import { orderBody } from "../../support/orders";

const usd = (amount: string) => ({ shopMoney: { amount, currencyCode: "USD" } });
const withoutTransactions = ({ transactions: _t, ...order }: LedgerOrder) => order;

// A REST body (test/support/orders.ts) and the same order written by hand as the Admin GraphQL API
// returns it: numeric ids as GIDs, *_set.shop_money as shopMoney, tags as lists, the refund's shipping as
// a RefundShippingLine (its duplicate `shipping_refund` adjustment has no GraphQL counterpart).
const REST = {
  ...orderBody({
    id: 7001, name: "#7001", customerId: 501, customerTags: "vip, newsletter", processedAt: "2026-03-02T10:00:00Z",
    updatedAt: "2026-03-20T09:00:00Z", discountCodes: ["SAVE10"], tax: "5.40", totalPrice: "64.40",
    lines: [
      { id: 81, variantId: 11, productId: 1, title: "Mug", price: "20.00", quantity: 2, discount: "4.00", tax: "3.60" },
      { id: 82, variantId: 12, productId: 2, title: "Card", price: "25.00", giftCard: true },
      { id: 83, variantId: 13, productId: 3, title: "Tea", price: "10.00", tax: "1.80" },
    ],
    shipping: "8.00", shippingDiscount: "3.00",
    refunds: [{ id: 91, createdAt: "2026-03-15T12:00:00Z", shipping: "5.00",
      lines: [{ id: 95, lineItemId: 81, quantity: 1, subtotal: "18.00", tax: "1.80", restockType: "return" }] }],
  }),
  tags: "spring, wholesale ",
  financial_status: "partially_refunded",
  total_tip_received: "2.00",
};

const GRAPHQL: GqlOrder = {
  id: "gid://shopify/Order/7001",
  name: "#7001",
  createdAt: "2026-03-02T10:00:00Z",
  processedAt: "2026-03-02T10:00:00Z",
  updatedAt: "2026-03-20T09:00:00Z",
  cancelledAt: null,
  test: false,
  sourceName: "web",
  currencyCode: "USD",
  taxesIncluded: false,
  displayFinancialStatus: "PARTIALLY_REFUNDED",
  tags: ["spring", "wholesale"],
  discountCodes: ["SAVE10"],
  paymentGatewayNames: ["shopify_payments"],
  customer: { id: "gid://shopify/Customer/501", tags: ["vip", "newsletter"] },
  shippingAddress: { countryCodeV2: "US" },
  billingAddress: null,
  totalPriceSet: usd("64.40"),
  totalTaxSet: usd("5.40"),
  totalTipReceivedSet: usd("2.00"),
  originalTotalDutiesSet: null,
  lineItems: {
    nodes: [
      { id: "gid://shopify/LineItem/81", quantity: 2, currentQuantity: null, requiresShipping: null, isGiftCard: false, sku: "SKU-11", title: "Mug",
        variant: { id: "gid://shopify/ProductVariant/11" }, product: { id: "gid://shopify/Product/1" }, originalUnitPriceSet: usd("20.00"),
        discountAllocations: [{ allocatedAmountSet: usd("4.00") }], taxLines: [{ priceSet: usd("3.60") }] },
      { id: "gid://shopify/LineItem/82", quantity: 1, isGiftCard: true, sku: "SKU-12", title: "Card",
        variant: { id: "gid://shopify/ProductVariant/12" }, product: { id: "gid://shopify/Product/2" }, originalUnitPriceSet: usd("25.00"),
        discountAllocations: [], taxLines: [] },
      { id: "gid://shopify/LineItem/83", quantity: 1, isGiftCard: false, sku: "SKU-13", title: "Tea",
        variant: { id: "gid://shopify/ProductVariant/13" }, product: { id: "gid://shopify/Product/3" }, originalUnitPriceSet: usd("10.00"),
        discountAllocations: [], taxLines: [{ priceSet: usd("1.80") }] },
    ],
    pageInfo: { hasNextPage: false, endCursor: null },
  },
  shippingLines: { edges: [{ node: { originalPriceSet: usd("8.00"), discountAllocations: [{ allocatedAmountSet: usd("3.00") }], taxLines: [], isRemoved: false } }] },
  refunds: [{
    id: "gid://shopify/Refund/91",
    createdAt: "2026-03-15T12:00:00Z",
    refundLineItems: { nodes: [{ id: "gid://shopify/RefundLineItem/95", lineItem: { id: "gid://shopify/LineItem/81" }, quantity: 1,
      restockType: "RETURN", subtotalSet: usd("18.00"), totalTaxSet: usd("1.80") }] },
    refundShippingLines: { nodes: [{ subtotalAmountSet: usd("5.00"), taxAmountSet: usd("0.00") }] },
    orderAdjustments: { nodes: [] },
  }],
};

describe("mapGraphqlOrder", () => {
  it("gives exactly normalizeOrder's LedgerOrder for the same order written by hand in GraphQL", () => {
    const rest = normalizeOrder(JSON.parse(JSON.stringify(REST)));
    const graphql = mapGraphqlOrder(GRAPHQL);
    expect(graphql).toEqual(rest);
    // Spot checks of the arithmetic both share: 2 x 20 - 4 + 10 = 46.00 net sales, shipping 8 - 3.
    expect([graphql.netSales, graphql.discounts, graphql.shippingCharged, graphql.giftCardsSold, graphql.tips]).toEqual([4600, 400, 500, 2500, 200]);
    expect(graphql.refunds[0]).toMatchObject({ merchandise: 1800, shipping: 500, taxes: 180, restockedItems: 1 });
    expect(graphql.customerTags).toBe("vip, newsletter");
    expect(graphql.tags).toEqual(["spring", "wholesale"]);
  });

  it("agrees with normalizeOrder on thousands of generated orders (taxes, refunds, cancellations, gift cards, tips)", () => {
    let compared = 0;
    let refunds = 0;
    for (const body of generateOrders({ orders: 1500, seed: 7 })) {
      const text = JSON.stringify(body);
      const rest = normalizeOrder(parseJsonExact(text));
      const graphql = mapGraphqlOrder(JSON.parse(JSON.stringify(restOrderToGraphql(JSON.parse(text)))));
      expect(graphql).toEqual(rest);
      compared += 1;
      refunds += rest.refunds.length;
    }
    expect(compared).toBe(1500);
    expect(refunds).toBeGreaterThan(100);
  });

  it("agrees with normalizeOrder on a tax-inclusive order in a zero-decimal currency", () => {
    for (const body of generateOrders({ orders: 300, seed: 3, currency: "JPY" })) {
      const rest = normalizeOrder(JSON.parse(JSON.stringify(body)));
      expect(mapGraphqlOrder(restOrderToGraphql({ ...body, taxes_included: true }))).toEqual(normalizeOrder({ ...body, taxes_included: true }));
      expect(mapGraphqlOrder(restOrderToGraphql(body))).toEqual(rest);
    }
  });

  it("reads Shopify's own 2026-07 orders/updated body the same way after conversion", () => {
    const body = parseJsonExact(fixtureText("orders-updated.shopify-rest-2026-07.json")) as Record<string, unknown>;
    const rest = normalizeOrder(body);
    expect(mapGraphqlOrder(restOrderToGraphql(body))).toEqual(rest);
    expect(rest.refunds.length).toBe(1);
  });

  it("maps transactions with Shopify Payments fees in shop money", () => {
    const order = mapGraphqlOrder({
      ...GRAPHQL,
      transactions: [
        { id: "gid://shopify/OrderTransaction/1", kind: "SALE", status: "SUCCESS", gateway: "shopify_payments", amountSet: usd("64.40"),
          processedAt: "2026-03-02T10:00:01Z", fees: [{ amount: { amount: "1.87", currencyCode: "USD" } }, { amount: { amount: "0.30", currencyCode: "USD" } }] },
        { id: "gid://shopify/OrderTransaction/2", kind: "REFUND", status: "SUCCESS", gateway: "paypal", amountSet: usd("19.80"), processedAt: null,
          createdAt: "2026-03-15T12:00:00Z", fees: [] },
        { id: "gid://shopify/OrderTransaction/3", kind: "SALE", status: "FAILURE", gateway: "shopify_payments", amountSet: usd("1.00"),
          processedAt: "2026-03-02T10:00:00Z", fees: [{ amount: { amount: "0.50", currencyCode: "EUR" } }] },
      ],
    });
    expect(order.transactions).toEqual([
      { id: "gid://shopify/OrderTransaction/1", kind: "sale", status: "success", gateway: "shopify_payments", amount: 6440, fee: 217, processedAt: new Date("2026-03-02T10:00:01Z") },
      { id: "gid://shopify/OrderTransaction/2", kind: "refund", status: "success", gateway: "paypal", amount: 1980, fee: null, processedAt: new Date("2026-03-15T12:00:00Z") },
      { id: "gid://shopify/OrderTransaction/3", kind: "sale", status: "failure", gateway: "shopify_payments", amount: 100, fee: null, processedAt: new Date("2026-03-02T10:00:00Z") },
    ]);
    expect(withoutTransactions(order)).toEqual(mapGraphqlOrder(GRAPHQL));
  });

  it("leaves out refunds that came without line items (bulk output) and lists them", () => {
    const { order, incompleteRefunds } = mapGraphqlOrderDetailed({ ...GRAPHQL, refunds: [{ id: "gid://shopify/Refund/91", createdAt: "2026-03-15T12:00:00Z" }] });
    expect(order.refunds).toEqual([]);
    expect(incompleteRefunds).toEqual(["gid://shopify/Refund/91"]);
    expect(() => mapGraphqlOrder({ ...GRAPHQL, refunds: [{ id: "gid://shopify/Refund/91", createdAt: "2026-03-15T12:00:00Z" }] }))
      .toThrow(/refund gid:\/\/shopify\/Refund\/91 has no refundLineItems/);
  });

  it("refuses bodies the figures cannot trust, saying where", () => {
    const bad = (patch: Partial<GqlOrder>) => () => mapGraphqlOrder({ ...GRAPHQL, ...patch });
    expect(bad({ totalTaxSet: { shopMoney: { amount: "5.40", currencyCode: "EUR" } } })).toThrow(/totalTaxSet is in EUR, the shop currency is USD/);
    expect(bad({ id: "gid://shopify/Product/1" })).toThrow(PayloadError);
    expect(bad({ id: "gid://shopify/Product/1" })).toThrow(/id: expected a Order GID/);
    expect(bad({ updatedAt: "yesterday" })).toThrow(/updatedAt: not a date/);
    const mug = (GRAPHQL.lineItems as { nodes: GqlLineItem[] }).nodes[0];
    expect(bad({ lineItems: [{ ...mug, quantity: -1 }] })).toThrow(/lineItems.quantity/);
    expect(bad({ lineItems: [{ ...mug, originalUnitPriceSet: usd("12.3.4") }] })).toThrow(/bad amount/);
    expect(bad({ refunds: [{ ...GRAPHQL.refunds![0], refundLineItems: [{ id: null, lineItem: { id: "gid://shopify/LineItem/81" }, quantity: 1,
      restockType: "RETURN", subtotalSet: usd("1.00"), totalTaxSet: usd("0.00") }] }] })).toThrow(/refundLineItems.id: Required/);
    expect(() => mapGraphqlOrder({ ...GRAPHQL, totalPriceSet: undefined } as unknown as GqlOrder)).toThrow(/totalPriceSet: Required/);
  });
});
