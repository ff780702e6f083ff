/**
 * Turns a Shopify REST order body (the orders/* webhook payload) into a LedgerOrder.
 * Validation is strict about what the figures depend on and lenient about everything else,
 * so a body Shopify extends with new fields still parses, but a body missing money or ids is refused.
 */
import { z } from "zod";
import { currencyDigits, MoneyParseError, parseMoney } from "../money/money";
import { normalizeGid } from "./gid";
import type { LedgerLine, LedgerOrder, LedgerRefund, LedgerRefundLine, RestockType } from "./types";

export class PayloadError extends Error {
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(issues.length ? `${message}: ${issues.join("; ")}` : message);
    this.name = "PayloadError";
  }
}

const id = z.union([z.number().int().nonnegative(), z.string().regex(/^[0-9]+$/)]);
const amount = z.union([z.string(), z.number()]);
const moneySet = z.object({
  shop_money: z.object({ amount, currency_code: z.string() }),
});
const isoDate = z.string().refine((value) => !Number.isNaN(Date.parse(value)), "not a date");
const taxLine = z.object({ price_set: moneySet.optional(), price: amount.optional() });
const allocation = z.object({ amount_set: moneySet.optional(), amount: amount.optional() });
const address = z.object({ country_code: z.string().nullish() }).passthrough().nullish();

const lineItemSchema = z.object({
  id,
  admin_graphql_api_id: z.string().optional(),
  product_id: id.nullish(),
  variant_id: id.nullish(),
  sku: z.string().nullish(),
  title: z.string().nullish(),
  name: z.string().nullish(),
  quantity: z.number().int().nonnegative(),
  current_quantity: z.number().int().nonnegative().nullish(),
  requires_shipping: z.boolean().nullish(),
  price: amount.optional(),
  price_set: moneySet.optional(),
  gift_card: z.boolean().optional().default(false),
  tax_lines: z.array(taxLine).optional().default([]),
  discount_allocations: z.array(allocation).optional().default([]),
});

const refundLineSchema = z.object({
  id,
  line_item_id: id,
  line_item: z.object({ admin_graphql_api_id: z.string().optional() }).passthrough().nullish(),
  quantity: z.number().int().nonnegative(),
  restock_type: z.string().nullish(),
  subtotal: amount.optional(),
  subtotal_set: moneySet.optional(),
  total_tax: amount.optional(),
  total_tax_set: moneySet.optional(),
});

const orderAdjustmentSchema = z.object({
  kind: z.string().nullish(),
  amount: amount.optional(),
  amount_set: moneySet.optional(),
  tax_amount: amount.optional(),
  tax_amount_set: moneySet.optional(),
});

export const refundSchema = z.object({
  id,
  admin_graphql_api_id: z.string().optional(),
  order_id: id.optional(), // absent on refunds embedded in a bulk-operation order
  created_at: isoDate,
  refund_line_items: z.array(refundLineSchema).optional().default([]),
  refund_shipping_lines: z
    .array(z.object({ subtotal_amount_set: moneySet.optional(), tax_amount_set: moneySet.optional() }))
    .optional()
    .default([]),
  order_adjustments: z.array(orderAdjustmentSchema).optional().default([]),
});

const shippingLineSchema = z.object({
  price: amount.optional(),
  price_set: moneySet.optional(),
  is_removed: z.boolean().optional(),
  tax_lines: z.array(taxLine).optional().default([]),
  discount_allocations: z.array(allocation).optional().default([]),
});

export const orderSchema = z.object({
  id,
  admin_graphql_api_id: z.string().optional(),
  name: z.string(),
  currency: z.string().length(3),
  created_at: isoDate,
  processed_at: isoDate.nullish(),
  updated_at: isoDate,
  cancelled_at: isoDate.nullish(),
  test: z.boolean().optional().default(false),
  source_name: z.string().nullish(),
  financial_status: z.string().nullish(),
  taxes_included: z.boolean().optional().default(false),
  tags: z.string().nullish(),
  payment_gateway_names: z.array(z.string()).nullish(),
  discount_codes: z.array(z.object({ code: z.string() }).passthrough()).optional().default([]),
  total_tax_set: moneySet.optional(),
  total_tax: amount.optional(),
  total_price_set: moneySet,
  total_tip_received: amount.nullish(),
  original_total_duties_set: moneySet.nullish(),
  current_total_duties_set: moneySet.nullish(),
  shipping_address: address,
  billing_address: address,
  customer: z
    .object({
      id,
      admin_graphql_api_id: z.string().optional(),
      tags: z.string().nullish(),
      default_address: address,
    })
    .passthrough()
    .nullish(),
  line_items: z.array(lineItemSchema),
  shipping_lines: z.array(shippingLineSchema).optional().default([]),
  refunds: z.array(refundSchema).optional().default([]),
});

export type ShopifyOrderBody = z.infer<typeof orderSchema>;
export type ShopifyRefundBody = z.infer<typeof refundSchema>;

/** Reads a money field, preferring the shop-currency `*_set` over the legacy scalar. */
function money(set: z.infer<typeof moneySet> | null | undefined, scalar: unknown, digits: number,
  shopCurrency: string, field: string): number {
  if (set) {
    if (set.shop_money.currency_code !== shopCurrency) {
      throw new PayloadError("Currency mismatch", [
        `${field} is in ${set.shop_money.currency_code}, the shop currency is ${shopCurrency}`,
      ]);
    }
    return parseMoney(set.shop_money.amount, digits);
  }
  if (scalar === undefined || scalar === null) return 0;
  return parseMoney(scalar as string | number, digits);
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

/** Negation that never produces -0 (which would leak into equality checks and JSON as "-0"). */
function negate(value: number): number {
  return value === 0 ? 0 : -value;
}

const RESTOCK_TYPES: RestockType[] = ["no_restock", "cancel", "return", "legacy_restock"];

/** A refund body (refunds/create, or embedded in an order) in the ledger's terms. */
export function normalizeRefund(body: ShopifyRefundBody, shopCurrency: string, taxesIncluded: boolean,
  orderId?: string): LedgerRefund {
  const owner = body.order_id !== undefined ? normalizeGid(body.order_id, "Order") : orderId;
  if (!owner) throw new PayloadError("Refund payload failed validation", ["order_id: Required"]);
  const digits = currencyDigits(shopCurrency);
  const m = (set: z.infer<typeof moneySet> | undefined, scalar: unknown, field: string) =>
    money(set, scalar, digits, shopCurrency, field);
  const refundId = normalizeGid(body.admin_graphql_api_id ?? body.id, "Refund");
  const lines: LedgerRefundLine[] = body.refund_line_items.map((line) => {
    const tax = m(line.total_tax_set, line.total_tax, "refund_line_items.total_tax");
    const reported = m(line.subtotal_set, line.subtotal, "refund_line_items.subtotal");
    const restockType = (RESTOCK_TYPES as string[]).includes(line.restock_type ?? "")
      ? (line.restock_type as RestockType)
      : "no_restock";
    return {
      id: normalizeGid(line.id, "RefundLineItem"),
      lineItemId: normalizeGid(line.line_item?.admin_graphql_api_id ?? line.line_item_id, "LineItem"),
      quantity: line.quantity,
      restockType,
      // Refund subtotals follow the line price: tax-inclusive in tax-inclusive stores.
      subtotal: taxesIncluded ? reported - tax : reported,
      tax,
    };
  });
  const shippingFromLines = sum(body.refund_shipping_lines, (line) =>
    m(line.subtotal_amount_set, undefined, "refund_shipping_lines.subtotal_amount"));
  const shippingTaxFromLines = sum(body.refund_shipping_lines, (line) =>
    m(line.tax_amount_set, undefined, "refund_shipping_lines.tax_amount"));
  // Shopify records a shipping refund both as a refund shipping line and as a `shipping_refund`
  // order adjustment; the adjustment is only used when the body has no shipping lines.
  const shippingAdjustments = body.order_adjustments.filter((a) => a.kind === "shipping_refund");
  const otherAdjustments = body.order_adjustments.filter((a) => a.kind !== "shipping_refund");
  const shipping = body.refund_shipping_lines.length
    ? shippingFromLines
    : negate(sum(shippingAdjustments, (a) => m(a.amount_set, a.amount, "order_adjustments.amount")));
  const shippingTax = body.refund_shipping_lines.length
    ? shippingTaxFromLines
    : negate(sum(shippingAdjustments, (a) => m(a.tax_amount_set, a.tax_amount, "order_adjustments.tax_amount")));
  const adjustments = negate(sum(otherAdjustments, (a) => m(a.amount_set, a.amount, "order_adjustments.amount")));
  const adjustmentTax = negate(sum(otherAdjustments, (a) => m(a.tax_amount_set, a.tax_amount, "order_adjustments.tax_amount")));
  return {
    id: refundId,
    orderId: owner,
    createdAt: new Date(body.created_at),
    merchandise: sum(lines, (line) => line.subtotal),
    shipping: taxesIncluded ? shipping - shippingTax : shipping,
    adjustments,
    taxes: sum(lines, (line) => line.tax) + shippingTax + adjustmentTax,
    restockedItems: sum(lines.filter((line) => line.restockType !== "no_restock"), (line) => line.quantity),
    returnedItems: sum(lines, (line) => line.quantity),
    lines,
  };
}

function countryOf(body: ShopifyOrderBody): string | null {
  return (
    body.shipping_address?.country_code ??
    body.billing_address?.country_code ??
    body.customer?.default_address?.country_code ??
    null
  );
}

function splitList(text: string | null | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
}

/** Validates an order body and converts it; throws PayloadError with every problem found. */
export function normalizeOrder(raw: unknown): LedgerOrder {
  const parsed = orderSchema.safeParse(raw);
  if (!parsed.success) {
    throw new PayloadError(
      "Order payload failed validation",
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
    );
  }
  const body = parsed.data;
  const shopCurrency = body.total_price_set.shop_money.currency_code;
  try {
    return buildOrder(body, shopCurrency);
  } catch (error) {
    if (error instanceof MoneyParseError) throw new PayloadError("Order payload has a bad amount", [error.message]);
    throw error;
  }
}

function buildOrder(body: ShopifyOrderBody, shopCurrency: string): LedgerOrder {
  const digits = currencyDigits(shopCurrency);
  const m = (set: z.infer<typeof moneySet> | null | undefined, scalar: unknown, field: string) =>
    money(set, scalar, digits, shopCurrency, field);
  const orderId = normalizeGid(body.admin_graphql_api_id ?? body.id, "Order");

  const lines: LedgerLine[] = body.line_items.map((item) => {
    const unitPrice = m(item.price_set, item.price, "line_items.price");
    const discount = sum(item.discount_allocations, (a) => m(a.amount_set, a.amount, "discount_allocations.amount"));
    const tax = sum(item.tax_lines, (t) => m(t.price_set, t.price, "line_items.tax_lines.price"));
    const excludingTax = unitPrice * item.quantity - discount - (body.taxes_included ? tax : 0);
    return {
      id: normalizeGid(item.admin_graphql_api_id ?? item.id, "LineItem"),
      productId: item.product_id == null ? null : normalizeGid(item.product_id, "Product"),
      variantId: item.variant_id == null ? null : normalizeGid(item.variant_id, "ProductVariant"),
      sku: item.sku || null,
      title: item.title ?? item.name ?? "",
      quantity: item.quantity,
      currentQuantity: item.current_quantity ?? item.quantity,
      requiresShipping: item.requires_shipping ?? !item.gift_card,
      unitPrice,
      discount,
      tax,
      giftCard: item.gift_card,
      netSales: item.gift_card ? 0 : excludingTax,
    };
  });
  const merchandise = lines.filter((line) => !line.giftCard);
  const giftCards = lines.filter((line) => line.giftCard);
  const netSales = sum(merchandise, (line) => line.netSales);
  const discounts = sum(merchandise, (line) => line.discount);

  const shippingLines = body.shipping_lines.filter((line) => !line.is_removed);
  const shippingCharged = sum(shippingLines, (line) => {
    const price = m(line.price_set, line.price, "shipping_lines.price");
    const discount = sum(line.discount_allocations, (a) => m(a.amount_set, a.amount, "shipping_lines.discount"));
    const tax = sum(line.tax_lines, (t) => m(t.price_set, t.price, "shipping_lines.tax_lines.price"));
    return price - discount - (body.taxes_included ? tax : 0);
  });

  const refunds = body.refunds.map((refund) =>
    normalizeRefund(refund, shopCurrency, body.taxes_included, orderId));
  for (const refund of refunds) {
    if (refund.orderId !== orderId) {
      throw new PayloadError("Order payload is inconsistent", [`refund ${refund.id} belongs to ${refund.orderId}`]);
    }
  }

  const customerId = body.customer
    ? normalizeGid(body.customer.admin_graphql_api_id ?? body.customer.id, "Customer")
    : null;

  return {
    id: orderId,
    name: body.name,
    customerId,
    customerTags: body.customer ? (body.customer.tags ?? "") : null,
    createdAt: new Date(body.created_at),
    processedAt: new Date(body.processed_at ?? body.created_at),
    sourceUpdatedAt: new Date(body.updated_at),
    cancelledAt: body.cancelled_at ? new Date(body.cancelled_at) : null,
    test: body.test,
    currency: shopCurrency,
    sourceName: body.source_name || "unknown",
    countryCode: countryOf(body),
    financialStatus: body.financial_status ?? null,
    taxesIncluded: body.taxes_included,
    gateways: body.payment_gateway_names ?? [],
    tags: splitList(body.tags),
    discountCodes: body.discount_codes.map((code) => code.code),
    grossSales: netSales + discounts,
    discounts,
    netSales,
    shippingCharged,
    taxes: m(body.total_tax_set, body.total_tax, "total_tax"),
    duties: m(body.original_total_duties_set ?? body.current_total_duties_set, null, "total_duties"),
    tips: m(null, body.total_tip_received, "total_tip_received"),
    giftCardsSold: sum(giftCards, (line) => line.unitPrice * line.quantity - line.discount),
    totalPrice: m(body.total_price_set, null, "total_price"),
    itemCount: sum(merchandise, (line) => line.quantity),
    lines,
    refunds,
  };
}
