/**
 * The REST order body the demo generator emits: the subset of Shopify's `orders/create` /
 * `orders/updated` webhook body (API 2026-07, without the `{"order": ...}` wrapper) that the app reads,
 * plus the fields a real body always carries around them. Protected customer data (names, emails,
 * phones, street addresses) is left out on purpose: the app must work without it. Fields Shopify
 * sends that neither the app nor the demo needs (fulfillments, client details, order-level tax lines,
 * `current_*` totals, ...) are left out too: they cost serialization time at a million orders.
 */

export interface ShopifyMoney {
  /** Decimal string in the currency's minor digits ("12.50", "1500" for JPY). */
  amount: string;
  currency_code: string;
}

export interface ShopifyMoneySet {
  shop_money: ShopifyMoney;
  /** The buyer's currency; the demo shop sells in its own currency, so it equals shop_money (opt-in). */
  presentment_money?: ShopifyMoney;
}

export interface ShopifyTaxLine {
  title: string;
  /** Tax rate as a fraction (0.0625). */
  rate: number;
  price: string;
  price_set: ShopifyMoneySet;
}

export interface ShopifyDiscountAllocation {
  amount: string;
  amount_set: ShopifyMoneySet;
  discount_application_index: number;
}

export interface ShopifyDiscountCode {
  code: string;
  amount: string;
  type: "percentage" | "fixed_amount" | "shipping";
}

export interface ShopifyDiscountApplication {
  target_type: "line_item" | "shipping_line";
  type: "discount_code" | "manual" | "automatic";
  value: string;
  value_type: "percentage" | "fixed_amount";
  allocation_method: "across" | "each";
  target_selection: "all" | "entitled" | "explicit";
  code?: string;
  title?: string;
  description?: string;
}

/** Region-level address: no name, street, city, zip or phone. */
export interface ShopifyAddress {
  country_code: string;
  province_code: string | null;
}

export interface ShopifyOrderCustomer {
  id: number;
  admin_graphql_api_id: string;
  created_at: string;
  state: "enabled" | "disabled";
  tax_exempt: boolean;
  tags: string;
  default_address: ShopifyAddress;
}

export interface ShopifyLineItem {
  id: number;
  admin_graphql_api_id: string;
  product_id: number;
  variant_id: number;
  sku: string;
  title: string;
  variant_title: string | null;
  quantity: number;
  /** Quantity left after refunds (refunded units no longer count). */
  current_quantity: number;
  price: string;
  price_set: ShopifyMoneySet;
  gift_card: boolean;
  taxable: boolean;
  requires_shipping: boolean;
  tax_lines: ShopifyTaxLine[];
  discount_allocations: ShopifyDiscountAllocation[];
}

/** The refunded order line as embedded in a refund line item (the fields that identify it). */
export interface ShopifyRefundedLineItem {
  id: number;
  admin_graphql_api_id: string;
  product_id: number;
  variant_id: number;
  sku: string;
  title: string;
  variant_title: string | null;
  quantity: number;
  price: string;
  price_set: ShopifyMoneySet;
  gift_card: boolean;
}

export interface ShopifyShippingLine {
  id: number;
  title: string;
  price: string;
  price_set: ShopifyMoneySet;
  tax_lines: ShopifyTaxLine[];
  discount_allocations: ShopifyDiscountAllocation[];
}

export type RefundRestockType = "return" | "no_restock" | "cancel";

export interface ShopifyRefundLineItem {
  id: number;
  line_item_id: number;
  line_item: ShopifyRefundedLineItem;
  location_id: number | null;
  quantity: number;
  restock_type: RefundRestockType;
  /** JSON numbers here, as Shopify sends them; the `*_set` strings are authoritative. */
  subtotal: number;
  subtotal_set: ShopifyMoneySet;
  total_tax: number;
  total_tax_set: ShopifyMoneySet;
}

export interface ShopifyRefundShippingLine {
  id: number;
  shipping_line_id: number;
  subtotal_amount_set: ShopifyMoneySet;
  tax_amount_set: ShopifyMoneySet;
}

export interface ShopifyOrderAdjustment {
  id: number;
  order_id: number;
  refund_id: number;
  kind: "shipping_refund" | "refund_discrepancy";
  reason: string;
  /** Negative: money given back. */
  amount: string;
  amount_set: ShopifyMoneySet;
  tax_amount: string;
  tax_amount_set: ShopifyMoneySet;
}

export interface ShopifyTransaction {
  id: number;
  admin_graphql_api_id: string;
  order_id: number;
  parent_id: number;
  kind: "refund";
  gateway: string;
  status: "success";
  amount: string;
  currency: string;
  created_at: string;
  processed_at: string;
  test: boolean;
  source_name: string;
}

export interface ShopifyRefund {
  id: number;
  admin_graphql_api_id: string;
  order_id: number;
  created_at: string;
  processed_at: string;
  note: string | null;
  restock: boolean;
  refund_line_items: ShopifyRefundLineItem[];
  refund_shipping_lines: ShopifyRefundShippingLine[];
  order_adjustments: ShopifyOrderAdjustment[];
  transactions: ShopifyTransaction[];
}

export type ShopifyFinancialStatus =
  | "pending"
  | "authorized"
  | "paid"
  | "partially_paid"
  | "partially_refunded"
  | "refunded"
  | "voided";

export type ShopifyCancelReason = "customer" | "fraud" | "inventory" | "declined" | "other";

export interface ShopifyOrderPayload {
  id: number;
  admin_graphql_api_id: string;
  name: string;
  order_number: number;
  currency: string;
  presentment_currency: string;
  created_at: string;
  processed_at: string;
  updated_at: string;
  cancelled_at: string | null;
  cancel_reason: ShopifyCancelReason | null;
  test: boolean;
  source_name: string;
  landing_site: string | null;
  referring_site: string | null;
  financial_status: ShopifyFinancialStatus;
  fulfillment_status: "fulfilled" | "partial" | null;
  taxes_included: boolean;
  tax_exempt: boolean;
  tags: string;
  payment_gateway_names: string[];
  discount_codes: ShopifyDiscountCode[];
  discount_applications: ShopifyDiscountApplication[];
  total_line_items_price: string;
  total_line_items_price_set: ShopifyMoneySet;
  total_discounts: string;
  total_discounts_set: ShopifyMoneySet;
  subtotal_price: string;
  subtotal_price_set: ShopifyMoneySet;
  total_shipping_price_set: ShopifyMoneySet;
  total_tax: string;
  total_tax_set: ShopifyMoneySet;
  total_tip_received: string;
  total_price: string;
  total_price_set: ShopifyMoneySet;
  total_outstanding: string;
  billing_address: ShopifyAddress | null;
  shipping_address: ShopifyAddress | null;
  customer: ShopifyOrderCustomer | null;
  line_items: ShopifyLineItem[];
  shipping_lines: ShopifyShippingLine[];
  refunds: ShopifyRefund[];
}
