/**
 * Admin GraphQL `Order` (API 2026-07) -> LedgerOrder, with exactly the arithmetic of the REST
 * normalizer (app/domain/ledger/shopify-order.ts): for the same order, `mapGraphqlOrder` and
 * `normalizeOrder` give equal LedgerOrders (test/sync/backfill/graphql-mapper.test.ts checks it on
 * hand-built bodies and on thousands of generated ones).
 *
 * Field sources (GraphQL -> REST equivalent):
 *   currencyCode -> currency; totalPriceSet/totalTaxSet/originalTotalDutiesSet -> *_set;
 *   totalTipReceivedSet -> total_tip_received; displayFinancialStatus (lower-cased) -> financial_status;
 *   tags / customer.tags (lists, joined with ", ") -> tags strings; discountCodes -> discount_codes[].code;
 *   shippingAddress/billingAddress/customer.defaultAddress .countryCodeV2 -> country_code (in that order);
 *   LineItem.originalUnitPriceSet -> price_set; isGiftCard -> gift_card; currentQuantity -> current_quantity;
 *   DiscountAllocation.allocatedAmountSet -> amount_set; TaxLine.priceSet -> price_set;
 *   ShippingLine.originalPriceSet -> price_set; isRemoved -> is_removed;
 *   RefundLineItem.subtotalSet/totalTaxSet/restockType (lower-cased) -> subtotal_set/total_tax_set/restock_type;
 *   RefundShippingLine.subtotalAmountSet/taxAmountSet -> the same; OrderAdjustment -> a non-shipping
 *   order adjustment (2026-07 has no `kind`: shipping refunds are RefundShippingLines).
 *
 * One deliberate difference: GraphQL carries the order's transactions (with Shopify Payments fees),
 * which order webhooks do not. Only the country code of an address is read (level-1 data).
 *
 * Validation is hand-written (no zod): the backfill maps a million orders and zod's parse alone costs
 * ~100 µs an order here. Anything the figures depend on is checked; a bad body throws PayloadError.
 */
import { PayloadError } from "../ledger/shopify-order";
import { normalizeGid, type GidType } from "../ledger/gid";
import type { LedgerLine, LedgerOrder, LedgerRefund, LedgerRefundLine, LedgerTransaction, RestockType } from "../ledger/types";
import { currencyDigits, MoneyParseError, parseMoney } from "../money/money";
import type {
  GqlConnection,
  GqlMoneyBag,
  GqlOrder,
  GqlOrderAdjustment,
  GqlRefund,
  GqlRefundLineItem,
  GqlRefundShippingLine,
  GqlShippingLine,
  GqlTransaction,
} from "./types";

/** The items of a connection in any of its three shapes (array, nodes, edges); [] when absent. */
export function connectionItems<T>(connection: GqlConnection<T> | null | undefined): T[] {
  if (connection == null) return [];
  if (Array.isArray(connection)) return connection;
  if ("nodes" in connection && Array.isArray(connection.nodes)) return connection.nodes;
  if ("edges" in connection && Array.isArray(connection.edges)) return connection.edges.map((edge) => edge.node);
  throw new PayloadError("Order payload failed validation", ["connection: expected an array, nodes or edges"]);
}

function fail(path: string, message: string): never {
  throw new PayloadError("Order payload failed validation", [`${path}: ${message}`]);
}

/** The instant (epoch ms) a date string names; NaN when it is not a date. Each is parsed once. */
function instantOf(value: unknown): number {
  return typeof value === "string" ? Date.parse(value) : Number.NaN;
}

function requireInstant(value: unknown, path: string): number {
  const instant = instantOf(value);
  if (Number.isNaN(instant)) fail(path, "not a date");
  return instant;
}

function requireCount(value: unknown, path: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) fail(path, "expected a non-negative integer");
  return value;
}

function gid(value: unknown, type: GidType, path: string): string {
  if (typeof value !== "string") fail(path, `expected a ${type} GID`);
  try {
    return normalizeGid(value, type);
  } catch {
    return fail(path, `expected a ${type} GID, got ${value}`);
  }
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

function negate(value: number): number {
  return value === 0 ? 0 : -value;
}

const RESTOCK_TYPES: RestockType[] = ["no_restock", "cancel", "return", "legacy_restock"];

class MoneyReader {
  readonly digits: number;
  constructor(readonly currency: string) {
    this.digits = currencyDigits(currency);
  }

  /** Shop-currency minor units of a MoneyBag; a missing optional bag is 0. */
  bag(bag: GqlMoneyBag | null | undefined, path: string, required = false): number {
    if (bag == null) {
      if (required) fail(path, "Required");
      return 0;
    }
    const shop = bag.shopMoney;
    if (!shop || (typeof shop.amount !== "string" && typeof shop.amount !== "number")) fail(path, "expected shopMoney.amount");
    if (shop.currencyCode !== this.currency) {
      throw new PayloadError("Currency mismatch", [`${path} is in ${shop.currencyCode}, the shop currency is ${this.currency}`]);
    }
    return parseMoney(shop.amount, this.digits);
  }
}

/** A refund in the ledger's terms; `refund.refundLineItems` must be present (see isRefundComplete). */
export function mapGraphqlRefund(refund: GqlRefund, shopCurrency: string, taxesIncluded: boolean, orderId: string): LedgerRefund {
  const m = new MoneyReader(shopCurrency);
  const refundId = gid(refund.id, "Refund", "refunds.id");
  const createdAt = requireInstant(refund.createdAt, "refunds.createdAt");
  const lines: LedgerRefundLine[] = connectionItems<GqlRefundLineItem>(refund.refundLineItems).map((line) => {
    if (line.id == null) fail("refunds.refundLineItems.id", "Required (the ledger keys refund lines on it)");
    const tax = m.bag(line.totalTaxSet, "refundLineItems.totalTaxSet");
    const reported = m.bag(line.subtotalSet, "refundLineItems.subtotalSet");
    const lower = typeof line.restockType === "string" ? line.restockType.toLowerCase() : "";
    return {
      id: gid(line.id, "RefundLineItem", "refunds.refundLineItems.id"),
      lineItemId: gid(line.lineItem?.id, "LineItem", "refunds.refundLineItems.lineItem.id"),
      quantity: requireCount(line.quantity, "refunds.refundLineItems.quantity"),
      restockType: (RESTOCK_TYPES as string[]).includes(lower) ? (lower as RestockType) : "no_restock",
      subtotal: taxesIncluded ? reported - tax : reported,
      tax,
    };
  });
  const shippingLines = connectionItems<GqlRefundShippingLine>(refund.refundShippingLines);
  const adjustments = connectionItems<GqlOrderAdjustment>(refund.orderAdjustments);
  const shipping = sum(shippingLines, (line) => m.bag(line.subtotalAmountSet, "refundShippingLines.subtotalAmountSet"));
  const shippingTax = sum(shippingLines, (line) => m.bag(line.taxAmountSet, "refundShippingLines.taxAmountSet"));
  const adjusted = negate(sum(adjustments, (a) => m.bag(a.amountSet, "orderAdjustments.amountSet")));
  const adjustmentTax = negate(sum(adjustments, (a) => m.bag(a.taxAmountSet, "orderAdjustments.taxAmountSet")));
  return {
    id: refundId,
    orderId,
    createdAt: new Date(createdAt),
    merchandise: sum(lines, (line) => line.subtotal),
    shipping: taxesIncluded ? shipping - shippingTax : shipping,
    adjustments: adjusted,
    taxes: sum(lines, (line) => line.tax) + shippingTax + adjustmentTax,
    restockedItems: sum(lines.filter((line) => line.restockType !== "no_restock"), (line) => line.quantity),
    returnedItems: sum(lines, (line) => line.quantity),
    lines,
  };
}

/** Whether a refund carries its line items (bulk-operation output does not: they need a second read). */
export function isRefundComplete(refund: GqlRefund): boolean {
  return refund.refundLineItems !== undefined;
}

function mapTransaction(transaction: GqlTransaction, m: MoneyReader, fallbackAt: number): LedgerTransaction {
  // When it was processed, else created, else the order's processedAt.
  let at = instantOf(transaction.processedAt);
  if (Number.isNaN(at)) at = instantOf(transaction.createdAt);
  if (Number.isNaN(at)) at = fallbackAt;
  const fees = transaction.fees ?? [];
  // A fee in another currency than the shop's cannot be added to shop money: it is left unknown.
  const feeKnown = fees.length > 0 && fees.every((fee) => fee.amount?.currencyCode === m.currency);
  return {
    id: gid(transaction.id, "OrderTransaction", "transactions.id"),
    kind: String(transaction.kind ?? "").toLowerCase(),
    status: String(transaction.status ?? "").toLowerCase(),
    gateway: transaction.gateway ?? "",
    amount: m.bag(transaction.amountSet, "transactions.amountSet", true),
    fee: feeKnown ? sum(fees, (fee) => parseMoney(fee.amount.amount, m.digits)) : null,
    processedAt: new Date(at),
  };
}

export interface MappedOrder {
  order: LedgerOrder;
  /** Refunds that came without their line items (bulk output): left out of `order.refunds`. */
  incompleteRefunds: string[];
}

/** Maps an order; refunds without line items are left out and listed (they need a second read). */
export function mapGraphqlOrderDetailed(node: GqlOrder): MappedOrder {
  if (node == null || typeof node !== "object") fail("(root)", "expected an object");
  if (typeof node.currencyCode !== "string" || node.currencyCode.length !== 3) fail("currencyCode", "expected a 3-letter code");
  if (!node.totalPriceSet?.shopMoney) fail("totalPriceSet", "Required");
  try {
    return buildOrder(node, node.totalPriceSet.shopMoney.currencyCode);
  } catch (error) {
    if (error instanceof MoneyParseError) throw new PayloadError("Order payload has a bad amount", [error.message]);
    throw error;
  }
}

/** Maps an order whose refunds are complete (an Admin API read); throws if one is not. */
export function mapGraphqlOrder(node: GqlOrder): LedgerOrder {
  const { order, incompleteRefunds } = mapGraphqlOrderDetailed(node);
  if (incompleteRefunds.length) {
    throw new PayloadError("Order payload is incomplete", incompleteRefunds.map((id) => `refund ${id} has no refundLineItems`));
  }
  return order;
}

function buildOrder(node: GqlOrder, shopCurrency: string): MappedOrder {
  const m = new MoneyReader(shopCurrency);
  const orderId = gid(node.id, "Order", "id");
  if (typeof node.name !== "string") fail("name", "Required");
  const createdAt = requireInstant(node.createdAt, "createdAt");
  const updatedAt = requireInstant(node.updatedAt, "updatedAt");
  const processedAt = node.processedAt != null ? requireInstant(node.processedAt, "processedAt") : createdAt;
  const cancelledAt = node.cancelledAt != null ? requireInstant(node.cancelledAt, "cancelledAt") : null;
  const taxesIncluded = node.taxesIncluded ?? false;

  const lines: LedgerLine[] = connectionItems(node.lineItems).map((item) => {
    const quantity = requireCount(item.quantity, "lineItems.quantity");
    if (item.currentQuantity != null) requireCount(item.currentQuantity, "lineItems.currentQuantity");
    const giftCard = item.isGiftCard ?? false;
    const unitPrice = m.bag(item.originalUnitPriceSet, "lineItems.originalUnitPriceSet");
    const discount = sum(item.discountAllocations ?? [], (a) => m.bag(a.allocatedAmountSet, "lineItems.discountAllocations.allocatedAmountSet"));
    const tax = sum(item.taxLines ?? [], (t) => m.bag(t.priceSet, "lineItems.taxLines.priceSet"));
    const excludingTax = unitPrice * quantity - discount - (taxesIncluded ? tax : 0);
    return {
      id: gid(item.id, "LineItem", "lineItems.id"),
      productId: item.product == null ? null : gid(item.product.id, "Product", "lineItems.product.id"),
      variantId: item.variant == null ? null : gid(item.variant.id, "ProductVariant", "lineItems.variant.id"),
      sku: item.sku || null,
      title: item.title ?? item.name ?? "",
      quantity,
      currentQuantity: item.currentQuantity ?? quantity,
      requiresShipping: item.requiresShipping ?? !giftCard,
      unitPrice,
      discount,
      tax,
      giftCard,
      netSales: giftCard ? 0 : excludingTax,
    };
  });
  const merchandise = lines.filter((line) => !line.giftCard);
  const giftCards = lines.filter((line) => line.giftCard);
  const netSales = sum(merchandise, (line) => line.netSales);
  const discounts = sum(merchandise, (line) => line.discount);

  const shippingLines = connectionItems<GqlShippingLine>(node.shippingLines).filter((line) => !line.isRemoved);
  const shippingCharged = sum(shippingLines, (line) => {
    const price = m.bag(line.originalPriceSet, "shippingLines.originalPriceSet");
    const discount = sum(line.discountAllocations ?? [], (a) => m.bag(a.allocatedAmountSet, "shippingLines.discountAllocations"));
    const tax = sum(line.taxLines ?? [], (t) => m.bag(t.priceSet, "shippingLines.taxLines.priceSet"));
    return price - discount - (taxesIncluded ? tax : 0);
  });

  const refunds: LedgerRefund[] = [];
  const incompleteRefunds: string[] = [];
  for (const refund of node.refunds ?? []) {
    if (isRefundComplete(refund)) refunds.push(mapGraphqlRefund(refund, shopCurrency, taxesIncluded, orderId));
    else incompleteRefunds.push(gid(refund.id, "Refund", "refunds.id"));
  }

  const customerId = node.customer ? gid(node.customer.id, "Customer", "customer.id") : null;
  const country = node.shippingAddress?.countryCodeV2 ?? node.billingAddress?.countryCodeV2 ?? node.customer?.defaultAddress?.countryCodeV2 ?? null;

  const order: LedgerOrder = {
    id: orderId,
    name: node.name,
    customerId,
    customerTags: node.customer ? (node.customer.tags ?? []).join(", ") : null,
    createdAt: new Date(createdAt),
    processedAt: new Date(processedAt),
    sourceUpdatedAt: new Date(updatedAt),
    cancelledAt: cancelledAt === null ? null : new Date(cancelledAt),
    test: node.test ?? false,
    currency: shopCurrency,
    sourceName: node.sourceName || "unknown",
    countryCode: country,
    financialStatus: node.displayFinancialStatus ? node.displayFinancialStatus.toLowerCase() : null,
    taxesIncluded,
    gateways: node.paymentGatewayNames ?? [],
    tags: (node.tags ?? []).map((tag) => tag.trim()).filter(Boolean),
    discountCodes: node.discountCodes ?? [],
    grossSales: netSales + discounts,
    discounts,
    netSales,
    shippingCharged,
    taxes: m.bag(node.totalTaxSet, "totalTaxSet"),
    duties: m.bag(node.originalTotalDutiesSet, "originalTotalDutiesSet"),
    tips: m.bag(node.totalTipReceivedSet, "totalTipReceivedSet"),
    giftCardsSold: sum(giftCards, (line) => line.unitPrice * line.quantity - line.discount),
    totalPrice: m.bag(node.totalPriceSet, "totalPriceSet", true),
    itemCount: sum(merchandise, (line) => line.quantity),
    lines,
    refunds,
  };
  if (node.transactions != null) {
    order.transactions = node.transactions.map((transaction) => mapTransaction(transaction, m, processedAt));
  }
  return { order, incompleteRefunds };
}
