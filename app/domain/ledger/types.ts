/**
 * The normalized order ledger: what the app keeps of a Shopify order, in integer minor units of the
 * shop currency (shop_money), keyed by GIDs. Every analytics figure is derived from these records.
 */

export interface LedgerLine {
  id: string; // gid://shopify/LineItem/...
  productId: string | null;
  variantId: string | null;
  sku: string | null;
  title: string;
  quantity: number;
  /**
   * Shopify's current_quantity: the quantity minus what was removed, by order edits AND by refunds
   * (Shopify's own fixture shows refunded lines at 0). Do not subtract refunded units from it again.
   */
  currentQuantity: number;
  /** False for digital goods and services: no fulfilment or shipping cost. */
  requiresShipping: boolean;
  /** Shopify's list price per unit (tax-inclusive in tax-inclusive stores). */
  unitPrice: number;
  /** Discounts allocated to this line. */
  discount: number;
  tax: number;
  giftCard: boolean;
  /** Revenue of the line: price x quantity - discount, excluding tax; 0 for gift cards. */
  netSales: number;
}

export type RestockType = "no_restock" | "cancel" | "return" | "legacy_restock";

export interface LedgerRefundLine {
  id: string; // gid://shopify/RefundLineItem/...
  lineItemId: string;
  quantity: number;
  restockType: RestockType;
  /** Refunded merchandise, excluding tax. */
  subtotal: number;
  tax: number;
}

export interface LedgerRefund {
  id: string; // gid://shopify/Refund/...
  orderId: string;
  createdAt: Date;
  /** Refunded merchandise, excluding tax. */
  merchandise: number;
  /** Refunded shipping, excluding tax. */
  shipping: number;
  /** Revenue given back through other order adjustments (refund discrepancies). */
  adjustments: number;
  taxes: number;
  restockedItems: number;
  returnedItems: number;
  lines: LedgerRefundLine[];
}

/** A payment transaction of an order; `fee` is Shopify Payments' processing fee when Shopify reports it. */
export interface LedgerTransaction {
  id: string; // gid://shopify/OrderTransaction/...
  kind: string; // sale | capture | authorization | refund | void
  status: string; // success | failure | pending | error
  gateway: string;
  amount: number;
  fee: number | null;
  processedAt: Date;
}

export interface LedgerOrder {
  id: string; // gid://shopify/Order/...
  name: string;
  customerId: string | null; // null for guest checkouts
  customerTags: string | null;
  createdAt: Date;
  processedAt: Date;
  /** updated_at of the snapshot: an older snapshot never replaces a newer one. */
  sourceUpdatedAt: Date;
  cancelledAt: Date | null;
  test: boolean;
  currency: string;
  sourceName: string;
  countryCode: string | null;
  financialStatus: string | null;
  taxesIncluded: boolean;
  gateways: string[];
  tags: string[];
  discountCodes: string[];
  /** netSales + discounts over merchandise lines (no gift cards), excluding tax. */
  grossSales: number;
  discounts: number;
  netSales: number;
  shippingCharged: number;
  taxes: number;
  duties: number;
  tips: number;
  giftCardsSold: number;
  totalPrice: number;
  itemCount: number;
  lines: LedgerLine[];
  refunds: LedgerRefund[];
  /**
   * Transactions when the source carries them (bulk backfill, Admin API reads); undefined when it does
   * not (order webhooks), in which case the stored ones are kept.
   */
  transactions?: LedgerTransaction[];
}

/** Revenue an order keeps after its refunds: the revenue LTV and contribution margin start from. */
export function orderNetRevenue(order: Pick<LedgerOrder, "netSales" | "shippingCharged" | "cancelledAt">,
  refunds: Pick<LedgerRefund, "merchandise" | "shipping" | "adjustments">[]): number {
  if (order.cancelledAt) return 0;
  let revenue = order.netSales + order.shippingCharged;
  for (const refund of refunds) revenue -= refund.merchandise + refund.shipping + refund.adjustments;
  return revenue;
}
