/**
 * REST order body -> the Admin GraphQL `Order` Shopify returns for the same order, and -> the lines of
 * a bulk-operation JSONL file. Used to test the GraphQL mapper against the REST normalizer, to build
 * bulk fixtures, and by the bulk-ingest benchmark (the demo generator emits REST bodies).
 *
 * Rules (the inverse of the field table in ./order.ts): numeric ids become GIDs; `*_set.shop_money`
 * becomes `shopMoney` (a scalar amount without its set is given the order currency); tags strings become
 * lists; a `shipping_refund` order adjustment duplicates the refund's shipping lines and is dropped
 * (without shipping lines it becomes one); other adjustments stay order adjustments.
 */
import type {
  GqlAddress,
  GqlLineItem,
  GqlMoneyBag,
  GqlOrder,
  GqlRefund,
  GqlShippingLine,
  GqlTransaction,
} from "./types";

/* eslint-disable @typescript-eslint/no-explicit-any -- REST bodies are read loosely here on purpose */
type Rest = any;

function isNumericId(value: unknown): boolean {
  return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^[0-9]+$/.test(value));
}

function toGid(type: string, value: unknown, fallback?: unknown): string {
  if (typeof fallback === "string" && fallback.startsWith("gid://")) return fallback.replace(/\?.*$/, "");
  if (typeof value === "string" && value.startsWith("gid://")) return value;
  if (!isNumericId(value)) throw new Error(`Not a numeric id: ${String(value)}`);
  return `gid://shopify/${type}/${String(value)}`;
}

function bag(set: Rest, scalar: unknown, currency: string): GqlMoneyBag {
  if (set?.shop_money) return { shopMoney: { amount: String(set.shop_money.amount), currencyCode: set.shop_money.currency_code } };
  return { shopMoney: { amount: scalar == null ? "0" : String(scalar), currencyCode: currency } };
}

function optionalBag(set: Rest, scalar: unknown, currency: string): GqlMoneyBag | null {
  if (!set?.shop_money && (scalar === undefined || scalar === null)) return null;
  return bag(set, scalar, currency);
}

function splitTags(text: unknown): string[] {
  return typeof text === "string" ? text.split(",").map((tag) => tag.trim()).filter(Boolean) : [];
}

function address(value: Rest): GqlAddress | null {
  return value ? { countryCodeV2: value.country_code ?? null } : null;
}

export interface RestToGraphqlOptions {
  /**
   * Transactions to attach (REST order bodies carry none): "none" (default) leaves `transactions`
   * undefined; "synthetic" adds a sale for the total price (with a 2.9 % + 0.30 fee on
   * shopify_payments, rounded to the minor unit) and the refunds' own transactions.
   */
  transactions?: "none" | "synthetic";
}

function syntheticTransactions(body: Rest, currency: string, digits: number): GqlTransaction[] {
  const out: GqlTransaction[] = [];
  const gateway = body.payment_gateway_names?.[0] ?? "manual";
  const total = String(body.total_price_set?.shop_money?.amount ?? body.total_price ?? "0");
  const scale = 10 ** digits;
  const minor = Math.round(Number(total) * scale);
  const feeMinor = gateway === "shopify_payments" ? Math.round(minor * 0.029) + Math.round(0.3 * scale) : 0;
  out.push({
    id: `gid://shopify/OrderTransaction/${String(body.id)}1`,
    kind: "SALE",
    status: body.financial_status === "voided" ? "FAILURE" : "SUCCESS",
    gateway,
    amountSet: { shopMoney: { amount: total, currencyCode: currency } },
    processedAt: body.processed_at ?? body.created_at,
    fees: gateway === "shopify_payments" ? [{ amount: { amount: (feeMinor / scale).toFixed(digits), currencyCode: currency } }] : [],
  });
  for (const refund of body.refunds ?? []) {
    for (const transaction of refund.transactions ?? []) {
      out.push({
        id: toGid("OrderTransaction", transaction.id, transaction.admin_graphql_api_id),
        kind: String(transaction.kind).toUpperCase(),
        status: String(transaction.status).toUpperCase(),
        gateway: transaction.gateway,
        amountSet: { shopMoney: { amount: String(transaction.amount), currencyCode: currency } },
        processedAt: transaction.processed_at ?? transaction.created_at,
        fees: [],
      });
    }
  }
  return out;
}

function refundOf(refund: Rest, currency: string): GqlRefund {
  const shippingLines = refund.refund_shipping_lines ?? [];
  const adjustments: Rest[] = refund.order_adjustments ?? [];
  const shippingAdjustments = adjustments.filter((a) => a.kind === "shipping_refund");
  const other = adjustments.filter((a) => a.kind !== "shipping_refund");
  const refundShippingLines = shippingLines.length
    ? shippingLines.map((line: Rest) => ({
        subtotalAmountSet: bag(line.subtotal_amount_set, "0", currency),
        taxAmountSet: bag(line.tax_amount_set, "0", currency),
      }))
    : shippingAdjustments.map((a) => ({
        subtotalAmountSet: negateBag(bag(a.amount_set, a.amount, currency)),
        taxAmountSet: negateBag(bag(a.tax_amount_set, a.tax_amount, currency)),
      }));
  return {
    id: toGid("Refund", refund.id, refund.admin_graphql_api_id),
    createdAt: refund.created_at,
    refundLineItems: {
      nodes: (refund.refund_line_items ?? []).map((line: Rest) => ({
        id: toGid("RefundLineItem", line.id),
        lineItem: { id: toGid("LineItem", line.line_item_id, line.line_item?.admin_graphql_api_id) },
        quantity: line.quantity,
        restockType: String(line.restock_type ?? "no_restock").toUpperCase(),
        subtotalSet: bag(line.subtotal_set, line.subtotal, currency),
        totalTaxSet: bag(line.total_tax_set, line.total_tax, currency),
      })),
    },
    refundShippingLines: { nodes: refundShippingLines },
    orderAdjustments: {
      nodes: other.map((a) => ({
        amountSet: bag(a.amount_set, a.amount, currency),
        taxAmountSet: bag(a.tax_amount_set, a.tax_amount, currency),
        reason: "REFUND_DISCREPANCY",
      })),
    },
  };
}

function negateBag(value: GqlMoneyBag): GqlMoneyBag {
  const amount = value.shopMoney.amount.trim();
  const negated = amount.startsWith("-") ? amount.slice(1) : /^0*(\.0*)?$/.test(amount) ? amount : `-${amount}`;
  return { shopMoney: { amount: negated, currencyCode: value.shopMoney.currencyCode } };
}

function lineItemOf(item: Rest, currency: string): GqlLineItem {
  return {
    id: toGid("LineItem", item.id, item.admin_graphql_api_id),
    quantity: item.quantity,
    currentQuantity: item.current_quantity ?? null,
    requiresShipping: item.requires_shipping ?? null,
    isGiftCard: item.gift_card ?? false,
    sku: item.sku ?? null,
    title: item.title ?? item.name ?? null,
    variant: item.variant_id == null ? null : { id: toGid("ProductVariant", item.variant_id) },
    product: item.product_id == null ? null : { id: toGid("Product", item.product_id) },
    originalUnitPriceSet: bag(item.price_set, item.price, currency),
    discountAllocations: (item.discount_allocations ?? []).map((a: Rest) => ({ allocatedAmountSet: bag(a.amount_set, a.amount, currency) })),
    taxLines: (item.tax_lines ?? []).map((t: Rest) => ({ priceSet: bag(t.price_set, t.price, currency) })),
  };
}

function shippingLineOf(line: Rest, currency: string, orderId: unknown, index: number): GqlShippingLine {
  return {
    id: isNumericId(line.id) ? `gid://shopify/ShippingLine/${String(line.id)}` : `gid://shopify/ShippingLine/${String(orderId)}${index}`,
    originalPriceSet: bag(line.price_set, line.price, currency),
    discountAllocations: (line.discount_allocations ?? []).map((a: Rest) => ({ allocatedAmountSet: bag(a.amount_set, a.amount, currency) })),
    taxLines: (line.tax_lines ?? []).map((t: Rest) => ({ priceSet: bag(t.price_set, t.price, currency) })),
    isRemoved: line.is_removed ?? false,
  };
}

/** The GraphQL Order of a REST order body, connections as `{ nodes }` (a normal query's shape). */
export function restOrderToGraphql(body: Rest, options: RestToGraphqlOptions = {}): GqlOrder {
  const currency: string = body.total_price_set?.shop_money?.currency_code ?? body.currency;
  const digits = currency === "JPY" || currency === "KRW" ? 0 : 2;
  const order: GqlOrder = {
    id: toGid("Order", body.id, body.admin_graphql_api_id),
    name: body.name,
    createdAt: body.created_at,
    processedAt: body.processed_at ?? null,
    updatedAt: body.updated_at,
    cancelledAt: body.cancelled_at ?? null,
    test: body.test ?? false,
    sourceName: body.source_name ?? null,
    currencyCode: currency,
    taxesIncluded: body.taxes_included ?? false,
    displayFinancialStatus: body.financial_status ? String(body.financial_status).toUpperCase() : null,
    tags: splitTags(body.tags),
    customer: body.customer
      ? {
          id: toGid("Customer", body.customer.id, body.customer.admin_graphql_api_id),
          tags: splitTags(body.customer.tags),
          defaultAddress: address(body.customer.default_address),
        }
      : null,
    shippingAddress: address(body.shipping_address),
    billingAddress: address(body.billing_address),
    discountCodes: (body.discount_codes ?? []).map((code: Rest) => code.code),
    paymentGatewayNames: body.payment_gateway_names ?? [],
    totalPriceSet: bag(body.total_price_set, body.total_price, currency),
    totalTaxSet: optionalBag(body.total_tax_set, body.total_tax, currency),
    totalTipReceivedSet: optionalBag(undefined, body.total_tip_received, currency),
    originalTotalDutiesSet: optionalBag(body.original_total_duties_set ?? body.current_total_duties_set, undefined, currency),
    lineItems: { nodes: (body.line_items ?? []).map((item: Rest) => lineItemOf(item, currency)) },
    shippingLines: { nodes: (body.shipping_lines ?? []).map((line: Rest, index: number) => shippingLineOf(line, currency, body.id, index)) },
    refunds: (body.refunds ?? []).map((refund: Rest) => refundOf(refund, currency)),
  };
  if (options.transactions === "synthetic") order.transactions = syntheticTransactions(body, currency, digits);
  return order;
}

export interface BulkLinesOptions extends RestToGraphqlOptions {
  /**
   * "ids": refunds carry only id and createdAt, as a real bulk operation returns them (their line items
   * are a connection inside a list, which bulk operations reject). "full" (default): refunds carry
   * their line items, shipping lines and adjustments inline, as the second, paginated pass reads them.
   */
  refunds?: "ids" | "full";
}

/**
 * The JSONL records of one order as a bulk operation writes them: the order (lists such as refunds
 * and transactions inline), then one record per line item and shipping line with `__parentId`.
 */
export function restOrderToBulkRecords(body: Rest, options: BulkLinesOptions = {}): Record<string, unknown>[] {
  const order = restOrderToGraphql(body, options);
  const { lineItems, shippingLines, ...root } = order;
  const refunds = options.refunds === "ids" ? (order.refunds ?? []).map((refund) => ({ id: refund.id, createdAt: refund.createdAt })) : order.refunds;
  const records: Record<string, unknown>[] = [{ ...root, refunds }];
  const items = "nodes" in lineItems ? lineItems.nodes : [];
  for (const item of items) records.push({ ...item, __parentId: order.id });
  const ships = shippingLines && "nodes" in shippingLines ? shippingLines.nodes : [];
  for (const line of ships) records.push({ ...line, __parentId: order.id });
  return records;
}
