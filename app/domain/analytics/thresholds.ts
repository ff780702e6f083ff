/**
 * The settings behind behaviour segments (Segments page) and customer flags (issue 7): one object, so
 * a customer flagged "discount-dependent" is exactly a member of the discount-dependent segment.
 * Shares are basis points (10000 = 100%), contacts per order in hundredths. Each boundary's side
 * (>=, >, <=, <) is part of the description the UI shows.
 */
import { z } from "zod";

export interface SegmentThresholds {
  highValueTopShareBps: number;
  discountDependentMinOrders: number;
  discountDependentMinOrderShareBps: number;
  highReturnMinOrders: number;
  highReturnMinRefundedShareBps: number;
  serviceHeavyContactsPerOrderAboveX100: number;
  oneAndDoneMinDays: number;
  newCustomerMaxDays: number;
  revenueRankTopShareBps: number;
  marginRankBottomShareBps: number;
  minSegmentCustomers: number;
  atRiskBelowProbabilityBps: number;
  atRiskMinOrders: number;
}

export const DEFAULT_SEGMENT_THRESHOLDS: Readonly<SegmentThresholds> = Object.freeze({
  highValueTopShareBps: 1000,
  discountDependentMinOrders: 2,
  discountDependentMinOrderShareBps: 5000,
  highReturnMinOrders: 2,
  highReturnMinRefundedShareBps: 3000,
  serviceHeavyContactsPerOrderAboveX100: 100,
  oneAndDoneMinDays: 180,
  newCustomerMaxDays: 60,
  revenueRankTopShareBps: 3333,
  marginRankBottomShareBps: 3333,
  minSegmentCustomers: 20,
  atRiskBelowProbabilityBps: 3000,
  atRiskMinOrders: 2,
});

export interface ThresholdDescription {
  label: string;
  unit: "bps" | "orders" | "days" | "contacts_x100" | "customers";
  description: string;
}

export const SEGMENT_THRESHOLD_DESCRIPTIONS: Readonly<Record<keyof SegmentThresholds, ThresholdDescription>> = {
  highValueTopShareBps: { label: "High value: top share", unit: "bps",
    description: "Customers whose lifetime contribution margin is at or above the cut-off of this top share (ties at the cut-off included; margin must be positive)." },
  discountDependentMinOrders: { label: "Discount-dependent: minimum orders", unit: "orders",
    description: "Only customers with at least this many orders can be discount-dependent." },
  discountDependentMinOrderShareBps: { label: "Discount-dependent: share of orders with a discount", unit: "bps",
    description: "Discount-dependent when this share of orders or more used a discount (>=)." },
  highReturnMinOrders: { label: "High-return: minimum orders", unit: "orders",
    description: "Only customers with at least this many orders can be high-return." },
  highReturnMinRefundedShareBps: { label: "High-return: share of revenue refunded", unit: "bps",
    description: "High-return when refunds take this share of order revenue or more (>=)." },
  serviceHeavyContactsPerOrderAboveX100: { label: "Service-heavy: contacts per order", unit: "contacts_x100",
    description: "Service-heavy when support contacts per order are strictly above this (0.5 = one contact every two orders)." },
  oneAndDoneMinDays: { label: "One-and-done: days since the only order", unit: "days",
    description: "One order, placed at least this many days before the as-of date (>=)." },
  newCustomerMaxDays: { label: "New: days since the first order", unit: "days",
    description: "One order, placed at most this many days before the as-of date (<=)." },
  revenueRankTopShareBps: { label: "Valuable on revenue: top share", unit: "bps",
    description: "Looks valuable when ranked within this top share on revenue per customer (rank <= ceil(n x share))." },
  marginRankBottomShareBps: { label: "Costly on margin: bottom share", unit: "bps",
    description: "...but within this bottom share on margin per customer (rank > n - ceil(n x share))." },
  minSegmentCustomers: { label: "Minimum segment size for ranking", unit: "customers",
    description: "Segments smaller than this are shown but not ranked or highlighted; a group needs 3 ranked segments." },
  atRiskBelowProbabilityBps: { label: "At risk: probability still active", unit: "bps",
    description: "At risk when the model's probability that the customer is still active is strictly below this." },
  atRiskMinOrders: { label: "At risk: minimum orders", unit: "orders",
    description: "Only customers with at least this many orders can be at risk (a one-order customer has shown no rhythm to fall out of)." },
};

const bps = z.number().int().min(0).max(10_000);
const count = z.number().int().min(0);

const schema = z.object({
  highValueTopShareBps: bps,
  discountDependentMinOrders: count.min(1),
  discountDependentMinOrderShareBps: bps,
  highReturnMinOrders: count.min(1),
  highReturnMinRefundedShareBps: bps,
  serviceHeavyContactsPerOrderAboveX100: count,
  oneAndDoneMinDays: count,
  newCustomerMaxDays: count,
  revenueRankTopShareBps: bps,
  marginRankBottomShareBps: bps,
  minSegmentCustomers: count.min(1),
  atRiskBelowProbabilityBps: bps,
  atRiskMinOrders: count.min(1),
}).strict();

/** Settings from a form or JSON: missing keys take the defaults; anything out of range throws a ZodError. */
export function parseSegmentThresholds(input: unknown): SegmentThresholds {
  return schema.parse({ ...DEFAULT_SEGMENT_THRESHOLDS, ...(input as object | undefined) });
}

export function withDefaults(overrides: Partial<SegmentThresholds> | undefined): SegmentThresholds {
  return overrides ? parseSegmentThresholds(overrides) : { ...DEFAULT_SEGMENT_THRESHOLDS };
}
