/**
 * Hand-built Shopify REST order bodies for tests: small enough to compute every figure by hand.
 * Amounts are given as decimal strings, exactly as Shopify sends them.
 */
export interface LineInput {
  id: number;
  variantId?: number;
  productId?: number;
  title?: string;
  price: string;
  quantity?: number;
  discount?: string;
  tax?: string;
  giftCard?: boolean;
}

export interface RefundInput {
  id: number;
  createdAt: string;
  lines?: { id: number; lineItemId: number; quantity: number; subtotal: string; tax?: string; restockType?: string }[];
  shipping?: string;
}

export interface OrderInput {
  id: number;
  name?: string;
  customerId?: number | null;
  customerTags?: string;
  processedAt: string;
  updatedAt?: string;
  cancelledAt?: string | null;
  test?: boolean;
  currency?: string;
  sourceName?: string;
  country?: string | null;
  taxesIncluded?: boolean;
  discountCodes?: string[];
  lines: LineInput[];
  shipping?: string;
  shippingDiscount?: string;
  tax?: string;
  totalPrice?: string;
  refunds?: RefundInput[];
}

const set = (amount: string, currency: string) => ({
  shop_money: { amount, currency_code: currency },
  presentment_money: { amount, currency_code: currency },
});

export function orderBody(input: OrderInput): Record<string, unknown> {
  const currency = input.currency ?? "USD";
  const money = (amount: string) => set(amount, currency);
  const country = input.country === undefined ? "US" : input.country;
  return {
    id: input.id,
    admin_graphql_api_id: `gid://shopify/Order/${input.id}`,
    name: input.name ?? `#${1000 + (input.id % 100000)}`,
    currency,
    presentment_currency: currency,
    created_at: input.processedAt,
    processed_at: input.processedAt,
    updated_at: input.updatedAt ?? input.processedAt,
    cancelled_at: input.cancelledAt ?? null,
    test: input.test ?? false,
    source_name: input.sourceName ?? "web",
    financial_status: "paid",
    taxes_included: input.taxesIncluded ?? false,
    tags: "",
    payment_gateway_names: ["shopify_payments"],
    discount_codes: (input.discountCodes ?? []).map((code) => ({ code, amount: "0.00", type: "percentage" })),
    total_price_set: money(input.totalPrice ?? "0.00"),
    total_tax_set: money(input.tax ?? "0.00"),
    total_tip_received: "0.00",
    shipping_address: country ? { country_code: country } : null,
    billing_address: null,
    customer:
      input.customerId == null
        ? null
        : {
            id: input.customerId,
            admin_graphql_api_id: `gid://shopify/Customer/${input.customerId}`,
            tags: input.customerTags ?? "",
          },
    line_items: input.lines.map((line) => ({
      id: line.id,
      admin_graphql_api_id: `gid://shopify/LineItem/${line.id}`,
      product_id: line.productId ?? 1,
      variant_id: line.variantId ?? 1,
      sku: `SKU-${line.variantId ?? 1}`,
      title: line.title ?? "Product",
      quantity: line.quantity ?? 1,
      price: line.price,
      price_set: money(line.price),
      gift_card: line.giftCard ?? false,
      tax_lines: line.tax ? [{ price: line.tax, price_set: money(line.tax), rate: 0.1, title: "Tax" }] : [],
      discount_allocations: line.discount ? [{ amount: line.discount, amount_set: money(line.discount) }] : [],
    })),
    shipping_lines: input.shipping
      ? [
          {
            price: input.shipping,
            price_set: money(input.shipping),
            tax_lines: [],
            discount_allocations: input.shippingDiscount
              ? [{ amount: input.shippingDiscount, amount_set: money(input.shippingDiscount) }]
              : [],
          },
        ]
      : [],
    refunds: (input.refunds ?? []).map((refund) => ({
      id: refund.id,
      admin_graphql_api_id: `gid://shopify/Refund/${refund.id}`,
      order_id: input.id,
      created_at: refund.createdAt,
      refund_line_items: (refund.lines ?? []).map((line) => ({
        id: line.id,
        line_item_id: line.lineItemId,
        quantity: line.quantity,
        restock_type: line.restockType ?? "no_restock",
        subtotal_set: money(line.subtotal),
        total_tax_set: money(line.tax ?? "0.00"),
      })),
      refund_shipping_lines: refund.shipping
        ? [{ subtotal_amount_set: money(refund.shipping), tax_amount_set: money("0.00") }]
        : [],
      order_adjustments: refund.shipping
        ? [{ kind: "shipping_refund", amount: `-${refund.shipping}`, amount_set: money(`-${refund.shipping}`), tax_amount: "0.00" }]
        : [],
      transactions: [],
    })),
  };
}
