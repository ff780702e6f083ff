/**
 * The breakdown as an ordered statement, one line per component, for pages and exports.
 * "component" lines add up to the contribution margin; each "subtotal" is the sum of the
 * components above it; "memo" lines explain a component and are never added.
 */
import type { OrderMarginBreakdown } from "./margin";

export type MarginLineKind = "component" | "subtotal" | "memo";

export interface MarginLine {
  key: keyof OrderMarginBreakdown;
  label: string;
  amount: number;
  kind: MarginLineKind;
}

type LineSpec = [key: keyof OrderMarginBreakdown, label: string, kind: MarginLineKind];

const STATEMENT: LineSpec[] = [
  ["grossSales", "Gross sales (list price)", "component"],
  ["discounts", "Discounts (discount load)", "component"],
  ["netSales", "Net sales", "subtotal"],
  ["shippingCharged", "Shipping charged", "component"],
  ["refundedMerchandise", "Refunds: merchandise", "component"],
  ["refundedShipping", "Refunds: shipping", "component"],
  ["refundAdjustments", "Refunds: adjustments", "component"],
  ["netRevenue", "Net revenue", "subtotal"],
  ["cogs", "Cost of goods", "component"],
  ["cogsEstimated", "of which ESTIMATED (default % of price)", "memo"],
  ["cogsRecovered", "COGS recovered from restocked returns", "component"],
  ["grossMargin", "Gross margin", "subtotal"],
  ["paymentFees", "Payment fees", "component"],
  ["fulfilment", "Fulfilment", "component"],
  ["shippingCost", "Shipping cost", "component"],
  ["reverseLogistics", "Return costs: reverse logistics", "component"],
  ["cogsLostNotRestocked", "Return costs: goods not restocked (inside cost of goods)", "memo"],
  ["returnsReserve", "Returns reserve", "component"],
  ["serviceCost", "Service cost", "component"],
  ["contributionMargin", "Contribution margin", "subtotal"],
];

export function marginLines(breakdown: OrderMarginBreakdown): MarginLine[] {
  return STATEMENT.map(([key, label, kind]) => ({ key, label, kind, amount: breakdown[key] as number }));
}
