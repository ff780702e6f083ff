/**
 * The REST order body the demo generator emits: the subset of Shopify's `orders/create` /
 * `orders/updated` webhook body (API 2026-07, without the `{"order": ...}` wrapper) that the app reads,
 * plus the fields a real body always carries around them. Protected customer data (names, emails,
 * phones, street addresses) is left out on purpose: the app must work without it.
 */

export interface ShopifyMoney {
  /** Decimal string in the currency's minor digits ("12.50", "1500" for JPY). */
  amount: string;
  currency_code: string;
}

export interface ShopifyMoneySet {
  shop_money: ShopifyMoney;
  presentment_money: ShopifyMoney;
}

export interface ShopifyTaxLine {
  title: string;
  /** Tax rate as a fraction (0.0625). */
  rate: number;
  price: string;
  price_set: ShopifyMoneySet;
  channel_liable: boolean;
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
  country: string;
  country_code: string;
  province: string | null;
  province_code: string | null;
}

export interface ShopifyCustomerAddress extends ShopifyAddress {
  customer_id: number;
  default: boolean;
}

export interface ShopifyOrderCustomer {
  id: number;
  admin_graphql_api_id: string;
  created_at: string;
  updated_at: string;
  state: "enabled" | "disabled";
  tax_exempt: boolean;
  tags: string;
  currency: string;
  default_address: ShopifyCustomerAddress;
}

export interface ShopifyLineItem {
  id: number;
  admin_graphql_api_id: string;
  product_id: number;
  variant_id: number;
  sku: string;
  title: string;
  variant_title: string | null;
  name: string;
  vendor: string;
  quantity: number;
  /** Quantity left after refunds (removed units no longer count). */
  current_quantity: number;
  price: string;
  price_set: ShopifyMoneySet;
  total_discount: string;
  total_discount_set: ShopifyMoneySet;
  gift_card: boolean;
  taxable: boolean;
  requires_shipping: boolean;
  grams: number;
  product_exists: boolean;
  fulfillment_service: "manual" | "gift_card";
  fulfillment_status: "fulfilled" | null;
  tax_lines: ShopifyTaxLine[];
  discount_allocations: ShopifyDiscountAllocation[];
  duties: never[];
}

export interface ShopifyShippingLine {
  id: number;
  title: string;
  code: string;
  source: string;
  carrier_identifier: string | null;
  price: string;
  price_set: ShopifyMoneySet;
  discounted_price: string;
  discounted_price_set: ShopifyMoneySet;
  is_removed: boolean;
  tax_lines: ShopifyTaxLine[];
  discount_allocations: ShopifyDiscountAllocation[];
}

export type RefundRestockType = "return" | "no_restock" | "cancel";

export interface ShopifyRefundLineItem {
  id: number;
  line_item_id: number;
  /** The refunded order line, as Shopify embeds it. */
  line_item: ShopifyLineItem;
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
  message: string | null;
  error_code: null;
  authorization: string | null;
  location_id: number | null;
  user_id: null;
}

export interface ShopifyRefund {
  id: number;
  admin_graphql_api_id: string;
  order_id: number;
  created_at: string;
  processed_at: string;
  note: string | null;
  restock: boolean;
  user_id: null;
  return: null;
  duties: never[];
  total_duties_set: ShopifyMoneySet;
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
  number: number;
  order_number: number;
  confirmed: boolean;
  currency: string;
  presentment_currency: string;
  created_at: string;
  processed_at: string;
  updated_at: string;
  closed_at: string | null;
  cancelled_at: string | null;
  cancel_reason: ShopifyCancelReason | null;
  test: boolean;
  source_name: string;
  location_id: number | null;
  landing_site: string | null;
  referring_site: string | null;
  financial_status: ShopifyFinancialStatus;
  fulfillment_status: "fulfilled" | "partial" | null;
  taxes_included: boolean;
  duties_included: boolean;
  estimated_taxes: boolean;
  tax_exempt: boolean;
  tags: string;
  note: string | null;
  payment_gateway_names: string[];
  discount_codes: ShopifyDiscountCode[];
  discount_applications: ShopifyDiscountApplication[];
  tax_lines: ShopifyTaxLine[];
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
  original_total_duties_set: null;
  current_total_duties_set: null;
  billing_address: ShopifyAddress | null;
  shipping_address: ShopifyAddress | null;
  customer: ShopifyOrderCustomer | null;
  line_items: ShopifyLineItem[];
  shipping_lines: ShopifyShippingLine[];
  refunds: ShopifyRefund[];
}
