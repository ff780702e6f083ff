/**
 * The Admin GraphQL (API 2026-07) shapes the app reads: an `Order` with the fields the ledger needs.
 * Field names were checked against Shopify's GraphQL Admin reference (objects Order, LineItem,
 * ShippingLine, DiscountAllocation, TaxLine, Refund, RefundLineItem, RefundShippingLine,
 * OrderAdjustment, OrderTransaction, TransactionFee, MailingAddress, MoneyBag, MoneyV2).
 *
 * Connections may arrive three ways and every reader accepts all of them: as a plain array (rebuilt
 * from bulk-operation JSONL children), as `{ nodes: [...] }` or as `{ edges: [{ node }] }` (a normal
 * query's response).
 */

export interface GqlMoney {
  amount: string;
  currencyCode: string;
}

export interface GqlMoneyBag {
  shopMoney: GqlMoney;
  presentmentMoney?: GqlMoney;
}

export type GqlConnection<T> = T[] | { nodes: T[]; pageInfo?: GqlPageInfo } | { edges: { node: T }[]; pageInfo?: GqlPageInfo };

export interface GqlPageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface GqlDiscountAllocation {
  allocatedAmountSet: GqlMoneyBag;
}

export interface GqlTaxLine {
  priceSet: GqlMoneyBag;
}

export interface GqlLineItem {
  id: string; // gid://shopify/LineItem/...
  quantity: number;
  currentQuantity?: number | null;
  requiresShipping?: boolean | null;
  isGiftCard?: boolean | null;
  sku?: string | null;
  title?: string | null;
  name?: string | null;
  variant?: { id: string } | null;
  product?: { id: string } | null;
  /** Unit price before discounts, tax-inclusive in tax-inclusive shops (REST `price_set`). */
  originalUnitPriceSet: GqlMoneyBag;
  discountAllocations?: GqlDiscountAllocation[] | null;
  taxLines?: GqlTaxLine[] | null;
}

export interface GqlShippingLine {
  id?: string | null;
  /** Shipping price before discounts (REST `price_set`). */
  originalPriceSet: GqlMoneyBag;
  discountAllocations?: GqlDiscountAllocation[] | null;
  taxLines?: GqlTaxLine[] | null;
  isRemoved?: boolean | null;
}

export type GqlRestockType = "CANCEL" | "LEGACY_RESTOCK" | "NO_RESTOCK" | "RETURN";

export interface GqlRefundLineItem {
  /** Nullable in the schema; a refund line without an id is refused (the ledger keys on it). */
  id: string | null;
  lineItem: { id: string };
  quantity: number;
  restockType: GqlRestockType | string;
  subtotalSet: GqlMoneyBag;
  totalTaxSet: GqlMoneyBag;
}

export interface GqlRefundShippingLine {
  subtotalAmountSet: GqlMoneyBag;
  taxAmountSet: GqlMoneyBag;
}

/**
 * In API 2026-07 an OrderAdjustment has `amountSet`, `taxAmountSet` and `reason` (a discrepancy
 * reason); the old `kind` (SHIPPING_REFUND) is gone, shipping refunds are RefundShippingLines.
 */
export interface GqlOrderAdjustment {
  amountSet: GqlMoneyBag;
  taxAmountSet: GqlMoneyBag;
  reason?: string | null;
}

export interface GqlRefund {
  id: string; // gid://shopify/Refund/...
  createdAt: string;
  /** Absent in bulk-operation output (a connection inside the `refunds` list is rejected there). */
  refundLineItems?: GqlConnection<GqlRefundLineItem>;
  refundShippingLines?: GqlConnection<GqlRefundShippingLine>;
  orderAdjustments?: GqlConnection<GqlOrderAdjustment>;
}

export interface GqlTransactionFee {
  amount: GqlMoney;
}

export interface GqlTransaction {
  id: string; // gid://shopify/OrderTransaction/...
  kind: string; // SALE | CAPTURE | AUTHORIZATION | VOID | REFUND | ...
  status: string; // SUCCESS | FAILURE | PENDING | ERROR | ...
  gateway?: string | null;
  amountSet: GqlMoneyBag;
  processedAt?: string | null;
  createdAt?: string | null;
  fees?: GqlTransactionFee[] | null;
}

export interface GqlAddress {
  countryCodeV2?: string | null;
}

export interface GqlOrder {
  id: string; // gid://shopify/Order/...
  name: string;
  createdAt: string;
  processedAt?: string | null;
  updatedAt: string;
  cancelledAt?: string | null;
  test?: boolean | null;
  sourceName?: string | null;
  /** The shop currency (REST `currency`); amounts are read from `shopMoney`. */
  currencyCode: string;
  taxesIncluded?: boolean | null;
  /** OrderDisplayFinancialStatus, e.g. PARTIALLY_REFUNDED (REST `financial_status`, lower-cased). */
  displayFinancialStatus?: string | null;
  tags?: string[] | null;
  customer?: { id: string; tags?: string[] | null; defaultAddress?: GqlAddress | null } | null;
  shippingAddress?: GqlAddress | null;
  billingAddress?: GqlAddress | null;
  discountCodes?: string[] | null;
  paymentGatewayNames?: string[] | null;
  totalPriceSet: GqlMoneyBag;
  totalTaxSet?: GqlMoneyBag | null;
  totalTipReceivedSet?: GqlMoneyBag | null;
  originalTotalDutiesSet?: GqlMoneyBag | null;
  lineItems: GqlConnection<GqlLineItem>;
  shippingLines?: GqlConnection<GqlShippingLine>;
  refunds?: GqlRefund[] | null;
  transactions?: GqlTransaction[] | null;
}
