/**
 * Hand-built ledger orders and cost configs for the economics tests. The builder derives the order
 * totals from its lines exactly as the ledger normalizer does (netSales excludes tax; gift cards are
 * no revenue), so each test states only what matters to it.
 */
import type { LedgerLine, LedgerOrder, LedgerRefund, LedgerRefundLine, RestockType } from "~/domain/ledger/types";
import type { CostConfig } from "~/domain/economics/cost-config";
import { parseCostConfig } from "~/domain/economics/cost-config";

export const V1 = "gid://shopify/ProductVariant/1";
export const V2 = "gid://shopify/ProductVariant/2";
/** A variant with no unit cost configured: estimated with the default percentage. */
export const V9 = "gid://shopify/ProductVariant/9";

export interface LineSpec {
  variantId?: string | null;
  quantity: number;
  unitPrice: number;
  discount?: number;
  tax?: number;
  giftCard?: boolean;
}

export interface RefundLineSpec {
  line: number; // index into the order's lines
  quantity: number;
  restockType: RestockType;
  subtotal: number;
  tax?: number;
}

export interface RefundSpec {
  createdAt: string;
  lines?: RefundLineSpec[];
  shipping?: number;
  adjustments?: number;
  taxes?: number;
}

export interface OrderSpec {
  id?: number;
  processedAt: string;
  lines: LineSpec[];
  shippingCharged?: number;
  shippingTax?: number;
  taxesIncluded?: boolean;
  currency?: string;
  countryCode?: string | null;
  gateways?: string[];
  customerId?: string | null;
  cancelledAt?: string;
  test?: boolean;
  tips?: number;
  duties?: number;
  refunds?: RefundSpec[];
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

function makeLine(spec: LineSpec, index: number, taxesIncluded: boolean): LedgerLine {
  const discount = spec.discount ?? 0;
  const tax = spec.tax ?? 0;
  const giftCard = spec.giftCard ?? false;
  return {
    id: `gid://shopify/LineItem/${index + 1}`,
    productId: null,
    variantId: spec.variantId === undefined ? V1 : spec.variantId,
    sku: null,
    title: `Line ${index + 1}`,
    quantity: spec.quantity,
    currentQuantity: spec.quantity,
    requiresShipping: !giftCard,
    unitPrice: spec.unitPrice,
    discount,
    tax,
    giftCard,
    netSales: giftCard ? 0 : spec.unitPrice * spec.quantity - discount - (taxesIncluded ? tax : 0),
  };
}

function makeRefund(spec: RefundSpec, index: number, orderId: string, lines: LedgerLine[]): LedgerRefund {
  const refundLines: LedgerRefundLine[] = (spec.lines ?? []).map((line, lineIndex) => ({
    id: `gid://shopify/RefundLineItem/${index * 10 + lineIndex + 1}`,
    lineItemId: lines[line.line].id,
    quantity: line.quantity,
    restockType: line.restockType,
    subtotal: line.subtotal,
    tax: line.tax ?? 0,
  }));
  return {
    id: `gid://shopify/Refund/${index + 1}`,
    orderId,
    createdAt: new Date(spec.createdAt),
    merchandise: sum(refundLines.map((line) => line.subtotal)),
    shipping: spec.shipping ?? 0,
    adjustments: spec.adjustments ?? 0,
    taxes: spec.taxes ?? sum(refundLines.map((line) => line.tax)),
    restockedItems: sum(refundLines.filter((line) => line.restockType !== "no_restock").map((line) => line.quantity)),
    returnedItems: sum(refundLines.map((line) => line.quantity)),
    lines: refundLines,
  };
}

export function makeOrder(spec: OrderSpec): LedgerOrder {
  const taxesIncluded = spec.taxesIncluded ?? false;
  const id = `gid://shopify/Order/${spec.id ?? 1001}`;
  const lines = spec.lines.map((line, index) => makeLine(line, index, taxesIncluded));
  const merchandise = lines.filter((line) => !line.giftCard);
  const giftCards = lines.filter((line) => line.giftCard);
  const netSales = sum(merchandise.map((line) => line.netSales));
  const discounts = sum(merchandise.map((line) => line.discount));
  const shippingCharged = spec.shippingCharged ?? 0;
  const shippingTax = spec.shippingTax ?? 0;
  const taxes = sum(lines.map((line) => line.tax)) + shippingTax;
  const tips = spec.tips ?? 0;
  const duties = spec.duties ?? 0;
  const linesPaid = sum(lines.map((line) => line.unitPrice * line.quantity - line.discount));
  // What the customer paid: list prices already hold the tax in a tax-inclusive store.
  const totalPrice = taxesIncluded
    ? linesPaid + shippingCharged + shippingTax + tips + duties
    : linesPaid + shippingCharged + taxes + tips + duties;
  const processedAt = new Date(spec.processedAt);
  return {
    id,
    name: `#${spec.id ?? 1001}`,
    customerId: spec.customerId === undefined ? "gid://shopify/Customer/7" : spec.customerId,
    customerTags: "",
    createdAt: processedAt,
    processedAt,
    sourceUpdatedAt: processedAt,
    cancelledAt: spec.cancelledAt ? new Date(spec.cancelledAt) : null,
    test: spec.test ?? false,
    currency: spec.currency ?? "USD",
    sourceName: "web",
    countryCode: spec.countryCode === undefined ? "US" : spec.countryCode,
    financialStatus: "paid",
    taxesIncluded,
    gateways: spec.gateways ?? ["shopify_payments"],
    tags: [],
    discountCodes: [],
    grossSales: netSales + discounts,
    discounts,
    netSales,
    shippingCharged,
    taxes,
    duties,
    tips,
    giftCardsSold: sum(giftCards.map((line) => line.unitPrice * line.quantity - line.discount)),
    totalPrice,
    itemCount: sum(merchandise.map((line) => line.quantity)),
    lines,
    refunds: (spec.refunds ?? []).map((refund, index) => makeRefund(refund, index, id, lines)),
  };
}

/**
 * The reference cost stack (USD), all from 2026-01-01 unless noted:
 *   V1 costs 10.00, then 12.00 from 2026-04-01; V2 costs 5.00; other variants 40% of list price (estimate)
 *   fulfilment 3.00 per order + 0.50 per item; shipping 6.00 flat per order
 *   fees: shopify_payments 2.9% + 0.30, paypal 3.49% + 0.49, anything else 3% + 0
 *   returns: 5.00 per return + 1.00 per item, 30-day window, 10% expected return rate
 *     (from 2026-03-01: 9.00 per return, same window and rate)
 *   service: 2.50 per contact
 */
export function referenceCostInput(): Record<string, unknown> {
  return {
    currency: "USD",
    variantCosts: [
      { variantId: V1, unitCost: 1000, validFrom: "2026-01-01" },
      { variantId: V1, unitCost: 1200, validFrom: "2026-04-01" },
      { variantId: V2, unitCost: 500, validFrom: "2026-01-01" },
    ],
    defaultCogs: [{ percentOfPriceBps: 4000, validFrom: "2026-01-01" }],
    fulfilment: [{ perOrder: 300, perItem: 50, validFrom: "2026-01-01" }],
    shipping: [{ method: "flat_per_order", perOrder: 600, validFrom: "2026-01-01" }],
    paymentFees: [{
      gateways: [
        { gateway: "shopify_payments", percentBps: 290, fixedPerOrder: 30 },
        { gateway: "paypal", percentBps: 349, fixedPerOrder: 49 },
      ],
      fallback: { percentBps: 300, fixedPerOrder: 0 },
      validFrom: "2026-01-01",
    }],
    returns: [
      { perReturn: 500, perReturnedItem: 100, windowDays: 30, expectedReturnRateBps: 1000, validFrom: "2026-01-01" },
      { perReturn: 900, perReturnedItem: 100, windowDays: 30, expectedReturnRateBps: 1000, validFrom: "2026-03-01" },
    ],
    service: [{ perContact: 250, validFrom: "2026-01-01" }],
  };
}

export function referenceCosts(overrides: Record<string, unknown> = {}): CostConfig {
  return parseCostConfig({ ...referenceCostInput(), ...overrides });
}

/** Long after every return window of the fixtures: no reserve. */
export const LATER = { asOf: new Date("2026-12-31T00:00:00Z") };
